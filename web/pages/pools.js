// SPDX-License-Identifier: GPL-3.0-or-later
// Resource pools (path 2): what needs attention first (idle and
// over-committed pools, in words), then per pool its capacity, the latest
// plan's load and the actual use per quarter as a chart, and for compute
// pools whether owning or renting pays (the break-even).
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtMoney, fmtPercent, fmtPeriod } from '../lib/i18n.js';
import { link } from '../lib/router.js';
import { poolsReport, shiftQuarter, amount, unitName, overPeriods } from '../lib/resources.js';
import { chart } from '../components/chart.js';
import { pageHeader, panel, notice, badge, facts, progress } from '../components/ui.js';

// One pool's flags as sentences.
export function poolFlags(pool, threshold) {
  const out = [];
  if (pool.over_committed) {
    out.push(h('li', { class: 'finding bad', dataset: { kind: 'over_committed_pool', pool: pool.key } },
      h('span', { class: 'badge badge-sev-critical' }, tv('severity', 'critical')), ' ',
      t('pools.flag.over_committed', { name: pool.name, periods: overPeriods(pool).map(fmtPeriod).join(t('list.sep')) || '–' })));
  }
  if (pool.idle) {
    out.push(h('li', { class: 'finding warn', dataset: { kind: 'idle_pool', pool: pool.key } },
      h('span', { class: 'badge badge-sev-warning' }, tv('severity', 'warning')), ' ',
      t('pools.flag.idle', { name: pool.name, threshold: fmtPercent(threshold) })));
  }
  return out;
}

function poolChart(pool, periods) {
  const byP = new Map((pool.periods || []).map((p) => [p.period, p]));
  const val = (k) => periods.map((p) => { const x = byP.get(p); return x && x[k] !== null && x[k] !== undefined ? Number(x[k].toFixed(2)) : null; });
  return chart({
    grid: { left: 64, right: 16, top: 34, bottom: 28 },
    legend: { top: 0, data: [t('pools.capacity'), t('pools.planned'), t('pools.actual')] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: periods.map((p) => p.replace(/^(\d{4})Q/, '$1 Q')) },
    yAxis: { type: 'value', axisLabel: { formatter: (x) => fmtNumber(x, { notation: 'compact' }) } },
    series: [
      { type: 'bar', name: t('pools.planned'), data: val('planned'), itemStyle: { color: '#7aa2d6' } },
      { type: 'bar', name: t('pools.actual'), data: val('actual'), itemStyle: { color: '#2a9d8f' } },
      { type: 'line', name: t('pools.capacity'), data: val('capacity'), step: 'middle', symbol: 'none', lineStyle: { color: '#e76f51', width: 2, type: 'dashed' }, itemStyle: { color: '#e76f51' } },
    ],
  }, { height: 220, label: t('pools.chart_label', { name: pool.name }) });
}

// The latest recorded utilisation of a pool (actual ÷ capacity).
function latestUse(pool) {
  const rec = (pool.periods || []).filter((p) => p.utilisation !== null && p.utilisation !== undefined);
  return rec.length ? rec[rec.length - 1] : null;
}

function poolCard(pool, periods, threshold) {
  const last = latestUse(pool);
  const flags = poolFlags(pool, threshold);
  return h('section', { class: ['panel', 'pool-card', pool.idle ? 'pool-idle' : '', pool.over_committed ? 'pool-over' : ''], 'aria-label': pool.name, dataset: { pool: pool.key } },
    h('h2', {}, pool.name, ' ', badge('poolkind', pool.kind),
      pool.deployment ? [' ', h('span', { class: 'pill pill-off' }, tv('deployment', pool.deployment))] : null,
      pool.skill ? [' ', h('span', { class: 'pill pill-off' }, tv('skill', pool.skill))] : null),
    flags.length ? h('ul', { class: 'findings' }, flags) : h('p', { class: 'muted ok-line' }, t('pools.no_flags')),
    last ? h('p', {}, t('pools.last_use', { period: fmtPeriod(last.period) }), ' ',
      progress(last.utilisation, fmtPercent(last.utilisation), last.utilisation > 1 ? 'off_track' : last.utilisation < threshold ? 'at_risk' : 'on_track'))
      : h('p', { class: 'muted' }, t('pools.no_usage')),
    h('p', { class: 'muted small chart-unit' }, t('pools.unit_caption', { unit: unitName(pool) })),
    poolChart(pool, periods));
}

