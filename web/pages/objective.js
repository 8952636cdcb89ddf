// SPDX-License-Identifier: GPL-3.0-or-later
// One objective: its facts, each KPI with progress, status and a line
// chart of actual values against the target (and the baseline), the
// initiatives that move each KPI, and — for those allowed — forms to add a
// KPI, record actual values and change the objective.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtPeriod, fmtPercent } from '../lib/i18n.js';
import { get, post, patch, del, ApiError } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { loadNames, kpiNumbers, kpiFraction, kpiDropBadge } from '../lib/align.js';
import { form, compact } from '../components/form.js';
import { csvImport } from '../components/csvimport.js';
import { chart } from '../components/chart.js';
import { pageHeader, panel, badge, progress, facts, errorBox, confirmAction } from '../components/ui.js';
import { definitionsBlock } from '../components/defpicker.js';
import { objectiveFields } from './objectives.js';

// A round axis bound beyond x (dir -1: below, 1: above), rounded to the
// order of magnitude of the range shown.
function nice(x, dir, range) {
  const mag = 10 ** Math.floor(Math.log10(range || Math.abs(x) || 1));
  return +((dir < 0 ? Math.floor(x / mag) : Math.ceil(x / mag)) * mag).toPrecision(12);
}

function kpiChart(k) {
  const values = (k.values || []).slice().sort((a, b) => (a.period < b.period ? -1 : 1));
  const all = [k.baseline, k.target, ...values.map((v) => v.value)];
  const lo = Math.min(...all), hi = Math.max(...all), pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  const periods = values.map((v) => fmtPeriod(v.period));
  const last = fmtPeriod(k.target_period);
  if (!periods.includes(last)) periods.push(last);
  return chart({
    grid: { left: 56, right: 24, top: 30, bottom: 30 },
    legend: { top: 0, data: [t('kpi.actual'), t('kpi.target'), t('kpi.baseline')] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: periods, boundaryGap: false },
    yAxis: { type: 'value', name: k.unit, min: nice(lo - pad, -1, hi - lo + 2 * pad), max: nice(hi + pad, 1, hi - lo + 2 * pad) },
    series: [
      { name: t('kpi.actual'), type: 'line', data: values.map((v) => v.value), symbolSize: 7, lineStyle: { width: 3 } },
      { name: t('kpi.target'), type: 'line', data: periods.map(() => k.target), symbol: 'none', lineStyle: { type: 'dashed', width: 2 } },
      { name: t('kpi.baseline'), type: 'line', data: periods.map(() => k.baseline), symbol: 'none', lineStyle: { type: 'dotted', width: 1 } },
    ],
  }, { height: 240, label: t('kpi.chart_label', { name: k.name }) });
}

// Import many values at once: CSV "period,value,note" with a header row.
function kpiImport(ctx, k) {
  return csvImport({ summary: t('kpi.import'), label: t('kpi.import_label'), path: `/kpis/${k.id}/values`,
    placeholder: 'period,value,note\n2026Q1,7.5,\n2026Q2,6.9,promotion weeks',
    done: (r) => { ctx.refresh(); return t('kpi.imported', { n: r.imported }); } });
}

