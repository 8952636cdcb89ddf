// SPDX-License-Identifier: GPL-3.0-or-later
// The frame around every page once signed in: a skip link, the header with
// the organisation's name, the navigation by the five paths (plus
// administration for admins), the language switch, the signed-in person's
// name and role, and sign-out; below it, the section's tabs and the page.
import { h } from '../lib/dom.js';
import { t, tv, getLocale, setLocale, LOCALES } from '../lib/i18n.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { get } from '../lib/api.js';

// The five paths and their pages. built: false says the path is not built
// yet, partial: true that only part of it is; a page is listed when the
// role may read what it shows.
export function sections() {
  return [
    { key: 'alignment', href: '/alignment/objectives', pages: [
      { key: 'objectives', href: '/alignment/objectives' },
      { key: 'initiatives', href: '/alignment/initiatives' },
      { key: 'map', href: '/alignment/map' },
      { key: 'priorities', href: '/alignment/priorities' },
      { key: 'catalogue', href: '/alignment/catalogue' },
    ] },
    { key: 'resources', href: '/resources/pools', pages: [
      { key: 'pools', href: '/resources/pools' },
      { key: 'plan', href: '/resources/plan' },
      { key: 'teams', href: '/resources/teams' },
      { key: 'assets', href: '/resources/data' },
    ] },
    { key: 'risk', href: '/risk/systems', pages: [
      { key: 'systems', href: '/risk/systems' },
      { key: 'production', href: '/risk/production' },
      { key: 'riskmap', href: '/risk/register' },
      { key: 'reviews', href: '/risk/reviews' },
      { key: 'switches', href: '/risk/switches' },
      { key: 'analyses', href: '/risk/analyses' },
      { key: 'compliance', href: '/risk/compliance' },
      { key: 'calendar', href: '/risk/calendar' },
      { key: 'soa', href: '/risk/soa' },
    ] },
    { key: 'organisation', href: '/organisation/units', pages: [
      { key: 'units', href: '/organisation/units' },
      { key: 'people', href: '/organisation/people' },
      { key: 'committee', href: '/organisation/committee' },
      { key: 'decisions', href: '/organisation/decisions' },
      { key: 'training', href: '/organisation/training' },
      { key: 'definitions', href: '/organisation/definitions' },
      { key: 'slips', href: '/organisation/slips' },
    ] },
    { key: 'iteration', href: '/iteration/reviews', pages: [
      { key: 'qreviews', href: '/iteration/reviews' },
      { key: 'actions', href: '/iteration/actions' },
      { key: 'radar', href: '/iteration/radar' },
    ] },
    { key: 'admin', href: '/admin/accounts', admin: true, pages: [
      { key: 'accounts', href: '/admin/accounts', need: ['GET', '/accounts'] },
      { key: 'tokens', href: '/admin/tokens' },
      { key: 'settings', href: '/admin/settings', need: ['PATCH', '/settings'] },
      { key: 'audit', href: '/admin/audit', need: ['GET', '/audit'] },
    ] },
  ];
}

function visiblePages(sec) {
  return (sec.pages || []).filter((p) => !p.need || can(p.need[0], p.need[1]));
}

// The administration section is shown to roles that may use one of its
// guarded pages (tokens alone do not open it: everyone has their own).
function adminVisible(sec) {
  return (sec.pages || []).some((p) => p.need && can(p.need[0], p.need[1]));
}

export function layout({ path, who, settings, onSignOut, content }) {
  const secs = sections().filter((s) => !s.admin || adminVisible(s));
  const hasAdmin = secs.some((s) => s.admin);
  const current = secs.find((s) => path.startsWith('/' + s.key)) || null;
  const localeSel = h('select', { id: 'locale', 'aria-label': t('header.language'), class: 'locale' },
    Object.keys(LOCALES).map((l) => h('option', { value: l, selected: l === getLocale() }, t('locale.' + l))));
  localeSel.addEventListener('change', () => setLocale(localeSel.value, true));
  const nav = h('nav', { class: 'mainnav', 'aria-label': t('nav.main') },
    h('ul', {}, h('li', {}, h('a', { href: link('/'), class: path === '/' ? 'active' : null, 'aria-current': path === '/' ? 'page' : null }, t('nav.home'))),
      secs.map((s) => h('li', {}, h('a', {
        href: link(s.admin ? visiblePages(s).find((p) => p.need).href : s.href),
        class: [current === s ? 'active' : '', s.built === false ? 'unbuilt' : ''],
        'aria-current': current === s ? 'page' : null,
        dataset: { nav: s.key },
      }, t('nav.' + s.key))))));
  const tabs = current && current.pages ? h('nav', { class: 'tabs', 'aria-label': t('nav.' + current.key) },
    h('ul', {}, visiblePages(current).map((p) => h('li', {}, h('a', {
      href: link(p.href), class: path.startsWith(p.href) ? 'active' : null,
      'aria-current': path.startsWith(p.href) ? 'page' : null,
    }, t('page.' + p.key)))))) : null;
  return h('div', { class: 'shell' },
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); document.getElementById('main').focus(); } }, t('nav.skip')),
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: link('/') }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', {}, 'keel'),
        h('span', { class: 'org' }, settings ? settings.name : '')),
      nav,
      h('div', { class: 'user' }, localeSel,
        h('a', { class: 'inbox-link', id: 'inbox-link', href: link('/inbox') }, t('header.inbox'),
          h('span', { class: 'badge badge-unread', id: 'inbox-count', hidden: true })),
        hasAdmin ? null : h('a', { class: 'tokens-link', href: link('/admin/tokens') }, t('page.tokens')),
        h('span', { class: 'who', id: 'who' }, h('a', { class: 'who-name', href: link('/me'), title: t('page.preferences') }, who.name || who.email),
          h('span', { class: 'badge badge-role' }, tv('role', who.role))),
        h('button', { type: 'button', class: 'signout', onclick: onSignOut }, t('header.signout')))),
    tabs,
    h('main', { id: 'main', tabindex: '-1' }, content));
}

// The unread count in the header: asked for after each page is drawn (it
// is computed from the data, so it follows what was just done).
export async function refreshInboxCount() {
  const el = document.getElementById('inbox-count');
  if (!el) return;
  try {
    const box = await get('/inbox', { quiet401: true });
    el.textContent = String(box.unread);
    el.hidden = !box.unread;
    const a = document.getElementById('inbox-link');
    if (a) a.setAttribute('aria-label', t('header.inbox_unread', { n: box.unread }));
  } catch { el.hidden = true; }
}
