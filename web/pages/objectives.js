// SPDX-License-Identifier: GPL-3.0-or-later
// Objectives and their KPIs: each objective as a card with its pain point,
// owner and status, and each KPI with a progress bar from baseline to
// target coloured by its status (on track, at risk, off track). Those who
// may create objectives get the form.
import { h } from '../lib/dom.js';
import { t, tv, fmtPercent, fmtPeriod } from '../lib/i18n.js';
import { post, listAll } from '../lib/api.js';
import { can, enumOf } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { loadNames, kpiNumbers, kpiFraction, kpiDropBadge, personOptions, unitOptions } from '../lib/align.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, progress, notice } from '../components/ui.js';

export function objectiveFields(names, o) {
  return [
    { name: 'title', label: t('field.title'), required: true, maxlength: 200, value: o && o.title, wide: true },
    { name: 'pain_point', type: 'select', label: t('field.pain_point'), required: true, value: o && o.pain_point,
      options: enumOf('objective', 'pain_point').map((p) => ({ value: p, label: tv('pain', p) })) },
    { name: 'status', type: 'select', label: t('field.status'), required: true, value: o ? o.status : 'active',
      options: enumOf('objective', 'status').map((s) => ({ value: s, label: tv('objstatus', s) })) },
    { name: 'owner_id', type: 'select', numeric: true, label: t('field.owner_id'), value: o && o.owner_id, options: personOptions(names) },
    { name: 'unit_id', type: 'select', numeric: true, label: t('field.unit_id'), value: o && o.unit_id, options: unitOptions(names) },
    { name: 'horizon_start', label: t('field.horizon_start'), value: o && o.horizon_start, placeholder: '2026Q1', help: t('help.period') },
    { name: 'horizon_end', label: t('field.horizon_end'), value: o && o.horizon_end, placeholder: '2027Q4' },
    { name: 'description', type: 'textarea', label: t('field.description'), value: o && o.description, wide: true },
  ];
}

export function kpiRow(k) {
  return h('div', { class: 'kpi-row', dataset: { kpi: k.id } },
    h('div', { class: 'kpi-name' }, k.name, h('small', {}, tv('direction', k.direction), ' · ', kpiNumbers(k))),
    progress(kpiFraction(k), fmtPercent(kpiFraction(k)), k.status),
    badge('kpistatus', k.status || 'no_data'), kpiDropBadge(k));
}

export async function render(ctx) {
  const [objectives, kpis, names] = await Promise.all([listAll('/objectives?sort=title'), listAll('/kpis'), loadNames()]);
  const pain = ctx.query.get('pain_point');
  const byObjective = new Map();
  for (const k of kpis) {
    if (!byObjective.has(k.objective_id)) byObjective.set(k.objective_id, []);
    byObjective.get(k.objective_id).push(k);
  }
  const shown = objectives.filter((o) => !pain || o.pain_point === pain);
  const cards = shown.map((o) => {
    const ks = byObjective.get(o.id) || [];
    return h('section', { class: 'panel obj-card', dataset: { objective: o.id } },
      h('div', { class: 'obj-head' },
        h('h2', {}, h('a', { href: link('/alignment/objectives/' + o.id) }, o.title)),
        h('div', { class: 'obj-meta' }, badge('pain', o.pain_point), badge('objstatus', o.status),
          o.owner_id ? h('span', {}, t('objectives.owner', { name: names.person.get(o.owner_id) || '' })) : null,
          o.horizon_end ? h('span', {}, t('objectives.horizon', { from: fmtPeriod(o.horizon_start), to: fmtPeriod(o.horizon_end) })) : null)),
      ks.length ? ks.map(kpiRow) : h('p', { class: 'muted' }, t('objectives.no_kpis')));
  });
  const filter = h('div', { class: 'page-actions' },
    h('a', { href: link('/alignment/objectives'), class: ['chip', !pain ? 'chip-on' : ''] }, t('table.all')),
    enumOf('objective', 'pain_point').map((p) => h('a', { href: link('/alignment/objectives?pain_point=' + p), class: ['chip', pain === p ? 'chip-on' : ''] }, tv('pain', p))));
  return h('div', {},
    pageHeader(t('page.objectives'), t('objectives.lead'), filter),
    cards.length ? cards : notice(t('objectives.none'), 'info'),
    can('POST', '/objectives') ? panel(t('objectives.new'), form({
      fields: objectiveFields(names, null), submitLabel: t('common.create'),
      onSubmit: async (v) => {
        const o = await post('/objectives', compact(v));
        location.hash = '#/alignment/objectives/' + o.id;
      },
    })) : null);
}
