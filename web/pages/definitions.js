// SPDX-License-Identifier: GPL-3.0-or-later
// Shared definitions (path 4): the glossary of what words mean where
// departments meet (a KPI's formula, a customer segment, a label), each
// definition's status (agreed only when every department that uses it has
// signed the current version), the findings of KPIs, initiatives and data
// assets that rely on one not agreed; one definition with its text, its
// departments' signatures or disputes, its versions and the diff between
// them, and the forms to sign, dispute, write a new version and link.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { get, post, del, listAll } from '../lib/api.js';
import { link, navigate } from '../lib/router.js';
import { form } from '../components/form.js';
import { table } from '../components/table.js';
import { pageHeader, panel, badge, stat, notice, facts } from '../components/ui.js';
import { findingItem } from '../lib/align.js';

const KINDS = ['kpi_formula', 'customer_segment', 'label', 'term'];
const editor = (who) => ['admin', 'committee', 'owner'].includes(who.role);

// The finding names its entity: KPIs and initiatives link to their pages.
function titlesOf(findings) {
  const m = { kpi: new Map(), initiative: new Map(), data_asset: new Map() };
  for (const f of findings) m[f.entity] && m[f.entity].set(f.id, f.name);
  return m;
}

function deptList(d) {
  return h('ul', { class: 'plain-list', 'data-testid': 'departments' }, (d.departments || []).map((x) => h('li', { dataset: { state: x.state } },
    badge('defstate', x.state), ' ', h('strong', {}, x.name),
    x.by ? [' — ', t(x.state === 'disputed' ? 'def.disputed_by' : 'def.signed_by', { who: x.by, when: fmtDate(x.since) })] : null,
    x.state === 'disputed' ? [' ', h('span', { class: 'muted' }, t('def.days', { n: x.days })), h('blockquote', {}, x.reason)] : null)));
}

// A finding with the definition it names and who holds it up.
function findingDetail(f, titles) {
  const li = findingItem(f, titles);
  const who = [...(f.disputed_by || []).map((x) => t('def.disputes_days', { who: x.name, n: x.days })), ...(f.missing || [])];
  li.append(' — ', h('a', { href: link('/organisation/definitions/' + f.definition_id) }, f.definition), ': ', who.join(', ') || t('def.no_departments'));
  return li;
}

async function renderList(ctx) {
  const [res, units] = await Promise.all([get('/definitions'), listAll('/units')]);
  const c = res.counts;
  const titles = titlesOf(res.findings);
  const create = editor(ctx.who) ? form({
    title: t('def.new'), submitLabel: t('def.create'), class: 'collapsible',
    fields: [
      { name: 'name', label: t('def.name'), required: true, maxlength: 200 },
      { name: 'kind', label: t('def.kind'), type: 'select', required: true, options: KINDS.map((k) => ({ value: k, label: tv('defkind', k) })) },
      { name: 'body', label: t('def.body'), type: 'textarea', required: true, maxlength: 20000, wide: true },
      { name: 'departments', label: t('def.departments'), type: 'checks', wide: true, options: units.map((u) => ({ value: String(u.id), label: u.name })) },
    ],
    onSubmit: async (v) => {
      const r = await post('/definitions', { ...v, departments: (v.departments || []).map(Number) });
      navigate('/organisation/definitions/' + r.id);
    },
  }) : null;
  return h('div', { class: 'definitions-page' },
    pageHeader(t('page.definitions'), t('def.lead')),
    h('div', { class: 'stats' },
      stat(String(c.agreed), tv('defstatus', 'agreed'), 'good'),
      stat(String(c.unagreed), tv('defstatus', 'unagreed'), c.unagreed ? 'warn' : 'good'),
      stat(String(c.disputed), tv('defstatus', 'disputed'), c.disputed ? 'bad' : 'good')),
    panel(t('def.findings'), res.findings.length
      ? h('ul', { class: 'findings', 'data-testid': 'definition-findings' }, res.findings.map((f) => findingDetail(f, titles)))
      : h('p', { class: 'muted' }, t('def.no_findings'))),
    table({ testid: 'definitions', rows: res.items, initialSort: 'name', empty: t('def.none'),
      filters: [{ key: 'status', label: t('def.status'), options: ['agreed', 'unagreed', 'disputed'].map((s) => ({ value: s, label: tv('defstatus', s) })) }],
      columns: [
        { key: 'name', label: t('def.name'), render: (d) => h('a', { href: link('/organisation/definitions/' + d.id) }, d.name) },
        { key: 'kind', label: t('def.kind'), value: (d) => tv('defkind', d.kind) },
        { key: 'version', label: t('def.version'), value: (d) => d.version },
        { key: 'status', label: t('def.status'), value: (d) => tv('defstatus', d.status), render: (d) => badge('defstatus', d.status) },
        { key: 'missing', label: t('def.waiting_for'), value: (d) => [...d.disputed_by.map((x) => x.name), ...d.missing].join(', '), render: (d) => [...d.disputed_by.map((x) => t('def.disputes', { who: x.name })), ...d.missing].join(', ') || '–' },
        { key: 'links', label: t('def.used_by'), value: (d) => d.links.length },
      ] }),
    create);
}

