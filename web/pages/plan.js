// SPDX-License-Identifier: GPL-3.0-or-later
// The latest plan (path 2): its value against the bound and the gap, what
// is funded and when it starts, what is not and why, the constraints that
// bind and the shadow prices; admins and the committee may solve again
// (a busy server or a refusal is shown in words).
import { h, replace } from '../lib/dom.js';
import { t, tv, tServer, fmtNumber, fmtMoney, fmtPercent, fmtPeriod, fmtDate } from '../lib/i18n.js';
import { get, post, listAll } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { shortHash } from '../lib/resources.js';
import { table } from '../components/table.js';
import { pageHeader, panel, notice, facts, errorBox, stat } from '../components/ui.js';
import { chart, STAGE_COLORS, STAGES } from '../components/chart.js';
import { loadActors, actorName } from '../lib/align.js';

function solveButton(ctx) {
  if (!can('POST', '/plan/solve')) return null;
  const out = h('div', { class: 'solve-result', role: 'status', 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'primary', 'data-testid': 'solve' }, t('plan.solve'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    replace(out, t('plan.solving'));
    try {
      await post('/plan/solve', {});
      ctx.refresh();
    } catch (err) {
      replace(out, err.status === 503 ? errorBox({ code: 'busy', message: t('plan.busy') }) : errorBox(err));
      btn.disabled = false;
    }
  });
  return h('div', { class: 'solve' }, btn, out);
}

// Why an initiative is not funded, in the reader's language: in English
// the server's sentence; otherwise worded from its reason_code (see
// docs/plan.md) when the catalogue has it, else the server's sentence with
// initiative ids replaced by titles.
function unfundedText(u, title, poolName) {
  const c = u.reason_code;
  const fallback = String(u.reason || '').replace(/'(\d+)'/g, (m, id) => `'${title(id)}'`);
  const key = c && c.code ? 'unfunded.' + c.code + (c.code === 'no_gain' && c.change_penalty !== undefined ? '_penalty' : '') : null;
  return tServer(fallback, key, () => ({
    other: c.other ? title(c.other) : '', period: fmtPeriod(c.period), periods: fmtNumber(c.periods),
    value: fmtMoney(c.value), penalty: fmtMoney(c.change_penalty),
    when: c.after ? t('unfunded.after', { other: title(c.after) }) : t('unfunded.earliest'),
    short: c.short ? t('unfunded.short.' + c.short, { pool: poolName(c.pool), period: fmtPeriod(c.pool_period),
      need: fmtNumber(c.need), capacity: fmtNumber(c.capacity), limit: fmtNumber(c.cloud_limit), cost: fmtMoney(c.cloud_cost) }) : '',
  }));
}

function bindingText(b, title, poolName) {
  if (b.constraint === 'capacity') {
    return t('plan.bind.capacity', { pool: poolName(b.pool), period: fmtPeriod(b.period),
      used: fmtNumber(b.used), capacity: fmtNumber(b.capacity), price: fmtMoney(b.shadow_price ?? 0) });
  }
  if (b.constraint === 'dependency') return t('plan.bind.dependency', { a: title(b.initiative), b: title(b.depends_on) });
  if (b.constraint === 'exclusive') return t('plan.bind.exclusive', { a: title(b.funded), b: title(b.instead_of) });
  return JSON.stringify(b);
}

// A conflict of an infeasible plan in words: which pool, which quarter,
// how short, and the mandatory and under-way work that needs it.
export function conflictText(c, title, poolName) {
  const names = (c.initiatives || []).map(title).join(t('list.sep'));
  if (c.constraint === 'capacity') {
    return t('plan.conflict.capacity', { pool: poolName(c.pool), period: fmtPeriod(c.period), short: fmtNumber(c.short, { maximumFractionDigits: 1 }),
      capacity: fmtNumber(c.capacity, { maximumFractionDigits: 1 }), initiatives: names });
  }
  if (c.constraint === 'exclusive') return t('plan.conflict.exclusive', { initiatives: names });
  if (c.constraint === 'dependency' || c.constraint === 'excluded') return t('plan.conflict.' + c.constraint, { initiatives: names });
  return c.message || JSON.stringify(c);
}

// The conflicts of an infeasible solve, and a chart per short pool: need
// (capacity + short) against capacity in each quarter.
function conflictsPanel(res, title, poolName) {
  const conflicts = res.conflicts || [];
  const byPool = new Map();
  for (const c of conflicts) if (c.constraint === 'capacity') (byPool.get(c.pool) || byPool.set(c.pool, []).get(c.pool)).push(c);
  return panel(t('plan.conflicts'),
    h('p', {}, t('plan.infeasible_lead')),
    h('ul', { class: 'findings', 'data-testid': 'conflicts' }, conflicts.map((c) => h('li', { class: 'finding bad' }, conflictText(c, title, poolName)))),
    [...byPool.entries()].map(([pool, cs]) => chart({
      grid: { left: 70, right: 20, top: 30, bottom: 30 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: cs.map((c) => fmtPeriod(c.period)) },
      yAxis: { type: 'value' },
      series: [
        { name: t('plan.chart.capacity'), type: 'bar', data: cs.map((c) => c.capacity) },
        { name: t('plan.chart.needed'), type: 'bar', data: cs.map((c) => c.capacity + c.short), itemStyle: { color: '#b42318' },
          label: { show: true, position: 'top', formatter: (x) => t('plan.chart.short', { n: fmtNumber(cs[x.dataIndex].short, { maximumFractionDigits: 0 }) }) } },
      ],
    }, { height: 220, label: t('plan.chart.title', { pool: poolName(pool) }) })));
}

