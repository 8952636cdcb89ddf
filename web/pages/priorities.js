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
import { chart, STAGE_COLORS, STAGES } from '../components/chart.js';
import { pageHeader, panel, badge } from '../components/ui.js';

// Points at the same place are spread on a small circle around it (as a
// pixel offset, so the spread is the same at any chart size) so that none
// hides another; the tooltip gives the exact scores. Sets p.offset.
export function spread(points) {
  const groups = new Map();
  for (const p of points) {
    const k = p.x + ',' + p.y;
    (groups.get(k) || groups.set(k, []).get(k)).push(p);
  }
  for (const g of groups.values()) {
    const r = g.length < 2 ? 0 : 10 + 3 * g.length;
    g.forEach((p, i) => {
      const a = (2 * Math.PI * i) / g.length - Math.PI / 2;
      p.offset = [Math.round(r * Math.cos(a)), Math.round(r * Math.sin(a))];
    });
  }
  return points;
}

// The value/feasibility matrix: a bubble per scored initiative, its size
// the expected value, its colour the stage, its label the rank (the table
// above names it; the tooltip says all); coincident points spread.
function matrix(items, mid) {
  const scored = items.filter((i) => i.scores && i.scores.business_value !== null && i.scores.feasibility !== null && i.scores.business_value !== undefined);
  const maxEv = Math.max(1, ...scored.map((i) => i.expected_value || 0));
  const pts = spread(scored.map((i) => ({ i, x: i.scores.feasibility, y: i.scores.business_value })));
  const size = (ev) => 12 + 22 * Math.sqrt(Math.max(0, ev || 0) / maxEv);
  // axes from 0.5 to 5.5: bubbles at the scale's ends stay whole
  const axis = (name, gap) => ({ type: 'value', min: 0.5, max: 5.5, interval: 0.5, name, nameLocation: 'middle', nameGap: gap,
    splitLine: { show: false }, axisLabel: { formatter: (v) => (Number.isInteger(v) ? String(v) : '') } });
  const stages = STAGES.filter((s) => pts.some((p) => p.i.stage === s));
  const moved = pts.filter((p) => p.offset[0] || p.offset[1]).length;
  return h('div', { 'data-testid': 'matrix', dataset: { points: String(pts.length), spread: String(moved) } }, chart({
    grid: { left: 50, right: 30, top: 40, bottom: 46 },
    legend: { top: 0, data: stages.map((s) => tv('stage', s)) },
    tooltip: { trigger: 'item', formatter: (x) => { const i = x.data.i; return `${i.rank ? '#' + i.rank + ' ' : ''}${i.title}\n${tv('stage', i.stage)}\n${t('priorities.value_axis')}: ${fmtNumber(i.scores.business_value)}\n${t('priorities.feasibility_axis')}: ${fmtNumber(i.scores.feasibility)}\n${t('field.expected_value')}: ${fmtMoney(i.expected_value)}`; } },
    xAxis: axis(t('priorities.feasibility_axis'), 28),
    yAxis: axis(t('priorities.value_axis'), 30),
    series: stages.map((s, n) => ({
      type: 'scatter', name: tv('stage', s), itemStyle: { color: STAGE_COLORS[s], opacity: 0.85, borderColor: '#fff', borderWidth: 1 },
      data: pts.filter((p) => p.i.stage === s).map((p) => ({ value: [p.x, p.y], i: p.i, symbolSize: size(p.i.expected_value), symbolOffset: p.offset })),
      label: { show: true, position: 'inside', formatter: (x) => (x.data.i.rank ? String(x.data.i.rank) : ''), fontSize: 10, color: '#fff', fontWeight: 'bold' },
      emphasis: { focus: 'self' },
      ...(n === 0 ? {
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#9aa5b1' }, data: [{ xAxis: mid }, { yAxis: mid }], label: { show: false } },
        markArea: { silent: true, itemStyle: { color: 'rgba(42,157,143,0.08)' }, label: { color: '#52606d', position: 'insideTopLeft', fontWeight: 'bold' },
          data: [
            [{ name: tv('quadrant', 'quick_win'), xAxis: mid, yAxis: mid }, { xAxis: 5.5, yAxis: 5.5 }],
            [{ name: tv('quadrant', 'big_bet'), xAxis: 0.5, yAxis: mid, itemStyle: { color: 'rgba(29,78,137,0.06)' } }, { xAxis: mid, yAxis: 5.5 }],
            [{ name: tv('quadrant', 'fill_in'), xAxis: mid, yAxis: 0.5, itemStyle: { color: 'rgba(233,196,106,0.10)' } }, { xAxis: 5.5, yAxis: mid }],
            [{ name: tv('quadrant', 'money_pit'), xAxis: 0.5, yAxis: 0.5, itemStyle: { color: 'rgba(231,111,81,0.08)' } }, { xAxis: mid, yAxis: mid }],
          ] },
      } : {}),
    })),
  }, { height: 520, label: t('priorities.chart_label') }));
}

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
    { key: 'expected_value', label: t('field.expected_value'), numeric: true, render: (i) => fmtMoney(i.expected_value, undefined, 0, true) },
  ];
  const scatter = matrix(items, mid);
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
    table({ columns: cols, rows: items, testid: 'priorities', initialSort: 'rank', compact: true }),
    panel(t('priorities.matrix'), h('p', { class: 'muted small' }, t('priorities.matrix_lead')), scatter),
    weights);
}