function diffView(d) {
  return h('div', { class: 'diff', 'data-testid': 'diff' },
    h('p', { class: 'muted' }, t('def.diff_counts', { from: d.from, to: d.to, del: d.deleted, add: d.added })),
    h('p', { class: 'diff-text' }, d.chunks.map((c) => (c.op === 'same' ? c.text : h(c.op === 'del' ? 'del' : 'ins', {}, c.text)))));
}

async function renderOne(ctx) {
  const id = ctx.params.id;
  const d = await get('/definitions/' + id);
  const you = d.you || {};
  const diff = d.version > 1 ? await get(`/definitions/${id}/diff`) : null;
  const signForm = you.may_sign ? form({
    title: t('def.your_stance'), submitLabel: t('def.record'),
    fields: [
      { name: 'stance', label: t('def.stance'), type: 'select', required: true, options: ['signed', 'disputed'].map((s) => ({ value: s, label: tv('defstance', s) })) },
      { name: 'reason', label: t('def.reason'), type: 'textarea', maxlength: 2000, wide: true },
    ],
    onSubmit: async (v) => { await post(`/definitions/${id}/signatures`, { ...v, version: d.version, ...(v.reason ? {} : { reason: undefined }) }); ctx.refresh(); },
  }) : null;
  const versionForm = you.may_edit ? form({
    title: t('def.new_version'), submitLabel: t('def.save_version'), class: 'collapsible',
    fields: [
      { name: 'body', label: t('def.body'), type: 'textarea', required: true, maxlength: 20000, wide: true, value: d.body },
      { name: 'note', label: t('def.note'), maxlength: 2000, wide: true },
    ],
    onSubmit: async (v) => { await post(`/definitions/${id}/versions`, v.note ? v : { body: v.body }); ctx.refresh(); },
  }) : null;
  const linkForm = you.may_edit ? form({
    title: t('def.link'), submitLabel: t('def.add_link'), class: 'collapsible',
    fields: [
      { name: 'entity', label: t('def.entity'), type: 'select', required: true, options: ['kpi', 'initiative', 'data_asset'].map((k) => ({ value: k, label: tv('defentity', k) })) },
      { name: 'entity_id', label: t('def.entity_id'), type: 'number', required: true, min: 1, step: 1 },
    ],
    onSubmit: async (v) => { await post(`/definitions/${id}/links`, v); ctx.refresh(); },
  }) : null;
  const href = (l) => (l.entity === 'initiative' ? '/alignment/initiatives/' + l.entity_id : null);
  return h('div', { class: 'definition-page', dataset: { status: d.status } },
    pageHeader(d.name, [tv('defkind', d.kind), ' · ', t('def.version_n', { n: d.version })]),
    h('p', {}, badge('defstatus', d.status, 'big'), ' ', h('span', { 'data-testid': 'status-text' },
      d.status === 'agreed' ? t('def.agreed_text') : d.status === 'disputed' ? t('def.disputed_text') : t('def.unagreed_text', { list: d.missing.join(', ') || '–' }))),
    d.escalated_proposal_id ? notice([t('def.escalated'), ' ', h('a', { href: link('/organisation/proposals/' + d.escalated_proposal_id), 'data-testid': 'escalation' }, t('com.open_proposal', { id: d.escalated_proposal_id }))], 'warn') : null,
    panel(t('def.text'), h('blockquote', { class: 'definition-body', 'data-testid': 'body' }, d.body),
      d.version_note ? h('p', { class: 'muted' }, d.version_note) : null),
    panel(t('def.departments'), deptList(d), signForm),
    diff ? panel(t('def.changes'), diffView(diff)) : null,
    panel(t('def.versions'), h('ul', { class: 'plain-list' }, d.versions.map((v) => h('li', {},
      t('def.version_n', { n: v.version }), ' · ', fmtDate(v.created_at, true), ' · ', v.actor, v.note ? [' — ', v.note] : null))), versionForm),
    panel(t('def.used_by'), d.links.length ? h('ul', { class: 'plain-list', 'data-testid': 'links' }, d.links.map((l) => h('li', {},
      tv('defentity', l.entity), ': ', href(l) ? h('a', { href: link(href(l)) }, l.name || '#' + l.entity_id) : (l.name || '#' + l.entity_id),
      you.may_edit ? [' ', h('button', { type: 'button', class: 'link-button', onclick: async () => { await del(`/definitions/${id}/links/${l.id}`); ctx.refresh(); } }, t('def.unlink'))] : null)))
      : h('p', { class: 'muted' }, t('def.no_links')), linkForm),
    facts([[t('def.created'), fmtDate(d.created_at, true)]]));
}

export async function render(ctx) {
  return ctx.params.id ? renderOne(ctx) : renderList(ctx);
}
