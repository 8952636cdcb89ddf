// SPDX-License-Identifier: GPL-3.0-or-later
// The quarterly review (path 5): assembled by keel from the data for a
// quarter — per initiative its KPIs, promised and realised value (with the
// interval), findings, actions and the committee's decision; the
// programme's value per quarter, feedback of the units and the radar's
// moves. Units record feedback; the committee holds the review with a
// decision per initiative, after which it is frozen.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtMoney, fmtNumber, fmtPeriod } from '../lib/i18n.js';
import { get, post, listAll } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { chart } from '../components/chart.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, notice, stat, errorBox } from '../components/ui.js';

const DECISIONS = ['continue', 'scale', 'fix', 'stop'];

// A finding in words: its kind translated, then what it is about.
export function findingText(f, title) {
  // a review finding's short label (qfinding.*), else the alignment wording
  const head = t('qfinding.' + f.code) !== 'qfinding.' + f.code ? t('qfinding.' + f.code) : tv('finding', f.code);
  if (f.code === 'value_shortfall' && f.share !== undefined)
    return t('qr.shortfall', { title, share: Math.round(f.share * 100) });
  // monitoring's findings name the system (and the segment, or the switch's state)
  const what = f.system ? ` (${[f.system, f.segment && f.segment !== '*' ? f.segment : null, f.state ? tv('swstate', f.state) : null].filter(Boolean).join(', ')})` : '';
  return (title ? `${head}: ${title}` : head) + what;
}

function valueCell(it) {
  const r = it.realised || {};
  if (it.realised_value === null || it.realised_value === undefined) return h('span', { class: 'muted' }, tv('qr.reason', r.reason || 'none'));
  const vi = r.value_interval;
  const byUnits = (r.links || []).some((l) => l.tested && l.comparison === 'units_not_rolled_out');
  return h('span', { class: r.shortfall ? 'overdue' : '' }, fmtMoney(it.realised_value),
    vi ? h('span', { class: 'muted' }, ` (${fmtMoney(vi[0])} – ${fmtMoney(vi[1])})`) : null,
    h('div', { class: 'muted', 'data-comparison': byUnits ? 'units' : 'pre_period' }, t(byUnits ? 'qr.vs_units' : 'qr.vs_pre')));
}

function holdForm(rv, ctx) {
  const sel = new Map();
  const err = h('div');
  const rows = rv.initiatives.map((it) => {
    const s = h('select', { 'aria-label': t('qr.decision_for', { title: it.title }), dataset: { initiative: it.id } },
      DECISIONS.map((d) => h('option', { value: d }, tv('decision5', d))));
    sel.set(it.id, s);
    return h('tr', {}, h('td', {}, it.title), h('td', {}, s));
  });
  const summary = h('textarea', { id: 'hold-summary', rows: 3, maxlength: 8000 });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('qr.hold'));
  const f = h('form', { class: 'form', 'data-testid': 'hold-form', 'aria-label': t('qr.hold') },
    h('h3', {}, t('qr.hold')),
    h('p', { class: 'muted' }, t('qr.hold_help')),
    h('table', { class: 'data' }, h('thead', {}, h('tr', {}, h('th', {}, t('page.initiative')), h('th', {}, t('qr.decision')))), h('tbody', {}, rows)),
    h('div', { class: 'field wide' }, h('label', { for: 'hold-summary' }, t('qr.summary')), summary),
    err, h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      await post(`/reviews/${rv.period.toLowerCase()}/hold`, {
        summary: summary.value || undefined,
        decisions: rv.initiatives.map((it) => ({ initiative_id: it.id, decision: sel.get(it.id).value })),
      });
      ctx.refresh();
    } catch (e) {
      err.replaceChildren(errorBox(e));
      submit.disabled = false;
    }
  });
  return f;
}

