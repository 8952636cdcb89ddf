// SPDX-License-Identifier: GPL-3.0-or-later
// The technology radar (path 5): the four-quadrant, four-ring chart (adopt
// at the centre, hold at the edge), each technology with its owner, fit
// per unit and last move; this quarter's moves with their reasons.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtPeriod } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { table } from '../components/table.js';
import { chart } from '../components/chart.js';
import { pageHeader, panel, badge } from '../components/ui.js';

// Points in polar coordinates: radius within the ring's band, angle within
// the quadrant, spread evenly so that labels do not sit on each other.
function points(r) {
  const out = [];
  r.quadrants.forEach((q, qi) => r.rings.forEach((ring, ri) => {
    const here = r.technologies.filter((x) => x.quadrant === q && x.ring === ring);
    here.forEach((x, k) => {
      const angle = qi * 90 + (90 * (k + 1)) / (here.length + 1);
      const radius = ri + 0.3 + 0.4 * (k % 2);
      out.push({ value: [radius, angle], name: x.name, ring, moved: x.moved_this_quarter });
    });
  }));
  return out;
}

export async function render() {
  const r = await get('/radar');
  const pts = points(r);
  const c = chart({
    polar: { radius: '80%' },
    angleAxis: { type: 'value', min: 0, max: 360, interval: 90, startAngle: 90, axisLabel: { show: false }, splitLine: { show: true } },
    radiusAxis: { type: 'value', min: 0, max: 4, interval: 1, axisLabel: { show: false }, splitArea: { show: true } },
    tooltip: { trigger: 'item', formatter: (p) => `${p.name}\n${tv('ring', p.data.ring)}` },
    // clockwise from the top: the first quadrant top right, then bottom
    // right, bottom left, top left
    title: r.quadrants.map((q, i) => ({ text: tv('quadrant', q), textStyle: { fontSize: 13 }, left: i < 2 ? '70%' : '12%', top: i === 0 || i === 3 ? 8 : undefined, bottom: i === 1 || i === 2 ? 8 : undefined })),
    series: [{ type: 'scatter', coordinateSystem: 'polar', symbolSize: 12,
      data: pts.map((p) => ({ ...p, itemStyle: p.moved ? { borderColor: '#e76f51', borderWidth: 3 } : undefined })),
      label: { show: true, formatter: '{b}', position: 'right', fontSize: 11 } }],
  }, { height: 520, label: t('radar.chart'), cls: 'radar-chart' });
  c.dataset.testid = 'radar-chart';
  c.dataset.points = String(pts.length);
  return h('div', { class: 'radar-page' },
    pageHeader(t('page.radar'), t('radar.lead')),
    h('p', { class: 'muted' }, t('radar.rings_help')),
    panel(t('radar.chart'), c),
    panel(t('radar.moves', { quarter: fmtPeriod(r.quarter) }), r.moves_this_quarter.length ? h('ul', { class: 'plain-list', 'data-testid': 'radar-moves' }, r.moves_this_quarter.map((m) => h('li', {},
      fmtDate(m.moved_on), ' ', h('strong', {}, m.name), ' ', m.from_ring ? [badge('ring', m.from_ring), ' → '] : t('radar.added'), ' ', badge('ring', m.to_ring),
      h('div', { class: 'muted' }, m.reason)))) : h('p', { class: 'muted' }, t('radar.no_moves'))),
    table({ testid: 'technologies', rows: r.technologies, initialSort: 'name', empty: t('radar.none'),
      columns: [
        { key: 'name', label: t('radar.technology'), wide: true },
        { key: 'quadrant', label: t('radar.quadrant'), value: (x) => tv('quadrant', x.quadrant) },
        { key: 'ring', label: t('radar.ring'), value: (x) => tv('ring', x.ring), render: (x) => badge('ring', x.ring) },
        { key: 'owner_name', label: t('act.owner') },
        { key: 'fit', label: t('radar.fit'), value: (x) => x.fit.map((f) => f.unit_name).join(' '), render: (x) => x.fit.map((f) => h('span', { class: 'fit-chip' }, f.unit_name, ' ', badge('fit', f.fit), ' ')) },
        { key: 'rationale', label: t('radar.rationale'), wide: true },
      ] }));
}
