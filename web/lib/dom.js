// SPDX-License-Identifier: GPL-3.0-or-later
// DOM building without innerHTML: h(tag, props, ...children) creates an
// element, sets attributes (never a style attribute: the CSP forbids inline
// styles; use classes, or el.style from script), adds "on*" props as event
// listeners and appends children (nodes, strings, arrays, null skipped).
// Text always goes in as text nodes, so nothing user-supplied is parsed.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// Append children (flattening arrays, skipping null/false) to el.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replace all children of el.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