// The strategy over time: each objective's KPIs quarter by quarter, and the
// plan's versions with what changed between them.
function strategyPanel(s) {
  const head = h('tr', {}, h('th', { scope: 'col' }, t('qr.kpis')), s.quarters.map((q) => h('th', { scope: 'col' }, q)));
  const rows = s.objectives.flatMap((o) => [h('tr', { class: 'group' }, h('th', { colspan: s.quarters.length + 1, scope: 'rowgroup' }, o.title)),
    ...o.kpis.map((k) => h('tr', {}, h('td', {}, k.name, h('span', { class: 'muted' }, ` (${k.unit})`)),
      k.by_quarter.map((x) => h('td', {}, x.value === null ? '–' : fmtNumber(x.value), ' ', badge('kpistatus', x.status)))))]);
  const plans = s.plans.map((p) => h('li', {}, fmtDate(p.created_at), ' — ', t('qr.plan_value', { value: fmtMoney(p.value) }),
    p.value_change !== null ? ` (${p.value_change >= 0 ? '+' : ''}${fmtMoney(p.value_change)})` : '',
    p.added.length ? h('div', {}, t('qr.plan_added'), ' ', p.added.map((x) => x.title).join(', ')) : null,
    p.dropped.length ? h('div', {}, t('qr.plan_dropped'), ' ', p.dropped.map((x) => x.title).join(', ')) : null,
    p.moved.length ? h('div', {}, t('qr.plan_moved'), ' ', p.moved.map((x) => `${x.title} ${x.from} → ${x.to}`).join(', ')) : null));
  return panel(t('qr.strategy'), h('div', { class: 'table-scroll' }, h('table', { class: 'data', 'data-testid': 'strategy' }, h('thead', {}, head), h('tbody', {}, rows))),
    h('h3', {}, t('qr.plans')), plans.length ? h('ul', { class: 'plain-list', 'data-testid': 'plan-versions' }, plans) : h('p', { class: 'muted' }, t('qr.no_plans')));
}

