// SPDX-License-Identifier: GPL-3.0-or-later
// Hash routing: "#/alignment/initiatives/7" is matched against patterns
// such as "/alignment/initiatives/:id"; the first match wins. Hash routes
// need nothing from the server: it serves index.html at "/" only.

export function currentPath() {
  const p = location.hash.replace(/^#/, '');
  return p.startsWith('/') ? p.split('?')[0] : '/';
}

// The query part of the hash ("#/x?a=1") as URLSearchParams.
export function currentQuery() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

export function match(routes, path) {
  const segs = path.split('/').filter(Boolean);
  for (const r of routes) {
    const ps = r.path.split('/').filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < ps.length && ok; i++) {
      if (ps[i].startsWith(':')) params[ps[i].slice(1)] = decodeURIComponent(segs[i]);
      else ok = ps[i] === segs[i];
    }
    if (ok) return { route: r, params };
  }
  return null;
}

export function navigate(path) {
  if (location.hash === '#' + path) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = '#' + path;
}

export const link = (path) => '#' + path;