// Owning or renting, in words.
export function breakevenText(pool) {
  const b = pool.breakeven || {};
  const vars = {
    name: pool.name,
    use: fmtPercent(b.utilisation), be: fmtPercent(b.breakeven_utilisation),
    money: fmtMoney(Math.abs(b.savings_per_period ?? 0)),
  };
  const key = 'breakeven.' + b.advice;
  return t(key, vars) === key ? (b.message || '') : t(key, vars);
}

function breakevenPanel(pools) {
  // a public cloud pool has nothing to own: no advice unless it has one
  const compute = pools.filter((p) => p.kind === 'compute' && p.breakeven && !(p.deployment === 'public_cloud' && p.breakeven.advice === 'incomplete'));
  if (!compute.length) return null;
  return panel(t('pools.breakeven'), h('p', { class: 'muted' }, t('pools.breakeven_lead')),
    compute.map((p) => {
      const b = p.breakeven;
      const tone = b.advice === 'own' ? 'good' : (b.advice === 'cloud' || b.advice === 'cloud_always') ? 'bad' : 'info';
      return h('div', { class: 'breakeven', dataset: { pool: p.key, advice: b.advice } },
        h('h3', {}, p.name, ' ', h('span', { class: 'badge badge-advice-' + tone }, tv('advice', b.advice))),
        h('p', { class: 'advice-text' }, breakevenText(p)),
        b.fixed_per_period !== undefined ? facts([
          [t('breakeven.fixed'), fmtMoney(b.fixed_per_period)],
          [t('breakeven.capacity_hours'), amount(p, b.capacity_hours)],
          [t('breakeven.breakeven_use'), fmtPercent(b.breakeven_utilisation)],
          b.utilisation !== null && b.utilisation !== undefined ? [t('breakeven.use'), fmtPercent(b.utilisation)] : null,
          b.private_per_period !== null && b.private_per_period !== undefined ? [t('breakeven.private'), fmtMoney(b.private_per_period)] : null,
          b.cloud_per_period !== null && b.cloud_per_period !== undefined ? [t('breakeven.cloud_cost'), fmtMoney(b.cloud_per_period)] : null,
          b.private_per_hour !== null && b.private_per_hour !== undefined ? [t('breakeven.per_hour'), fmtMoney(b.private_per_hour, undefined, 2)] : null,
        ]) : null);
    }));
}

export async function render(ctx) {
  const rep = await poolsReport(ctx.query.get('from'));
  const pools = rep.pools || [];
  const periods = rep.periods || [];
  const threshold = rep.idle_threshold ?? 0.4;
  const flagged = pools.flatMap((p) => poolFlags(p, threshold));
  const nav = h('div', { class: 'period-nav' },
    h('a', { class: 'button secondary', href: link('/resources/pools?from=' + shiftQuarter(rep.from, -4)) }, t('pools.earlier')),
    h('span', {}, t('pools.range', { from: fmtPeriod(periods[0]), to: fmtPeriod(periods[periods.length - 1]) })),
    h('a', { class: 'button secondary', href: link('/resources/pools?from=' + shiftQuarter(rep.from, 4)) }, t('pools.later')));
  return h('div', { class: 'pools-page' },
    pageHeader(t('page.pools'), t('pools.lead')),
    panel(t('pools.attention'), flagged.length ? h('ul', { class: 'findings', 'data-testid': 'pool-flags' }, flagged)
      : h('p', { class: 'muted', 'data-testid': 'pool-flags' }, t('pools.all_clear')),
    h('p', { class: 'muted small' }, t('pools.rules', { threshold: fmtPercent(threshold) }))),
    breakevenPanel(pools),
    nav,
    rep.plan_id ? null : notice(t('pools.no_plan'), 'info'),
    pools.length ? h('div', { class: 'grid2 pools' }, pools.map((p) => poolCard(p, periods, threshold)))
      : notice(t('pools.none'), 'info'));
}
