// SPDX-License-Identifier: GPL-3.0-or-later
// The audit log (admins and the committee), readable: who did what to
// which named record, in words and linked to it; every entry reachable by
// paging; filters by person, kind of record, action and dates (kept in the
// address); each change's before and after as a diff; the filtered log as
// CSV. The hash chain can be checked from here.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtNumber } from '../lib/i18n.js';
import { get, listAll } from '../lib/api.js';
import { link, navigate } from '../lib/router.js';
import { pageHeader, notice, errorBox, panel } from '../components/ui.js';

const PAGE = 50;
const FILTERS = ['actor', 'entity', 'action', 'from', 'to'];
const KINDS = ['initiative', 'objective', 'kpi', 'initiative_link', 'unit', 'person', 'account', 'api_token', 'resource_pool', 'pool_usage',
  'pool_capacity', 'team_member', 'data_asset', 'analysis', 'plan', 'scenario', 'criterion', 'settings'];
const ACTIONS = ['create', 'update', 'delete', 'transition', 'signoff', 'score', 'charter_version', 'profile', 'void_signoffs'];

// Where a record lives in the UI, or null.
function pageOf(e, rec) {
  const id = e.entity_id;
  switch (e.entity) {
    case 'initiative': case 'initiative_plan': case 'initiative_demand': return link('/alignment/initiatives/' + id);
    case 'initiative_link': case 'team_member': return rec.initiative_id ? link('/alignment/initiatives/' + rec.initiative_id) : null;
    case 'objective': return link('/alignment/objectives/' + id);
    case 'kpi': return rec.objective_id ? link('/alignment/objectives/' + rec.objective_id) : null;
    case 'analysis': return link('/risk/analyses/' + id);
    case 'unit': return link('/organisation/units');
    case 'person': return link('/organisation/people');
    case 'resource_pool': case 'pool_usage': case 'pool_capacity': return link('/resources/pools');
    case 'data_asset': case 'data_asset_link': return link('/resources/data');
    case 'plan': return link('/resources/plan');
    default: return null;
  }
}

// The record's own name, from the entry's after (or before) state.
function recordName(e, rec, names) {
  const n = rec.title || rec.name || rec.email || rec.key || rec.period;
  if (n) return String(n);
  if (rec.initiative_id && names.get(rec.initiative_id)) return names.get(rec.initiative_id);
  if (e.entity === 'initiative' && names.get(e.entity_id)) return names.get(e.entity_id);
  return '#' + (e.entity_id ?? '');
}

// "Helena Marsh moved the initiative “Credit scoring v2”" and a link.
function sentence(e, people, names) {
  const rec = e.after || e.before || {};
  const who = people.get(e.actor) || e.actor;
  const kind = tv('entity', e.entity);
  const what = recordName(e, rec, names);
  const href = pageOf(e, rec);
  const key = t('audit.say.' + e.action) === 'audit.say.' + e.action ? 'audit.say.other' : 'audit.say.' + e.action;
  const [pre, post] = t(key, { who, kind, action: e.action, what: '\u0000' }).split('\u0000');
  return [pre, href ? h('a', { href }, what) : h('strong', {}, what), post];
}

