// SPDX-License-Identifier: GPL-3.0-or-later
// Training and the translator gap (path 4): coverage of each programme per
// unit against its target (a unit below target cannot be rolled out to),
// the team members who lack a programme their initiative requires, and the
// forecast of the roles the latest plan needs per quarter against the
// people available, naming the quarters and roles short. Admins add
// programmes and record completions; everyone signed in reads.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtPeriod } from '../lib/i18n.js';
import { get, post, listAll } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, notice } from '../components/ui.js';

const pctText = (x) => (x === null || x === undefined ? '–' : fmtNumber(x, { maximumFractionDigits: 0 }) + ' %');
const fte = (x) => t('unit.fte', { n: fmtNumber(x, { maximumFractionDigits: 2 }) });

function coveragePanel(cov) {
  const progs = cov.programmes || [];
  const cols = [
    { key: 'name', label: t('trn.unit'), render: (u) => h('span', {}, u.name, ' ', h('span', { class: 'muted' }, tv('unitkind', u.kind))) },
    { key: 'people', label: t('trn.people'), numeric: true },
    ...progs.map((p) => ({ key: 'p' + p.id, label: `${p.name} (≥ ${fmtNumber(p.target_pct)} %)`, numeric: true, sort: false, value: () => '',
      render: (u) => { const c = u.coverage.find((x) => x.programme_id === p.id); if (!c) return h('span', { class: 'muted' }, t('trn.not_for_unit'));
        return h('span', { class: c.below ? 'missing' : 'ok', dataset: { below: c.below ? '1' : '0' } }, pctText(c.pct), h('span', { class: 'muted' }, ` (${c.completed}/${u.people})`)); } })),
  ];
  return panel(t('trn.coverage'),
    h('p', { class: 'muted' }, t('trn.coverage_lead')),
    table({ search: true, testid: 'coverage', rows: (cov.units || []).map((u) => ({ id: u.unit_id, ...u })), columns: cols }),
    (cov.below || []).length ? h('div', { 'data-testid': 'below' }, h('h3', {}, t('trn.below')), h('ul', { class: 'plain-list' }, cov.below.map((b) =>
      h('li', {}, h('strong', {}, b.unit_name), ' · ', t('trn.below_item', { programme: b.programme, done: b.completed, people: b.people, pct: pctText(b.pct), target: pctText(b.target_pct) })))))
      : notice(t('trn.none_below'), 'info'));
}

function flaggedPanel(cov) {
  const rows = (cov.flagged || []).map((f, i) => ({ id: i, ...f }));
  return panel(t('trn.flagged'), h('p', { class: 'muted' }, t('trn.flagged_lead')),
    table({ search: false, testid: 'flagged', rows, empty: t('trn.none_flagged'), columns: [
      { key: 'person_name', label: t('trn.person') },
      { key: 'skill', label: t('trn.role'), render: (f) => tv('skill', f.skill) },
      { key: 'title', label: t('trn.initiative'), render: (f) => h('a', { href: link('/alignment/initiatives/' + f.initiative_id) }, f.title) },
      { key: 'missing', label: t('trn.missing'), sort: false, value: (f) => f.missing.map((m) => m.name).join(', '), render: (f) => f.missing.map((m) => m.name).join(t('list.sep')) },
    ] }));
}

