// SPDX-License-Identifier: GPL-3.0-or-later
// Resource pools (path 2): what needs attention first (idle and
// over-committed pools, in words), then per pool its capacity, the latest
// plan's load and the actual use per quarter as a chart (with what an
// infeasible plan's must-run work needs), and for compute pools whether
// owning or renting pays (the break-even). Admins and the committee create
// and change pools, seeing before they save the utilisation the latest plan
// gives the pool, its break-even and whether it would sit idle; capacity
// and usage by quarter are imported from CSV.
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtMoney, fmtPercent, fmtPeriod, errorText } from '../lib/i18n.js';
import { get, post, patch, listAll, ApiError } from '../lib/api.js';
import { can, enumOf } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { poolsReport, shiftQuarter, amount, unitName, overPeriods, utilisationText } from '../lib/resources.js';
import { chart } from '../components/chart.js';
import { form } from '../components/form.js';
import { csvImport } from '../components/csvimport.js';
import { table } from '../components/table.js';
import { pageHeader, panel, notice, badge, facts, progress, confirmAction } from '../components/ui.js';
import { conflictText } from './plan.js';

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

// Capacity, planned load and actual use per quarter; when the latest solve
// found no plan, what its must-run work needs in the quarters it is short.
function poolChart(pool, periods, conflicts) {
  const byP = new Map((pool.periods || []).map((p) => [p.period, p]));
  const val = (k) => periods.map((p) => { const x = byP.get(p); return x && x[k] !== null && x[k] !== undefined ? Number(x[k].toFixed(2)) : null; });
  const short = new Map(conflicts.map((c) => [c.period, c]));
  const series = [
    { type: 'bar', name: t('pools.planned'), data: val('planned'), itemStyle: { color: '#7aa2d6' } },
    { type: 'bar', name: t('pools.actual'), data: val('actual'), itemStyle: { color: '#2a9d8f' } },
    { type: 'line', name: t('pools.capacity'), data: val('capacity'), step: 'middle', symbol: 'none', lineStyle: { color: '#e76f51', width: 2, type: 'dashed' }, itemStyle: { color: '#e76f51' } },
  ];
  if (conflicts.length) {
    series.push({ type: 'scatter', name: t('plan.chart.needed'), symbol: 'triangle', symbolSize: 14, itemStyle: { color: '#b42318' },
      data: periods.map((p) => (short.has(p) ? Number((short.get(p).capacity + short.get(p).short).toFixed(2)) : null)),
      label: { show: true, position: 'top', color: '#b42318', formatter: (x) => t('plan.chart.short', { n: fmtNumber(short.get(periods[x.dataIndex]).short, { maximumFractionDigits: 0 }) }) } });
  }
  return chart({
    grid: { left: 64, right: 16, top: 34, bottom: 28 },
    legend: { top: 0, data: series.map((x) => x.name) },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: periods.map(fmtPeriod) },
    yAxis: { type: 'value', axisLabel: { formatter: (x) => fmtNumber(x, { notation: 'compact' }) } },
    series,
  }, { height: 220, label: t('pools.chart_label', { name: pool.name }) });
}