// Before and after of a change: the fields that differ.
function diff(e) {
  const b = e.before || {}, a = e.after || {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => !['updated_at', 'created_at', 'password_hash'].includes(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  if (!keys.length || (!e.before && e.action === 'create' && keys.length > 8)) return null;
  const show = (v) => (v === undefined ? '–' : v === null ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return h('details', { class: 'audit-diff' }, h('summary', {}, t('audit.changes', { n: keys.length, count: keys.length })),
    h('table', { class: 'diff' }, h('thead', {}, h('tr', {}, h('th', {}, t('audit.field')), h('th', {}, t('audit.before')), h('th', {}, t('audit.after')))),
      h('tbody', {}, keys.map((k) => h('tr', {}, h('td', {}, t('field.' + k) === 'field.' + k ? k : t('field.' + k)),
        h('td', { class: 'del' }, show(b[k])), h('td', { class: 'ins' }, show(a[k])))))));
}

function query(params, offset, limit) {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) q.set(k, params.get(k));
  q.set('limit', limit);
  q.set('offset', offset);
  return '/audit?' + q.toString();
}

const csvCell = (v) => { const s = v === null || v === undefined ? '' : String(v); return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

export async function render(ctx) {
  const params = ctx.query;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const [page, people, inits] = await Promise.all([get(query(params, offset, PAGE)), listAll('/people'), listAll('/initiatives')]);
  const byEmail = new Map(people.map((p) => [p.email, p.name]));
  const names = new Map(inits.map((i) => [i.id, i.title]));
  const result = h('div');
  const verify = async () => {
    try {
      const r = await get('/audit/verify');
      result.replaceChildren(notice(r.intact === false ? t('audit.broken') : t('audit.ok', { n: r.entries ?? '' }), r.intact === false ? 'error' : 'good'));
    } catch (err) { result.replaceChildren(errorBox(err)); }
  };
  const go = (changes) => {
    const q = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v) q.set(k, v); else q.delete(k);
    navigate('/admin/audit?' + q.toString());
  };
  const field = (name, el) => h('label', { class: 'audit-filter' }, h('span', {}, t('audit.filter.' + name)), el);
  const actor = h('select', { name: 'actor' }, h('option', { value: '' }, t('audit.anyone')),
    [...people].sort((a, b) => a.name.localeCompare(b.name)).map((p) => h('option', { value: p.email, selected: params.get('actor') === p.email }, p.name)));
  const entity = h('select', { name: 'entity' }, h('option', { value: '' }, t('audit.any')),
    KINDS.map((k) => h('option', { value: k, selected: params.get('entity') === k }, tv('entity', k))));
  const action = h('select', { name: 'action' }, h('option', { value: '' }, t('audit.any')),
    ACTIONS.map((k) => h('option', { value: k, selected: params.get('action') === k }, tv('auditaction', k))));
  const from = h('input', { type: 'date', name: 'from', value: params.get('from') || '' });
  const to = h('input', { type: 'date', name: 'to', value: params.get('to') || '' });
  const filters = h('form', { class: 'audit-filters', 'data-testid': 'audit-filters', onsubmit: (ev) => {
    ev.preventDefault();
    go({ actor: actor.value, entity: entity.value, action: action.value, from: from.value, to: to.value, offset: '' });
  } }, field('actor', actor), field('entity', entity), field('action', action), field('from', from), field('to', to),
  h('button', { type: 'submit', class: 'primary' }, t('audit.apply')),
  h('button', { type: 'button', onclick: () => navigate('/admin/audit') }, t('audit.clear')));
  const exportCsv = async () => {
    const rows = [];
    for (let off = 0; ; off += 1000) {
      const p = await get(query(params, off, 1000));
      rows.push(...(p.items || []));
      if (rows.length >= p.total || !(p.items || []).length) break;
    }
    const lines = [['id', 'at', 'actor', 'action', 'entity', 'entity_id', 'name', 'before', 'after'].join(',')];
    for (const e of rows) {
      lines.push([e.id, e.at, e.actor, e.action, e.entity, e.entity_id, recordName(e, e.after || e.before || {}, names),
        e.before ? JSON.stringify(e.before) : '', e.after ? JSON.stringify(e.after) : ''].map(csvCell).join(','));
    }
    const a = h('a', { href: URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' })), download: 'keel-audit.csv' });
    document.body.append(a);
    a.click();
    a.remove();
  };
  const items = page.items || [];
  const total = page.total || 0;
  const pager = h('div', { class: 'pager', 'data-testid': 'audit-pager' },
    h('button', { type: 'button', disabled: offset <= 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('audit.newer')),
    h('span', {}, total ? t('audit.range', { a: fmtNumber(offset + 1), b: fmtNumber(offset + items.length), total: fmtNumber(total) }) : t('audit.none')),
    h('button', { type: 'button', disabled: offset + PAGE >= total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('audit.older')));
  return h('div', { class: 'audit-page' },
    pageHeader(t('page.audit'), t('audit.lead'), h('button', { type: 'button', onclick: verify }, t('audit.verify')),
      h('button', { type: 'button', 'data-testid': 'audit-csv', onclick: exportCsv }, t('audit.csv'))),
    result,
    panel(null, filters),
    pager,
    h('ol', { class: 'audit-list', 'data-testid': 'audit' }, items.map((e) => h('li', { class: 'audit-entry' },
      h('div', { class: 'audit-when muted' }, fmtDate(e.at, true)),
      h('div', { class: 'audit-what' }, sentence(e, byEmail, names)),
      diff(e)))));
}
