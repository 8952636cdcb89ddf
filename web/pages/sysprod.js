// SPDX-License-Identifier: GPL-3.0-or-later
// One system in production (issue 20): accuracy over time per segment with
// the baseline band, latency quantiles, decay findings with the inputs
// that moved, alert rules and their firing history, webhook deliveries,
// and switch trips awaiting a person (confirm or revert).
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtPercent, fmtDate, errorText } from '../lib/i18n.js';
import { get, post, ApiError } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { chart } from '../components/chart.js';
import { pageHeader, panel, badge, notice } from '../components/ui.js';
import { loadActors, actorSpan } from '../lib/align.js';
import { alertText } from '../lib/sentence.js';

const DAY = 86400000;

// Trips awaiting a decision, each with confirm and revert.
// names: the people by e-mail (align.js loadActors) to say who decided.
export function tripList(trips, refresh, names) {
  const may = can('POST', '/switch-trips/{id}/confirm');
  return h('ul', { class: 'plain-list', 'data-testid': 'trips' }, trips.map((x) => {
    const out = h('span', { class: 'trip-result' });
    const act = (what) => async () => {
      try { await post('/switch-trips/' + x.id + '/' + what, {}); refresh(); } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        replace(out, notice(errorText(err).text, 'error'));
      }
    };
    return h('li', { dataset: { trip: x.id, status: x.status } },
      badge('severity', x.severity), ' ', t('prod.trip', { system: x.system, rule: x.rule, when: fmtDate(x.created_at, true), prior: tv('swstate', x.prior_state) }),
      x.status === 'awaiting' && may ? [' ', h('button', { type: 'button', class: 'primary', 'data-testid': 'trip-confirm', onclick: act('confirm') }, t('prod.confirm')),
        ' ', h('button', { type: 'button', 'data-testid': 'trip-revert', onclick: act('revert') }, t('prod.revert'))]
        : [' ', badge('tripstatus', x.status), x.decided_by ? [' · ', actorSpan(names, x.decided_by)] : ''], out);
  }));
}

// Daily accuracy per segment with the all-segment baseline and its band
// (the baseline plus or minus two standard errors of a typical day).
function accuracyChart(days, base) {
  const segs = [...new Set(days.map((w) => w.segment))].sort();
  const series = segs.map((s) => ({
    name: s || t('prod.all'), type: 'line', showSymbol: false,
    data: days.filter((w) => w.segment === s && w.accuracy !== null).map((w) => [w.window_start, w.accuracy]),
  }));
  const all = base.find((b) => b.segment === '*');
  if (all && all.accuracy !== null && series.length) {
    const p = all.accuracy;
    const perDay = all.n_labeled / Math.max(1, Math.round((all.window_to - all.window_from) / DAY) * Math.max(1, segs.length));
    const se = Math.sqrt(p * (1 - p) / Math.max(1, perDay));
    series[0].markArea = { silent: true, itemStyle: { opacity: 0.12 }, data: [[{ yAxis: p - 2 * se, name: t('prod.band') }, { yAxis: p + 2 * se }]] };
    series[0].markLine = { silent: true, symbol: 'none', data: [{ yAxis: p, name: t('prod.baseline') }], label: { formatter: t('prod.baseline') } };
  }
  return chart({ tooltip: { trigger: 'axis' }, legend: {}, xAxis: { type: 'time' }, yAxis: { type: 'value', scale: true }, series },
    { label: t('prod.accuracy_chart'), height: 300 });
}

function latencyChart(days) {
  const seg = days.length ? days.reduce((m, w) => (w.n > m.n ? w : m), days[0]).segment : '';
  const rows = days.filter((w) => w.segment === seg);
  const s = (k) => ({ name: k, type: 'line', showSymbol: false, data: rows.map((w) => [w.window_start, w[k]]) });
  return chart({ tooltip: { trigger: 'axis' }, legend: {}, xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'ms' }, series: [s('p50'), s('p90'), s('p99')] },
    { label: t('prod.latency_chart', { segment: seg || t('prod.all') }), height: 240 });
}

function findingItem(f) {
  // proportions as percentages; a drift score (PSI) as a number
  const pct = (x) => (x === null || x === undefined ? '–' : f.metric === 'psi' ? fmtNumber(x, { maximumFractionDigits: 2 }) : fmtPercent(x, 1));
  const inputs = (f.drifted_inputs || []).map((d) => d.input);
  return h('li', { dataset: { kind: f.kind, segment: f.segment } },
    badge('fkind', f.kind), ' ',
    t('prod.finding', { metric: tv('metric', f.metric), segment: f.segment === '*' ? t('prod.all') : f.segment, baseline: pct(f.baseline), current: pct(f.current) }),
    f.ci ? ' ' + t('prod.ci', { lo: pct(f.ci[0]), hi: pct(f.ci[1]) }) : '',
    inputs.length ? h('div', { class: 'drifted' }, t('prod.inputs'), ' ', h('strong', {}, inputs.join(', '))) : null,
    h('div', { class: 'muted' }, t('prod.far', { rate: fmtPercent(f.false_alarm_rate || 0, 1), test: tv('ftest', f.test) })));
}