function poolCard(ctx, pool, periods, threshold, conflicts, title) {
  const u = pool.utilisation || {};
  const pu = pool.planned_utilisation || {};
  const flags = poolFlags(pool, threshold);
  const mine = conflicts.filter((c) => c.constraint === 'capacity' && c.pool === pool.key);
  const tone = (x) => (x > 1 ? 'off_track' : x < threshold ? 'at_risk' : 'on_track');
  return h('section', { class: ['panel', 'pool-card', pool.idle ? 'pool-idle' : '', pool.over_committed ? 'pool-over' : ''], 'aria-label': pool.name, dataset: { pool: pool.key } },
    h('h2', {}, pool.name, ' ', badge('poolkind', pool.kind),
      pool.deployment ? [' ', h('span', { class: 'pill pill-off' }, tv('deployment', pool.deployment))] : null,
      pool.skill ? [' ', h('span', { class: 'pill pill-off' }, tv('skill', pool.skill))] : null),
    flags.length || mine.length ? h('ul', { class: 'findings' }, flags,
      mine.map((c) => h('li', { class: 'finding bad', dataset: { kind: 'plan_conflict' } }, h('span', { class: 'badge badge-sev-critical' }, t('pools.no_plan_fits')), ' ',
        conflictText(c, title, () => pool.name))))
      : h('p', { class: 'muted ok-line' }, t('pools.no_flags')),
    u.value !== null && u.value !== undefined
      ? h('p', { class: 'pool-use', 'data-testid': 'pool-use' }, utilisationText(u, 'pools.use'), ' ', progress(u.value, fmtPercent(u.value), tone(u.value)))
      : h('p', { class: 'muted' }, t('pools.no_usage')),
    pu.value !== null && pu.value !== undefined && pu.quarters
      ? h('p', { class: 'pool-use muted' }, utilisationText(pu, 'pools.planned_use'), ' ', fmtPercent(pu.value)) : null,
    h('p', { class: 'muted small chart-unit' }, t('pools.unit_caption', { unit: unitName(pool) })),
    poolChart(pool, periods, mine),
    poolTools(ctx, pool));
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

// The break-even's figures (the utilisation is the pool's one figure).
function breakevenFacts(p, b, useLabel) {
  return b.fixed_per_period !== undefined ? facts([
    [t('breakeven.fixed'), fmtMoney(b.fixed_per_period)],
    [t('breakeven.capacity_hours'), amount(p, b.capacity_hours)],
    [t('breakeven.breakeven_use'), fmtPercent(b.breakeven_utilisation)],
    b.utilisation !== null && b.utilisation !== undefined ? [useLabel, fmtPercent(b.utilisation)] : null,
    b.private_per_period !== null && b.private_per_period !== undefined ? [t('breakeven.private'), fmtMoney(b.private_per_period)] : null,
    b.cloud_per_period !== null && b.cloud_per_period !== undefined ? [t('breakeven.cloud_cost'), fmtMoney(b.cloud_per_period)] : null,
    b.private_per_hour !== null && b.private_per_hour !== undefined ? [t('breakeven.per_hour'), fmtMoney(b.private_per_hour, undefined, 2)] : null,
  ]) : null;
}

const adviceTone = (a) => (a === 'own' ? 'good' : (a === 'cloud' || a === 'cloud_always') ? 'bad' : 'info');

function breakevenPanel(pools) {
  // a public cloud pool has nothing to own: no advice unless it has one
  const compute = pools.filter((p) => p.kind === 'compute' && p.breakeven && !(p.deployment === 'public_cloud' && p.breakeven.advice === 'incomplete'));
  if (!compute.length) return null;
  return panel(t('pools.breakeven'), h('p', { class: 'muted' }, t('pools.breakeven_lead')),
    compute.map((p) => {
      const b = p.breakeven;
      return h('div', { class: 'breakeven', dataset: { pool: p.key, advice: b.advice } },
        h('h3', {}, p.name, ' ', h('span', { class: 'badge badge-advice-' + adviceTone(b.advice) }, tv('advice', b.advice))),
        h('p', { class: 'advice-text' }, breakevenText(p)),
        breakevenFacts(p, b, p.utilisation && p.utilisation.quarters ? utilisationText(p.utilisation, 'pools.use') : t('breakeven.use')));
    }));
}

// ---- creating and changing a pool -------------------------------------

const DEPLOYMENTS = ['public_cloud', 'private_cloud', 'on_premises', 'hybrid'];
const COMPUTE = ['deployment', 'price_per_hour', 'capital_cost', 'lifetime_periods', 'running_cost_per_period', 'variable_cost_per_hour', 'cloud_burst'];
const MONEY = 1e15;

function poolFields(p) {
  const skills = enumOf('resource_pool', 'skill');
  const num = (name, max, extra) => ({ name, type: 'number', label: t('pool.' + name), min: 0, max, step: 'any', value: p[name], ...extra });
  return [
    p.id ? null : { name: 'key', label: t('pool.key'), required: true, maxlength: 40, help: t('pool.key_help') },
    { name: 'name', label: t('field.name'), required: true, maxlength: 200, value: p.name },
    { name: 'kind', type: 'select', label: t('pool.kind'), required: true, value: p.kind, options: ['budget', 'compute', 'people'].map((k) => ({ value: k, label: tv('poolkind', k) })) },
    { name: 'skill', type: 'select', label: t('pool.skill'), value: p.skill, options: (skills.length ? skills : ['business_expert', 'ml_engineer', 'data_engineer', 'product_manager', 'risk_officer']).map((k) => ({ value: k, label: tv('skill', k) })) },
    { name: 'deployment', type: 'select', label: t('pool.deployment'), value: p.deployment, options: DEPLOYMENTS.map((k) => ({ value: k, label: tv('deployment', k) })) },
    num('capacity', MONEY, { help: t('pool.capacity_help') }),
    num('price_per_hour', 1e6),
    num('capital_cost', MONEY),
    num('lifetime_periods', 200, { min: 1, step: 1, help: t('pool.lifetime_help') }),
    num('running_cost_per_period', MONEY),
    num('variable_cost_per_hour', 1e6),
    { name: 'cloud_burst', type: 'checkbox', label: t('pool.cloud_burst'), value: p.cloud_burst },
    { name: 'notes', type: 'textarea', label: t('field.notes'), maxlength: 8000, value: p.notes, wide: true },
  ].filter(Boolean);
}

// The body to send: only the fields the kind has (a change clears the rest).
function poolBody(v, isNew) {
  const o = {};
  for (const [k, x] of Object.entries(v)) {
    const off = (k === 'skill' && v.kind !== 'people') || (COMPUTE.includes(k) && v.kind !== 'compute');
    if (k === 'cloud_burst') { if (v.kind === 'compute') o[k] = !!x; continue; }
    if (isNew ? x !== null && !off : true) o[k] = off ? null : x;
  }
  return o;
}

// Show the fields of the kind picked, hide the others.
function showKindFields(el, kind) {
  for (const name of ['skill', ...COMPUTE]) {
    const c = el.querySelector(`[name="${name}"]`);
    const field = c && c.closest('.field');
    if (field) field.hidden = name === 'skill' ? kind !== 'people' : kind !== 'compute';
  }
}

// What saving would do, from the server (nothing is stored): the planned
// utilisation the latest plan gives the pool over the next year, per
// quarter, idle or over-committed, and the break-even of a compute pool.
function previewView(r, body) {
  const pu = r.planned_utilisation || {};
  const use = fmtPercent(pu.value ?? 0);
  const vars = { use, threshold: fmtPercent(r.idle_threshold), from: fmtPeriod(pu.from), to: fmtPeriod(pu.to) };
  const over = (r.periods || []).find((x) => x.planned > x.capacity + 1e-9);
  const advice = {
    idle: () => notice(t('pool.preview.idle', vars), 'warn'),
    over_committed: () => notice(t('pool.preview.over', { ...vars, period: fmtPeriod(over && over.period) }), 'error'),
    no_plan: () => notice(t('pool.preview.no_plan'), 'info'),
    fits: () => notice(t('pool.preview.fits', vars), 'info'),
  }[r.advice];
  const pool = { ...body, breakeven: r.breakeven };
  const b = r.breakeven;
  return h('div', { dataset: { advice: r.advice } },
    h('p', { class: 'preview-figure' }, t('pool.preview.planned', vars), ' ', h('strong', { 'data-testid': 'preview-use' }, use)),
    advice ? advice() : null,
    table({ search: false, testid: 'preview-periods', rows: r.periods || [], columns: [
      { key: 'period', label: t('pool.quarter'), render: (x) => fmtPeriod(x.period) },
      { key: 'capacity', label: t('pools.capacity'), numeric: true, render: (x) => amount(pool, x.capacity) },
      { key: 'planned', label: t('pools.planned'), numeric: true, render: (x) => amount(pool, x.planned) },
      { key: 'utilisation', label: t('pool.utilisation'), numeric: true, render: (x) => fmtPercent(x.utilisation) },
    ] }),
    b && b.advice && !(body.deployment === 'public_cloud' && b.advice === 'incomplete')
      ? h('div', { class: 'breakeven', dataset: { advice: b.advice }, 'data-testid': 'preview-breakeven' },
        h('h4', {}, t('pools.breakeven'), ' ', h('span', { class: 'badge badge-advice-' + adviceTone(b.advice) }, tv('advice', b.advice))),
        h('p', { class: 'advice-text' }, breakevenText(pool)),
        breakevenFacts(pool, b, t('pool.planned_utilisation'))) : null);
}

// The form with its live preview; onSaved after a create or change.
function poolEditor(ctx, p) {
  const isNew = !p.id;
  const box = h('div', { class: 'pool-preview', 'data-testid': 'pool-preview', role: 'status', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, t('pool.preview.fill')));
  let timer = null;
  let seq = 0;
  let last = null;
  const update = (v) => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const my = ++seq;
      const body = poolBody(v, isNew);
      if (!v.kind || !v.name || (isNew && !v.key)) { last = null; replace(box, h('p', { class: 'muted' }, t('pool.preview.fill'))); return; }
      try {
        const r = await post('/pools/preview' + (isNew ? '' : '?id=' + p.id), body);
        if (my !== seq) return;
        last = r;
        replace(box, h('h3', {}, t('pool.preview.title')), previewView(r, body));
      } catch (err) {
        if (my !== seq || !(err instanceof ApiError)) { if (!(err instanceof ApiError)) throw err; return; }
        last = null;
        replace(box, h('h3', {}, t('pool.preview.title')), h('p', { class: 'muted' }, t('pool.preview.invalid'), ' ', errorText(err).text));
      }
    }, 200);
  };
  const el = form({
    fields: poolFields(p),
    submitLabel: isNew ? t('pool.create') : t('form.save'),
    onChange: (v, f) => { showKindFields(f, v.kind); update(v); },
    onSubmit: async (v) => {
      // caught at the purchase: buying or enlarging a pool the plan leaves idle
      if (last && last.advice === 'idle' && !confirmAction(t('pool.confirm_idle', { use: fmtPercent((last.planned_utilisation || {}).value ?? 0), threshold: fmtPercent(last.idle_threshold) }))) return t('pool.not_saved');
      const body = poolBody(v, isNew);
      if (isNew) await post('/pools', body); else await patch('/pools/' + p.id, body);
      ctx.refresh();
      return t('form.saved');
    },
  });
  el.querySelector('.actions').before(box);
  return h('div', { class: 'pool-editor' }, el);
}