export async function render(ctx) {
  // the latest solve or re-plan (what the pools report measures against);
  // compare and frontier runs are stored too but are not "the plan"
  const list = await get('/plans?limit=50');
  const solves = (list.items || []).filter((p) => p.kind === 'solve' || p.kind === 'replan');
  const latest = solves[0];
  const head = pageHeader(t('page.plan'), t('plan.lead'), solveButton(ctx));
  if (!latest) return h('div', {}, head, notice(t('plan.none'), 'info'));
  const [plan, inits, pools, actors] = await Promise.all([get('/plans/' + latest.id), listAll('/initiatives'), listAll('/pools'), loadActors()]);
  const names = new Map(inits.map((i) => [String(i.id), i]));
  const title = (id) => (names.get(String(id)) ? names.get(String(id)).title : '#' + id);
  const poolNames = new Map(pools.map((p) => [p.key, p.name]));
  const poolName = (k) => poolNames.get(k) || k;
  const status = plan.status || (plan.result || {}).status;
  if (status !== 'infeasible') return h('div', { class: 'plan-page' }, head, planView(plan, names, title, poolName, actors));
  // infeasible: the conflicts, then the last plan that fit, marked stale
  const good = solves.find((p) => p.status === 'optimal' || p.status === 'feasible');
  const last = good ? await get('/plans/' + good.id) : null;
  return h('div', { class: 'plan-page infeasible' }, head,
    notice(t('plan.infeasible', { when: fmtDate(plan.created_at, true), who: actorName(actors, plan.actor) }), 'error'),
    conflictsPanel(plan.result || {}, title, poolName),
    last ? h('div', { class: 'stale-plan', 'data-testid': 'stale-plan' },
      notice(t('plan.stale', { when: fmtDate(last.created_at, true) }), 'warn'),
      planView(last, names, title, poolName, actors)) : notice(t('plan.no_good'), 'info'));
}

// The roadmap of a plan: quarters across, a bar per funded initiative from
// its start for its duration (work under way from the first quarter),
// coloured by stage (an invisible bar before it places it: a Gantt chart
// from stacked bars).
function roadmap(plan, funded, names, title) {
  const periods = (plan.result || {}).periods || (plan.input || {}).periods || [];
  if (!periods.length || !funded.length) return null;
  const dur = new Map(((plan.input || {}).initiatives || []).map((x) => [String(x.id), x.duration || 1]));
  const rows = funded.map((r) => {
    const at = r.under_way ? 0 : periods.indexOf(r.start);
    const left = r.under_way ? (dur.get(String(r.id)) || 1) + Number(r.start) : dur.get(String(r.id)) || 1;
    const stage = names.get(String(r.id)) ? names.get(String(r.id)).stage : 'approved';
    return { id: r.id, title: title(r.id), at: Math.max(0, at), len: Math.max(0, Math.min(left, periods.length - Math.max(0, at))), stage, under: r.under_way };
  }).filter((r) => r.len > 0).sort((a, b) => b.at - a.at || b.title.localeCompare(a.title));
  const stages = STAGES.filter((s) => rows.some((r) => r.stage === s));
  const ys = rows.map((r) => r.title);
  return panel(t('plan.roadmap'), h('p', { class: 'muted small' }, t('plan.roadmap_lead')),
    h('div', { 'data-testid': 'roadmap', dataset: { rows: String(rows.length) } }, chart({
      grid: { left: 8, right: 16, top: 34, bottom: 28, containLabel: true },
      legend: { top: 0, data: stages.map((s) => tv('stage', s)) },
      tooltip: { trigger: 'item', formatter: (x) => { const r = x.data.r; return `${r.title}\n${tv('stage', r.stage)}\n${r.under ? t('plan.under_way') : fmtPeriod(periods[r.at])} → ${fmtPeriod(periods[r.at + r.len - 1])}`; } },
      xAxis: { type: 'value', min: 0, max: periods.length, interval: 1, position: 'top',
        axisLabel: { formatter: (v) => (v < periods.length ? fmtPeriod(periods[v]) : ''), align: 'left', fontSize: 11 }, splitLine: { show: true } },
      yAxis: { type: 'category', data: ys, axisLabel: { width: 220, overflow: 'truncate', fontSize: 11 } },
      series: [
        { type: 'bar', stack: 'g', silent: true, itemStyle: { color: 'transparent' }, data: rows.map((r) => r.at), barWidth: 16 },
        ...stages.map((s) => ({ type: 'bar', stack: 'g', name: tv('stage', s), itemStyle: { color: STAGE_COLORS[s], borderRadius: 3 }, barWidth: 16,
          data: rows.map((r) => (r.stage === s ? { value: r.len, r } : { value: 0, r })) })),
      ],
    }, { height: 70 + 26 * rows.length, label: t('plan.roadmap_label', { n: rows.length, from: fmtPeriod(periods[0]), to: fmtPeriod(periods[periods.length - 1]) }) })));
}