function forecastPanel(fc) {
  if (!fc.plan_id) return panel(t('trn.forecast'), h('p', { class: 'muted', 'data-testid': 'forecast' }, t('trn.no_plan')));
  const short = fc.short || [];
  const rows = (fc.roles || []).map((r) => ({ id: r.skill, ...r }));
  const byRole = (skill) => short.filter((s) => s.skill === skill).map((s) => fmtPeriod(s.period));
  return panel(t('trn.forecast'),
    h('p', { class: 'muted' }, t('trn.forecast_lead', { norm: fte(fc.role_norm_fte) }), ' ', h('a', { href: link('/resources/plan') }, t('trn.plan_link', { id: fc.plan_id }))),
    table({ search: false, testid: 'forecast', rows, columns: [
      { key: 'skill', label: t('trn.role'), render: (r) => h('strong', {}, r.skill === 'product_manager' ? t('trn.translator') : tv('skill', r.skill)) },
      { key: 'available', label: t('trn.available'), numeric: true, render: (r) => fte(r.available) },
      ...(fc.periods || []).map((p, q) => ({ key: 'q' + q, label: fmtPeriod(p), numeric: true, sort: false, value: () => '',
        render: (r) => { const x = r.quarters[q]; return h('span', { class: x.short > 0 ? 'missing' : null, dataset: { short: x.short > 0 ? '1' : '0' }, title: t('trn.need_title', { need: fte(x.need), available: fte(x.available) }) },
          fmtNumber(x.need, { maximumFractionDigits: 2 }), x.short > 0 ? ` (−${fmtNumber(x.short, { maximumFractionDigits: 2 })})` : ''); } })),
    ] }),
    short.length ? h('ul', { class: 'plain-list', 'data-testid': 'shortfalls' }, (fc.roles || []).filter((r) => byRole(r.skill).length).map((r) =>
      h('li', { dataset: { skill: r.skill } }, notice(t('trn.short_item', { role: r.skill === 'product_manager' ? t('trn.translator') : tv('skill', r.skill), quarters: byRole(r.skill).join(t('list.sep')) }), 'warn'))))
      : notice(t('trn.no_short'), 'info'));
}

function programmesPanel(ctx, progs, people) {
  const admin = can('POST', '/training/programmes');
  return panel(t('trn.programmes'),
    table({ search: false, testid: 'programmes', rows: progs, empty: t('trn.no_programmes'), columns: [
      { key: 'name', label: t('trn.programme') },
      { key: 'kind', label: t('trn.kind'), render: (p) => badge('tkind', p.kind) },
      { key: 'required', label: t('trn.required'), sort: false, value: () => '', render: (p) => [p.required_for_all ? t('trn.req_all') : null,
        (p.required_tiers || []).length ? t('trn.req_tiers', { tiers: p.required_tiers.map((x) => tv('tier', x)).join(t('list.sep')) }) : null].filter(Boolean).join(' · ') || '–' },
      { key: 'coverage_pct', label: t('trn.overall'), numeric: true, render: (p) => `${pctText(p.coverage_pct)} (${p.completed}/${p.people})` },
    ] }),
    admin ? h('details', { 'data-testid': 'programme-add' }, h('summary', {}, t('trn.add')), form({
      fields: [
        { name: 'name', label: t('trn.programme'), required: true, maxlength: 200 },
        { name: 'kind', type: 'select', label: t('trn.kind'), required: true, options: ['ai_literacy', 'tool', 'ethics'].map((k) => ({ value: k, label: tv('tkind', k) })) },
        { name: 'target_pct', type: 'number', label: t('trn.target'), min: 0, max: 100, step: 'any', value: 80 },
        { name: 'description', type: 'textarea', label: t('field.description'), wide: true },
      ],
      submitLabel: t('trn.add'),
      onSubmit: async (v) => { await post('/training/programmes', compact(v)); ctx.refresh(); },
    })) : null,
    admin && progs.length ? h('details', { 'data-testid': 'completion-add' }, h('summary', {}, t('trn.record')), form({
      fields: [
        { name: 'programme', type: 'select', numeric: true, label: t('trn.programme'), required: true, options: progs.map((p) => ({ value: p.id, label: p.name })) },
        { name: 'person_id', type: 'select', numeric: true, label: t('trn.person'), required: true, options: people.map((p) => ({ value: p.id, label: p.name })) },
        { name: 'completed_on', type: 'date', label: t('trn.completed_on'), required: true, value: new Date().toISOString().slice(0, 10) },
      ],
      submitLabel: t('trn.record'),
      onSubmit: async (v) => { const { programme, ...rest } = v; await post(`/training/programmes/${programme}/completions`, compact(rest)); ctx.refresh(); },
    })) : null);
}

export async function render(ctx) {
  const [cov, fc, progs, people] = await Promise.all([get('/training/coverage'), get('/training/forecast'), listAll('/training/programmes'), listAll('/people?sort=name')]);
  return h('div', { class: 'training-page' },
    pageHeader(t('page.training'), t('trn.lead')),
    forecastPanel(fc),
    coveragePanel(cov),
    flaggedPanel(cov),
    programmesPanel(ctx, progs, people));
}