export async function render(ctx) {
  const list = await get('/reviews');
  const period = (ctx.query.get('period') || list.current).toUpperCase();
  const canFeedback = can('POST', '/reviews/{period}/feedback');
  const [rv, value, strat, units, inits] = await Promise.all([get(`/reviews/${period.toLowerCase()}`), get('/value?quarters=8'), get('/strategy?quarters=4'),
    canFeedback ? listAll('/units') : [], canFeedback ? listAll('/initiatives') : []]);
  const held = rv.status === 'held';
  const periods = [...new Set([...list.quarters.map((q) => q.period), ...list.items.map((x) => x.period)])];
  const prog = rv.programme;
  const findings = rv.initiatives.flatMap((it) => it.findings.map((f) => ({ f, title: it.title })));
  const valueChart = chart({
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t('qr.promised'), t('qr.realised')] },
    grid: { left: 70, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: value.quarters.map((q) => fmtPeriod(q.period)) },
    yAxis: { type: 'value' },
    series: [
      { name: t('qr.promised'), type: 'bar', data: value.quarters.map((q) => q.promised) },
      { name: t('qr.realised'), type: 'bar', data: value.quarters.map((q) => q.realised) },
    ],
  }, { height: 260, label: t('qr.value_chart'), cls: 'value-chart' });
  valueChart.dataset.testid = 'value-chart';
  const feedback = canFeedback && !held ? form({
    title: t('qr.feedback_new'), submitLabel: t('form.save'),
    fields: [
      { name: 'unit_id', label: t('field.unit_id'), type: 'select', numeric: true, required: true, options: units.map((u) => ({ value: u.id, label: u.name })) },
      { name: 'initiative_id', label: t('page.initiative'), type: 'select', numeric: true, options: inits.map((i) => ({ value: i.id, label: i.title })) },
      { name: 'satisfaction', label: t('qr.satisfaction'), type: 'number', required: true, min: 1, max: 5 },
      { name: 'cost_change_pct', label: t('qr.cost_change'), type: 'number', step: 'any' },
      { name: 'comment', label: t('qr.comment'), type: 'textarea', wide: true },
    ],
    onSubmit: async (v) => { await post(`/reviews/${period.toLowerCase()}/feedback`, compact(v)); ctx.refresh(); },
  }) : null;
  return h('div', { class: 'qreview-page' },
    pageHeader(t('page.qreviews'), t('qr.lead')),
    h('nav', { class: 'period-pick', 'aria-label': t('qr.quarters') }, t('qr.quarters'), ': ', periods.map((p, i) => [i ? ' · ' : '', h('a', {
      href: link('/iteration/reviews?period=' + p), class: p === period ? 'active' : null, 'aria-current': p === period ? 'page' : null,
    }, fmtPeriod(p))])),
    h('p', { 'data-testid': 'review-status' }, badge('qrstatus', rv.status), ' ',
      held ? t('qr.held_by', { when: fmtDate(rv.held_on), who: rv.held_by }) : t('qr.open_help', { period: fmtPeriod(period) })),
    held && rv.summary ? notice(rv.summary, 'info') : null,
    h('div', { class: 'stats' },
      stat(fmtMoney(prog.promised_value), t('qr.promised')),
      stat(fmtMoney(prog.realised_value), t('qr.realised'), prog.realised_value < prog.promised_value / 2 ? 'warn' : null),
      stat(String(prog.actions.open), t('qr.actions_open'), null, link('/iteration/actions')),
      stat(String(prog.actions.overdue), t('qr.actions_overdue'), prog.actions.overdue ? 'bad' : null, link('/iteration/actions?overdue=1')),
      stat(String(findings.length), t('qr.findings'), findings.length ? 'warn' : null)),
    panel(t('qr.value_chart'), valueChart),
    findings.length ? panel(t('qr.findings'), h('ul', { class: 'plain-list findings', 'data-testid': 'review-findings' },
      findings.map(({ f, title }) => h('li', { dataset: { code: f.code } }, badge('severity', f.severity), ' ', findingText(f, title))))) : null,
    table({ testid: 'review-initiatives', rows: rv.initiatives, empty: t('qr.none'), search: false,
      columns: [
        { key: 'title', label: t('page.initiative'), wide: true, render: (x) => h('a', { href: link('/alignment/initiatives/' + x.id) }, x.title) },
        { key: 'stage', label: t('field.stage'), value: (x) => tv('stage', x.stage), render: (x) => badge('stage', x.stage) },
        { key: 'kpis', label: t('qr.kpis'), value: (x) => x.kpis.length, render: (x) => h('span', {}, x.kpis.map((k) => h('span', { class: 'kpi-chip', title: k.name }, badge('kpistatus', k.status), ' '))) },
        { key: 'promised_value', label: t('qr.promised'), numeric: true, render: (x) => fmtMoney(x.promised_value) },
        { key: 'realised_value', label: t('qr.realised'), numeric: true, render: valueCell },
        { key: 'findings', label: t('qr.findings'), numeric: true, value: (x) => x.findings.length },
        { key: 'actions', label: t('qr.actions'), numeric: true, value: (x) => x.actions.length },
        { key: 'decision', label: t('qr.decision'), value: (x) => (x.decision ? x.decision.decision : ''), render: (x) => (x.decision ? badge('decision5', x.decision.decision) : '–') },
      ] }),
    panel(t('qr.feedback'), prog.feedback && prog.feedback.length ? h('ul', { class: 'plain-list', 'data-testid': 'review-feedback' }, prog.feedback.map((f) => h('li', {},
      h('strong', {}, f.unit_name), f.initiative_title ? ` · ${f.initiative_title}` : '', ' — ', t('qr.satisfaction_n', { n: f.satisfaction }),
      f.cost_change_pct !== null && f.cost_change_pct !== undefined ? ', ' + t('qr.cost_change_n', { n: fmtNumber(f.cost_change_pct) }) : '',
      f.comment ? h('div', { class: 'muted' }, f.comment) : null))) : h('p', { class: 'muted' }, t('qr.no_feedback'))),
    prog.radar_moves && prog.radar_moves.length ? panel(t('qr.radar_moves'), h('ul', { class: 'plain-list' }, prog.radar_moves.map((m) => h('li', {},
      fmtDate(m.moved_on), ' ', h('strong', {}, m.name), ' ', m.from_ring ? [badge('ring', m.from_ring), ' → '] : null, badge('ring', m.to_ring))))) : null,
    strategyPanel(strat),
    feedback,
    !held && can('POST', '/reviews/{period}/hold') ? holdForm(rv, ctx) : null);
}