export async function render(ctx) {
  const name = ctx.params.name;
  const [mon, base, al, names] = await Promise.all([get('/systems/' + name + '/monitor?grain=day&limit=5000'),
    get('/systems/' + name + '/baselines'), get('/systems/' + name + '/alerts'), loadActors()]);
  const days = mon.windows.slice().sort((a, b) => a.window_start - b.window_start);
  const ver = days.length ? days[days.length - 1].version : null;
  const vbase = base.items.filter((b) => b.version === ver);
  return h('div', { class: 'sysprod-page' },
    pageHeader(t('prod.system_title', { name }), t('prod.system_lead'), h('a', { class: 'button secondary', href: link('/risk/systems/' + name) }, t('prod.register'))),
    days.length ? null : notice(t('prod.no_events'), 'info'),
    days.length ? panel(t('prod.accuracy', { version: ver }), accuracyChart(days.filter((w) => w.version === ver), vbase),
      vbase.length ? h('p', { class: 'muted', 'data-testid': 'baseline' }, t('prod.baseline_from', { from: fmtDate(new Date(vbase[0].window_from).toISOString()), to: fmtDate(new Date(vbase[0].window_to - 1).toISOString()), reason: vbase[0].reason })) : h('p', { class: 'muted' }, t('prod.no_baseline'))) : null,
    days.length ? panel(t('prod.latency'), latencyChart(days.filter((w) => w.version === ver))) : null,
    panel(t('prod.findings'), mon.findings.length ? h('ul', { class: 'plain-list findings', 'data-testid': 'findings' }, mon.findings.map(findingItem)) : h('p', { class: 'muted' }, t('prod.no_findings'))),
    al.trips.length ? panel(t('prod.trips'), tripList(al.trips, ctx.refresh, names)) : null,
    panel(t('prod.rules'), al.rules.length ? h('table', { class: 'table', 'data-testid': 'rules' },
      h('thead', {}, h('tr', {}, [t('prod.rule'), t('prod.condition'), t('prod.severity'), t('prod.state'), t('prod.action')].map((x) => h('th', {}, x)))),
      h('tbody', {}, al.rules.map((r) => h('tr', { dataset: { rule: r.name, state: r.state } },
        h('td', {}, r.name), h('td', {}, tv('rkind', r.kind), ' · ', tv('metric', r.metric), ' ', r.op, ' ', String(r.value), r.for_s ? ' ' + t('prod.for', { s: r.for_s }) : '', r.segment !== '*' ? ' · ' + r.segment : ''),
        h('td', {}, badge('severity', r.severity)), h('td', {}, badge('astate', r.state)),
        h('td', {}, [r.webhook ? t('prod.to_webhook', { name: r.webhook }) : null, r.trip_switch ? t('prod.trips_switch') : null].filter(Boolean).join(' · ') || '–'))))) : h('p', { class: 'muted' }, t('prod.no_rules')),
    al.history.length ? h('ul', { class: 'plain-list', 'data-testid': 'history' }, al.history.map((x) => h('li', {}, fmtDate(x.created_at, true), ' · ', badge('astate', x.state), ' ', x.rule, ' · ', alertText(x.message)))) : null),
    panel(t('prod.deliveries'), al.deliveries.length ? h('table', { class: 'table', 'data-testid': 'deliveries' },
      h('thead', {}, h('tr', {}, [t('prod.when'), t('prod.webhook'), t('prod.rule'), t('prod.dstatus'), t('prod.attempts'), t('prod.http')].map((x) => h('th', {}, x)))),
      h('tbody', {}, al.deliveries.map((d) => h('tr', {}, h('td', {}, fmtDate(d.created_at, true)), h('td', {}, d.webhook), h('td', {}, d.rule || '–', d.alert_state ? ' (' + tv('astate', d.alert_state) + ')' : ''),
        h('td', {}, badge('dstatus', d.status)), h('td', {}, fmtNumber(d.attempts)), h('td', {}, d.http_status ? String(d.http_status) : (d.error || '–')))))) : h('p', { class: 'muted' }, t('prod.no_deliveries'))));
}
