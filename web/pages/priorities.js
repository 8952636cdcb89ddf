// SPDX-License-Identifier: GPL-3.0-or-later
// Prioritisation: the ranked list from the weighted scoring model, the
// weights (editable by admins and the committee; the ranking follows at
// once) and the value/feasibility quadrant as a scatter chart.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtMoney, fmtPercent } from '../lib/i18n.js';
import { get, patch } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { criterionName } from '../lib/align.js';
import { table } from '../components/table.js';
import { form } from '../components/form.js';
import { chart } from '../components/chart.js';
import { pageHeader, panel, badge } from '../components/ui.js';

export async function render(ctx) {
  const p = await get('/priorities');
  const items = p.items || [];
  const criteria = p.criteria || [];
  const mid = p.midpoint ?? 3;
  const sumW = criteria.reduce((s, c) => s + c.weight, 0) || 1;
  const cols = [
    { key: 'rank', label: t('priorities.rank'), numeric: true, render: (i) => (i.rank ? fmtNumber(i.rank) : '–') },
    { key: 'title', label: t('field.title'), wide: true, render: (i) => h('a', { href: link('/alignment/initiatives/' + i.id) }, i.title) },
    { key: 'stage', label: t('field.stage'), value: (i) => tv('stage', i.stage), render: (i) => badge('stage', i.stage) },
    { key: 'total', label: t('priorities.total'), numeric: true, render: (i) => (i.total === null ? '–' : fmtNumber(i.total, { minimumFractionDigits: 2 })) },
    ...criteria.map((c) => ({ key: 'c_' + c.key, label: criterionName(c), numeric: true, value: (i) => (i.scores ? i.scores[c.key] : null),
      render: (i) => fmtNumber(i.scores ? i.scores[c.key] : null) })),
    { key: 'quadrant', label: t('priorities.quadrant'), value: (i) => tv('quadrant', i.quadrant), render: (i) => badge('quadrant', i.quadrant) },
    { key: 'expected_value', label: t('field.expected_value'), numeric: true, render: (i) => fmtMoney(i.expected_value) },
  ];
  const scored = items.filter((i) => i.scores && i.scores.business_value !== null && i.scores.feasibility !== null && i.scores.business_value !== undefined);
  const scatter = chart({
    grid: { left: 50, right: 30, top: 30, bottom: 46 },
    tooltip: { trigger: 'item', formatter: (x) => `${x.data[2]}\n${t('priorities.value_axis')}: ${x.data[1]}\n${t('priorities.feasibility_axis')}: ${x.data[0]}` },
    xAxis: { type: 'value', min: 1, max: 5, name: t('priorities.feasibility_axis'), nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'value', min: 1, max: 5, name: t('priorities.value_axis'), nameLocation: 'middle', nameGap: 30 },
    series: [{
      type: 'scatter', symbolSize: 16,
      data: scored.map((i) => [i.scores.feasibility, i.scores.business_value, i.title]),
      label: { show: true, position: 'right', formatter: (x) => x.data[2], fontSize: 11, color: '#334e68' },
      labelLayout: { hideOverlap: true },
      emphasis: { label: { show: true, fontWeight: 'bold' } },
      markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#9aa5b1' }, data: [{ xAxis: mid }, { yAxis: mid }], label: { show: false } },
      markArea: { silent: true, itemStyle: { color: 'rgba(42,157,143,0.08)' }, label: { color: '#52606d', position: 'insideTopLeft', fontWeight: 'bold' },
        data: [
          [{ name: tv('quadrant', 'quick_win'), xAxis: mid, yAxis: mid }, { xAxis: 5, yAxis: 5 }],
          [{ name: tv('quadrant', 'big_bet'), xAxis: 1, yAxis: mid, itemStyle: { color: 'rgba(29,78,137,0.06)' } }, { xAxis: mid, yAxis: 5 }],
          [{ name: tv('quadrant', 'fill_in'), xAxis: mid, yAxis: 1, itemStyle: { color: 'rgba(233,196,106,0.10)' } }, { xAxis: 5, yAxis: mid }],
          [{ name: tv('quadrant', 'money_pit'), xAxis: 1, yAxis: 1, itemStyle: { color: 'rgba(231,111,81,0.08)' } }, { xAxis: mid, yAxis: mid }],
        ] },
    }],
  }, { height: 440, label: t('priorities.chart_label') });
  const mayWeigh = can('PATCH', '/criteria/{id}');
  const weights = panel(t('priorities.weights'),
    h('p', { class: 'muted' }, t('priorities.weights_lead')),
    table({ search: false, testid: 'criteria', rows: criteria, columns: [
      { key: 'name', label: t('initiative.criterion'), render: (c) => [criterionName(c), c.inverse ? h('small', { class: 'muted' }, ' ', t('initiative.inverse')) : null] },
      { key: 'weight', label: t('field.weight'), numeric: true, render: (c) => fmtNumber(c.weight) },
      { key: 'share', label: t('priorities.share'), numeric: true, value: (c) => c.weight / sumW, render: (c) => fmtPercent(c.weight / sumW) },
    ] }),
    mayWeigh ? h('details', {}, h('summary', {}, t('priorities.edit_weights')), form({
      fields: criteria.map((c) => ({ name: 'w' + c.id, type: 'number', label: criterionName(c), required: true, min: 0, max: 100, step: 'any', value: c.weight })),
      onSubmit: async (v) => {
        for (const c of criteria) if (v['w' + c.id] !== c.weight) await patch('/criteria/' + c.id, { weight: v['w' + c.id] });
        ctx.refresh();
      },
    })) : null);
  return h('div', {},
    pageHeader(t('page.priorities'), t('priorities.lead')),
    table({ columns: cols, rows: items, testid: 'priorities', initialSort: 'rank' }),
    panel(t('priorities.matrix'), scatter),
    weights);
}