// One plan that fits: value against bound, what is funded and when, what
// is not and why, what binds, the shadow prices.
function planView(plan, names, title, poolName, actors) {
  const res = plan.result || {};
  const initLink = (id) => h('a', { href: link('/alignment/initiatives/' + id) }, title(id));
  const periods = res.periods || [];
  const funded = [
    ...Object.entries(res.starts || {}).map(([id, p]) => ({ id, start: p, under_way: false })),
    ...Object.entries(res.under_way || {}).map(([id, off]) => ({ id, start: off, under_way: true })),
  ];
  const gap = plan.gap ?? res.gap;
  const summary = h('div', { class: 'stats', 'data-testid': 'plan-summary' },
    stat(fmtMoney(plan.value ?? res.value), t('plan.value')),
    stat(fmtMoney(plan.bound ?? res.bound), t('plan.bound')),
    stat(fmtPercent(gap, 2), t('plan.gap'), gap !== null && gap !== undefined && gap < 0.01 ? 'good' : 'warn'),
    stat(`${fmtNumber(funded.length)} / ${fmtNumber(funded.length + (res.unfunded || []).length)}`, t('plan.funded_count'), (res.unfunded || []).length ? 'warn' : 'good'));
  const about = facts([
    [t('plan.status'), tv('planstatus', plan.status || res.status)],
    [t('plan.horizon'), periods.length ? t('pools.range', { from: fmtPeriod(periods[0]), to: fmtPeriod(periods[periods.length - 1]) }) : '–'],
    [t('plan.solved'), t('plan.by', { when: fmtDate(plan.created_at, true), who: actorName(actors, plan.actor) })],
    [t('plan.input_hash'), h('code', { title: plan.input_hash }, shortHash(plan.input_hash))],
    plan.scenario_id ? [t('plan.scenario'), '#' + plan.scenario_id] : null,
  ]);
  const fundedTable = table({ testid: 'funded', search: false, rows: funded, initialSort: 'start', columns: [
    { key: 'title', label: t('field.title'), wide: true, value: (r) => title(r.id), render: (r) => initLink(r.id) },
    { key: 'stage', label: t('field.stage'), value: (r) => tv('stage', names.get(r.id) ? names.get(r.id).stage : '') },
    { key: 'start', label: t('plan.start'), value: (r) => (r.under_way ? '0000' : r.start),
      render: (r) => (r.under_way ? t('plan.under_way') : fmtPeriod(r.start)) },
    { key: 'ev', label: t('field.expected_value'), numeric: true, value: (r) => (names.get(r.id) ? names.get(r.id).expected_value : null),
      render: (r) => fmtMoney(names.get(r.id) ? names.get(r.id).expected_value : null) },
  ] });
  const unfunded = (res.unfunded || []).length
    ? h('ul', { class: 'findings', 'data-testid': 'unfunded' }, res.unfunded.map((u) => h('li', { class: 'finding warn' }, initLink(u.id), ' — ', unfundedText(u, title, poolName))))
    : h('p', { class: 'muted' }, t('plan.all_funded'));
  const binding = (res.binding || []).length
    ? h('ul', { class: 'plain-list', 'data-testid': 'binding' }, res.binding.map((b) => h('li', {}, bindingText(b, title, poolName))))
    : h('p', { class: 'muted' }, t('plan.no_binding'));
  const sp = Object.entries(res.shadow_prices || {}).filter(([, xs]) => (xs || []).some((x) => Math.abs(x) > 1e-9));
  const shadow = sp.length
    ? table({ testid: 'shadow', search: false, rows: sp.map(([k, xs]) => ({ id: k, xs })), columns: [
      { key: 'id', label: t('plan.pool'), value: (r) => poolName(r.id) },
      ...periods.map((p, i) => ({ key: 'p' + i, label: fmtPeriod(p), numeric: true, value: (r) => r.xs[i], render: (r) => fmtMoney(r.xs[i]) })),
    ] })
    : h('p', { class: 'muted', 'data-testid': 'shadow' }, t('plan.no_shadow'));
  return h('div', {},
    summary,
    panel(t('plan.about'), h('p', { class: 'muted' }, t('plan.value_lead')), about),
    roadmap(plan, funded, names, title),
    h('div', { class: 'grid2' },
      panel(t('plan.unfunded'), unfunded),
      panel(t('plan.binding'), binding)),
    panel(t('plan.funded'), fundedTable),
    panel(t('plan.shadow'), h('p', { class: 'muted' }, t('plan.shadow_lead')), shadow));
}