export async function render(ctx) {
  const id = Number(ctx.params.id);
  const [o, list, names, map] = await Promise.all([get('/objectives/' + id), get('/kpis?objective_id=' + id + '&limit=1000'), loadNames(), get('/alignment')]);
  const [kpis, defs] = await Promise.all([Promise.all((list.items || []).map((k) => get('/kpis/' + k.id))), get('/definitions')]);
  const mo = (map.objectives || []).find((x) => x.id === id) || { kpis: [] };
  const initiativesOf = new Map(mo.kpis.map((k) => [k.id, k.initiatives || []]));
  const mayEdit = can('PATCH', '/objectives/{id}');
  const mayValues = can('POST', '/kpis/{id}/values');
  const edit = h('div');
  const kpiPanels = kpis.map((k) => {
    const inits = initiativesOf.get(k.id) || [];
    const removeKpi = async () => {
      if (!confirmAction(t('kpi.confirm_delete', { name: k.name }))) return;
      try { await del('/kpis/' + k.id); ctx.refresh(); } catch (err) { edit.replaceChildren(errorBox(err)); edit.scrollIntoView({ block: 'nearest' }); }
    };
    return panel(null, h('div', { class: 'obj-head' }, h('h2', {}, k.name),
      h('div', { class: 'obj-meta' }, badge('kpistatus', k.status || 'no_data'), kpiDropBadge(k),
        can('DELETE', '/kpis/{id}') ? h('button', { type: 'button', class: 'danger', onclick: removeKpi }, t('common.delete')) : null)),
      h('div', { class: 'grid2' },
        h('div', {},
          progress(kpiFraction(k), fmtPercent(kpiFraction(k)), k.status),
          facts([
            [t('field.direction'), tv('direction', k.direction)],
            [t('field.baseline'), `${fmtNumber(k.baseline)} ${k.unit}`],
            [t('field.target'), `${fmtNumber(k.target)} ${k.unit} · ${fmtPeriod(k.target_period)}`],
            [t('kpi.latest'), kpiNumbers(k)],
            k.projected !== null && k.projected !== undefined ? [t('kpi.projected'), `${fmtNumber(k.projected)} ${k.unit}`] : null,
            k.recent_drop && k.recent_drop.flagged ? [t('kpi.recent_drop'), t('kpi.recent_drop_detail', { latest: fmtNumber(k.recent_drop.latest), expected: fmtNumber(k.recent_drop.expected), change: fmtNumber(k.recent_drop.change_pct) })] : null,
            k.definition ? [t('field.definition'), k.definition] : null,
            [t('kpi.moved_by'), inits.length ? h('span', { class: 'chips' }, inits.map((i) => h('a', { class: 'chip', href: link('/alignment/initiatives/' + i.initiative_id) }, i.title))) : h('span', { class: 'missing' }, t('kpi.no_initiative'))],
          ]),
          definitionsBlock({ defs, entity: 'kpi', id: k.id })),
        kpiChart(k)),
      mayValues ? h('details', { class: 'add-values' }, h('summary', {}, t('kpi.record_value')), form({
        fields: [
          { name: 'period', label: t('field.period'), required: true, placeholder: '2026Q4', help: t('help.period') },
          { name: 'value', type: 'number', label: t('field.value'), required: true, step: 'any' },
          { name: 'note', label: t('field.note'), maxlength: 1000 },
        ],
        submitLabel: t('common.add'),
        onSubmit: async (v) => {
          try {
            await post(`/kpis/${k.id}/values`, { values: [compact(v)] });
          } catch (err) {
            // far outside the KPI's usual range: ask before recording it
            if (!(err instanceof ApiError) || err.code !== 'needs_confirm' || !confirmAction(t('kpi.confirm_unusual', { value: v.value }))) throw err;
            await post(`/kpis/${k.id}/values`, { values: [compact(v)], confirm: true });
          }
          ctx.refresh();
        },
      })) : null,
      mayValues ? kpiImport(ctx, k) : null);
  });
  return h('div', {},
    pageHeader(o.title, null, h('a', { href: link('/alignment/objectives') }, '← ', t('page.objectives')),
      mayEdit ? h('button', { type: 'button', onclick: () => edit.replaceChildren(panel(null, form({
        title: t('objectives.edit'), fields: objectiveFields(names, o), onCancel: () => edit.replaceChildren(),
        onSubmit: async (v) => { await patch('/objectives/' + id, v); ctx.refresh(); },
      }))) }, t('common.edit')) : null,
      can('DELETE', '/objectives/{id}') ? h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirmAction(t('objectives.confirm_delete', { name: o.title }))) return;
        try { await del('/objectives/' + id); location.hash = '#/alignment/objectives'; } catch (err) { edit.replaceChildren(errorBox(err)); }
      } }, t('common.delete')) : null),
    edit,
    panel(null, facts([
      [t('field.pain_point'), badge('pain', o.pain_point)],
      [t('field.status'), badge('objstatus', o.status)],
      [t('field.owner_id'), names.person.get(o.owner_id) || '–'],
      [t('field.unit_id'), names.unit.get(o.unit_id) || '–'],
      [t('objectives.horizon_label'), o.horizon_start || o.horizon_end ? `${fmtPeriod(o.horizon_start)} – ${fmtPeriod(o.horizon_end)}` : '–'],
      o.description ? [t('field.description'), o.description] : null,
    ])),
    kpiPanels.length ? kpiPanels : panel(null, h('p', { class: 'muted' }, t('objectives.no_kpis'))),
    can('POST', '/kpis') ? panel(t('kpi.new'), form({
      fields: [
        { name: 'name', label: t('field.name'), required: true, maxlength: 200 },
        { name: 'unit', label: t('field.unit'), required: true, maxlength: 40, placeholder: '%' },
        { name: 'direction', type: 'select', label: t('field.direction'), required: true, value: 'up',
          options: ['up', 'down'].map((d) => ({ value: d, label: tv('direction', d) })) },
        { name: 'baseline', type: 'number', label: t('field.baseline'), required: true, step: 'any' },
        { name: 'target', type: 'number', label: t('field.target'), required: true, step: 'any' },
        { name: 'target_period', label: t('field.target_period'), required: true, placeholder: '2027Q4', help: t('help.period') },
        { name: 'definition', type: 'textarea', label: t('field.definition'), wide: true },
      ],
      submitLabel: t('common.create'),
      onSubmit: async (v) => { await post('/kpis', { ...compact(v), objective_id: id }); ctx.refresh(); },
    })) : null);
}
