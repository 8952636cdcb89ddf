// SPDX-License-Identifier: GPL-3.0-or-later
// Small building blocks shared by pages: page header, panels, badges,
// progress bars, headline numbers, notices, error boxes, confirmation and
// a polite status line for "saved" messages.
import { h, replace } from '../lib/dom.js';
import { t, tv, errorText } from '../lib/i18n.js';
import { reqDetail } from '../lib/sentence.js';

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', {}, h('h1', { tabindex: '-1', id: 'page-title' }, title), subtitle ? h('p', { class: 'sub' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function panel(title, ...children) {
  return h('section', { class: 'panel', 'aria-label': title || null }, title ? h('h2', {}, title) : null, children);
}

// A coloured badge for a vocabulary value (stage, status, role...).
export function badge(group, value, extraClass) {
  if (value === null || value === undefined || value === '') return '–';
  return h('span', { class: ['badge', `badge-${group}-${String(value).replace(/[^a-z0-9_-]/gi, '')}`, extraClass] }, tv(group, value));
}

// A progress bar 0..1 (clamped for the bar; the label shows the number).
export function progress(fraction, label, status) {
  const f = Math.max(0, Math.min(1, Number(fraction) || 0));
  const bar = h('span', { class: 'bar-fill' });
  bar.style.width = (f * 100).toFixed(1) + '%';
  return h('span', { class: ['progress', status ? 'progress-' + status : ''], role: 'progressbar',
    'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(f * 100), 'aria-label': label || null },
  h('span', { class: 'bar' }, bar), label ? h('span', { class: 'bar-label' }, label) : null);
}

// A headline number with a caption (and an optional tone: good, warn, bad).
export function stat(value, caption, tone, href) {
  const inner = [h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-caption' }, caption)];
  return href ? h('a', { class: ['stat', tone ? 'stat-' + tone : ''], href }, inner)
    : h('div', { class: ['stat', tone ? 'stat-' + tone : ''] }, inner);
}

export function notice(text, kind) {
  return h('div', { class: ['notice', kind ? 'notice-' + kind : ''], role: kind === 'error' ? 'alert' : 'note' }, text);
}

// The server's refusal in words (translated by code; the server's message
// as detail where the locale is not English).
export function errorBox(err) {
  const { text, detail } = errorText(err);
  const reqs = (err.requirements || []).filter((r) => r.state !== 'met');
  return h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', {}, text),
    detail ? h('div', { class: 'detail' }, detail) : null,
    // a refused gate: each requirement not met, with its state and why
    reqs.length ? h('ul', { class: 'plain-list refused' }, reqs.map((r) => h('li', { dataset: { req: r.id } },
      badge('reqstate', r.state), ' ', r.system ? r.system + ': ' : '', tv('gate.req', r.id), ' — ', reqDetail(r)))) : null);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

// A status line that announces short messages ("saved").
export function statusLine() {
  const el = h('div', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
  el.say = (msg) => { replace(el, msg); };
  return el;
}

// Ask before something that cannot be undone.
export function confirmAction(message) {
  return window.confirm(message);
}

// A definition list of [label, value] pairs.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '–')]));
}
