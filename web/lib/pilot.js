// SPDX-License-Identifier: GPL-3.0-or-later
// The initiative page's "pilot, then scale" panel: the pilot's unit, dates
// and exit criteria with the result keel computed from the readings (met,
// not met, no data; the measured change against the target), the rollouts
// unit by unit with their dates, each unit's own change, and what would
// refuse a start now (the pilot's criteria, the unit's training) in words;
// start, go live and halt where the caller may change the initiative, and
// the override by proposal where a rule refuses; the staggered comparison
// of rolled-out units against those not yet rolled out.
import { h } from './dom.js';
import { t, tv, fmtNumber, fmtDate, fmtPeriod, errorText } from './i18n.js';
import { get, post, patch, ApiError } from './api.js';
import { can } from './perm.js';
import { link, navigate } from './router.js';
import { table } from '../components/table.js';
import { badge, facts, errorBox, notice } from '../components/ui.js';

const pct = (x) => (x === null || x === undefined ? '–' : `${x > 0 ? '+' : ''}${fmtNumber(x, { maximumFractionDigits: 1 })} %`);

function criteriaTable(pilot, kpiName) {
  return table({ search: false, testid: 'pilot-criteria', rows: (pilot.results || []).map((r, i) => ({ id: i, ...r })), columns: [
    { key: 'kpi_id', label: t('field.kpi_id'), render: (r) => kpiName(r.kpi_id) },
    { key: 'change_pct', label: t('pilot.target'), numeric: true, render: (r) => pct(r.change_pct) },
    { key: 'baseline', label: t('pilot.baseline', { period: fmtPeriod(pilot.baseline_period) }), numeric: true, render: (r) => fmtNumber(r.baseline) },
    { key: 'measured', label: t('pilot.measured', { period: fmtPeriod(pilot.measure_period) }), numeric: true, render: (r) => fmtNumber(r.measured) },
    { key: 'actual_change_pct', label: t('pilot.actual'), numeric: true, render: (r) => pct(r.actual_change_pct) },
    { key: 'state', label: t('pilot.result'), render: (r) => badge('pstate', r.state) },
  ] });
}

function comparison(c, kpiName, unitName) {
  const interval = c.interval_low !== null && c.interval_high !== null;
  const verdict = !interval ? t('cmp.few') : (c.interval_low > 0 || c.interval_high < 0) ? t('cmp.real') : t('cmp.unclear');
  return h('div', { class: 'comparison', dataset: { kpi: c.kpi_id }, 'data-testid': 'stagger' },
    h('h3', {}, t('cmp.title', { kpi: kpiName(c.kpi_id) })),
    h('p', { class: 'muted' }, t('cmp.lead', { period: fmtPeriod(c.period), base: fmtPeriod(c.baseline_period) })),
    facts([
      [t('cmp.rolled', { n: c.rolled_out }), pct(c.mean_change_rolled_out)],
      [t('cmp.waiting', { n: c.waiting }), pct(c.mean_change_waiting)],
      [t('cmp.diff'), h('span', {}, pct(c.difference), interval ? h('span', { class: 'muted' }, ' · ', t('cmp.interval', { lo: pct(c.interval_low), hi: pct(c.interval_high) })) : null)],
    ]),
    h('p', { class: 'verdict', 'data-testid': 'stagger-verdict' }, verdict),
    h('ul', { class: 'plain-list stagger-units' }, (c.units || []).map((u) => h('li', { dataset: { unit: u.org_unit_id } },
      h('strong', {}, unitName(u.org_unit_id)), ' ', u.rolled_out ? badge('rstatus', 'live') : h('span', { class: 'muted' }, t('cmp.not_yet')), ' · ',
      t('cmp.reading', { base: fmtNumber(u.baseline), value: fmtNumber(u.value), change: pct(u.change_pct) })))));
}