// Per pool: change it, import capacity and usage by quarter.
function poolTools(ctx, pool) {
  const parts = [];
  if (can('PATCH', '/pools/{id}')) {
    const d = h('details', { class: 'pool-edit', 'data-testid': 'pool-edit' }, h('summary', {}, t('pool.edit')));
    d.addEventListener('toggle', async () => {
      if (!d.open || d.dataset.built) return;
      d.dataset.built = '1';
      d.append(poolEditor(ctx, await get('/pools/' + pool.id)));
    });
    parts.push(d);
  }
  const csv = (kind, col) => csvImport({ summary: t('pool.import.' + kind), label: t('pool.import_label', { columns: `period,${col},note` }), path: `/pools/${pool.id}/${kind}`,
    placeholder: `period,${col},note\n2026Q1,1200,\n2026Q2,1500,`, testid: 'import-' + kind, done: (r) => { ctx.refresh(); return t('pool.imported', { n: fmtNumber(r.imported), count: r.imported }); } });
  if (can('POST', '/pools/{id}/capacity')) parts.push(csv('capacity', 'capacity'));
  if (can('POST', '/pools/{id}/usage')) parts.push(csv('usage', 'amount'));
  return parts.length ? h('div', { class: 'pool-tools' }, parts) : null;
}

export async function render(ctx) {
  const rep = await poolsReport(ctx.query.get('from'));
  const pools = rep.pools || [];
  const periods = rep.periods || [];
  const threshold = rep.idle_threshold ?? 0.4;
  // an infeasible latest solve: its capacity conflicts go on the pools' charts
  const conflicts = rep.plan_status === 'infeasible' ? (rep.conflicts || []) : [];
  const inits = conflicts.length ? await listAll('/initiatives') : [];
  const names = new Map(inits.map((i) => [String(i.id), i.title]));
  const title = (id) => names.get(String(id)) || '#' + id;
  const flagged = pools.flatMap((p) => poolFlags(p, threshold));
  const nav = h('div', { class: 'period-nav' },
    h('a', { class: 'button secondary', href: link('/resources/pools?from=' + shiftQuarter(rep.from, -4)) }, t('pools.earlier')),
    h('span', {}, t('pools.range', { from: fmtPeriod(periods[0]), to: fmtPeriod(periods[periods.length - 1]) })),
    h('a', { class: 'button secondary', href: link('/resources/pools?from=' + shiftQuarter(rep.from, 4)) }, t('pools.later')));
  const create = can('POST', '/pools') ? h('details', { class: 'panel new-pool', 'data-testid': 'new-pool' }, h('summary', {}, t('pool.new'))) : null;
  if (create) create.addEventListener('toggle', () => { if (create.open && !create.dataset.built) { create.dataset.built = '1'; create.append(poolEditor(ctx, {})); } });
  return h('div', { class: 'pools-page' },
    pageHeader(t('page.pools'), t('pools.lead')),
    panel(t('pools.attention'), flagged.length ? h('ul', { class: 'findings', 'data-testid': 'pool-flags' }, flagged)
      : h('p', { class: 'muted', 'data-testid': 'pool-flags' }, t('pools.all_clear')),
    conflicts.length ? notice(t('pools.infeasible'), 'error') : null,
    h('p', { class: 'muted small' }, t('pools.rules', { threshold: fmtPercent(threshold) })),
    h('p', { class: 'muted small' }, t('pools.use_definition'))),
    create,
    breakevenPanel(pools),
    nav,
    rep.plan_id ? null : notice(t('pools.no_plan'), 'info'),
    pools.length ? h('div', { class: 'grid2 pools' }, pools.map((p) => poolCard(ctx, p, periods, threshold, conflicts, title)))
      : notice(t('pools.none'), 'info'));
}