export async function pilotPanel(ctx, it, kpis, names) {
  const data = await get(`/initiatives/${it.id}/rollouts`);
  const pilot = data.pilot;
  const kpiName = (id) => { const k = kpis.find((x) => x.id === id); return k ? k.name : '#' + id; };
  const unitName = (id) => names.unit.get(id) || '#' + id;
  const may = can('PATCH', '/initiatives/{id}/rollouts/{id}') && (!it.you || it.you.may_edit);
  const mayPropose = can('POST', '/proposals') && (!it.you || it.you.may_edit);
  const out = h('div', { 'aria-live': 'polite', 'data-testid': 'rollout-result' });
  // the unit's own change at the comparison's period, from the first criterion's KPI
  const own = new Map(((data.comparison || [])[0] || { units: [] }).units.map((u) => [u.org_unit_id, u]));
  const propose = async (ro) => {
    try {
      const due = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
      const r = await post('/proposals', { title: t('rollout.override_title', { unit: ro.unit_name, initiative: it.title }), action_type: 'override_rollout',
        action: { rollout_id: ro.id }, due_date: due, note: ro.blocked ? ro.blocked.message : null });
      navigate('/organisation/proposals/' + r.id);
    } catch (err) { if (!(err instanceof ApiError)) throw err; out.replaceChildren(errorBox(err)); }
  };
  const move = (ro, to) => async (ev) => {
    ev.target.disabled = true;
    try { await patch(`/initiatives/${it.id}/rollouts/${ro.id}`, { status: to }); ctx.refresh(); } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      ev.target.disabled = false;
      const box = errorBox(err);
      out.replaceChildren(box, ['pilot_criteria_unmet', 'training_below_target'].includes(err.code) && mayPropose
        ? h('p', {}, t('rollout.override_lead'), ' ', h('button', { type: 'button', onclick: () => propose(ro) }, t('rollout.override'))) : null);
    }
  };
  const rows = (data.items || []).map((ro) => ({ ...ro }));
  const cols = [
    { key: 'unit_name', label: t('rollout.unit') },
    { key: 'status', label: t('rollout.status'), render: (ro) => badge('rstatus', ro.status) },
    { key: 'planned_start', label: t('rollout.planned'), render: (ro) => `${fmtDate(ro.planned_start)} → ${fmtDate(ro.planned_live)}` },
    { key: 'started_on', label: t('rollout.actual'), render: (ro) => (ro.started_on ? `${fmtDate(ro.started_on)} → ${fmtDate(ro.live_on)}` : '–') },
    { key: 'reading', label: t('rollout.reading'), numeric: true, sort: false, value: () => '', render: (ro) => { const u = own.get(ro.org_unit_id); return u ? pct(u.change_pct) : '–'; } },
    { key: 'blocked', label: t('rollout.may_start'), sort: false, value: () => '', render: (ro) => (ro.blocked
      ? h('span', { class: 'missing', 'data-testid': 'rollout-blocked' }, errorText(ro.blocked).text)
      : ro.override_proposal_id ? h('a', { href: link('/organisation/proposals/' + ro.override_proposal_id) }, t('rollout.overridden', { id: ro.override_proposal_id }))
        : ['planned', 'halted'].includes(ro.status) ? h('span', { class: 'ok' }, t('rollout.ready')) : '') },
  ];
  if (may) cols.push({ key: 'x', label: t('common.actions'), sort: false, value: () => '', render: (ro) => h('span', { class: 'row-actions' },
    ['planned', 'halted'].includes(ro.status) ? h('button', { type: 'button', class: 'primary', dataset: { start: ro.id }, onclick: move(ro, 'in_progress') }, t('rollout.start')) : null,
    ro.status === 'in_progress' ? h('button', { type: 'button', class: 'good', dataset: { live: ro.id }, onclick: move(ro, 'live') }, t('rollout.live')) : null,
    ['in_progress', 'live'].includes(ro.status) ? h('button', { type: 'button', class: 'danger', dataset: { halt: ro.id }, onclick: move(ro, 'halted') }, t('rollout.halt')) : null,
    ro.blocked && mayPropose ? h('button', { type: 'button', dataset: { override: ro.id }, onclick: () => propose(ro) }, t('rollout.override')) : null) });
  return h('section', { class: 'panel', id: 'pilot', 'data-testid': 'pilot' },
    h('h2', {}, t('pilot.title')),
    !pilot ? h('p', { class: 'muted' }, t('pilot.none')) : [
      facts([
        [t('pilot.unit'), unitName(pilot.org_unit_id)],
        [t('pilot.dates'), `${fmtDate(pilot.starts_on)} – ${fmtDate(pilot.ends_on)}`],
        [t('pilot.status'), h('span', { 'data-testid': 'pilot-status' }, badge('pstate', data.pilot_status))],
        pilot.note ? [t('field.note'), pilot.note] : null,
      ]),
      criteriaTable(pilot, kpiName),
    ],
    h('h3', {}, t('rollout.title')),
    rows.length ? table({ search: false, testid: 'rollouts', rows, columns: cols }) : h('p', { class: 'muted' }, t('rollout.none')),
    out,
    (data.comparison || []).map((c) => comparison(c, kpiName, unitName)),
    pilot && data.pilot_status !== 'met' ? notice(t('pilot.not_met_note'), 'warn') : null);
}
