// SPDX-License-Identifier: GPL-3.0-or-later
// The home dashboard: the headline numbers a business reader needs first —
// objectives on track, initiatives not tied to any KPI, initiatives by
// stage — then the organisation at a glance, and where each path stands.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtMoney, fmtDate, getLocale, fmtPeriod } from '../lib/i18n.js';
import { listAll, get } from '../lib/api.js';
import { has, can } from '../lib/perm.js';
import { findingItem, titlesFromMap } from '../lib/align.js';
import { link } from '../lib/router.js';
import { sections } from '../components/layout.js';
import { chart } from '../components/chart.js';
import { pageHeader, panel, stat, notice } from '../components/ui.js';
import { poolsReport, shiftQuarter } from '../lib/resources.js';
import { tripList } from './sysprod.js';
import { compliancePanel } from '../lib/compliance.js';

// Path 2 at a glance: idle and over-committed pools, incomplete teams.
async function resourcesPanel() {
  const [rep, teams] = await Promise.all([poolsReport(), get('/teams')]);
  const pools = rep.pools || [];
  const idle = pools.filter((p) => p.idle).length;
  const over = pools.filter((p) => p.over_committed).length;
  const incomplete = (teams.initiatives || []).filter((i) => i.needs_complete_team && !i.complete).length;
  return panel(t('home.resources'), h('div', { class: 'stats small', 'data-testid': 'resources-headline' },
    stat(fmtNumber(idle), t('home.idle_pools', { count: idle }), idle ? 'warn' : 'good', link('/resources/pools')),
    stat(fmtNumber(over), t('home.over_pools', { count: over }), over ? 'bad' : 'good', link('/resources/pools')),
    stat(fmtNumber(incomplete), t('home.incomplete_teams', { count: incomplete }), incomplete ? 'warn' : 'good', link('/resources/teams'))));
}

// Path 3 at a glance: open risks, overdue mitigations and ethics reviews,
// suspended systems (the findings of the risk register and the schedule).
async function riskPanel() {
  const [map, rev] = await Promise.all([get('/risks/heatmap'), get('/ethics-reviews')]);
  const overdue = rev.findings.filter((f) => f.code === 'review_overdue');
  const suspended = rev.findings.filter((f) => f.code === 'suspended');
  return panel(t('home.risk'), h('div', { class: 'stats small', 'data-testid': 'risk-headline' },
    stat(fmtNumber(map.total), t('home.open_risks'), null, link('/risk/register')),
    stat(fmtNumber(map.findings.length), t('home.overdue_mitigations'), map.findings.length ? 'bad' : 'good', link('/risk/register')),
    stat(fmtNumber(overdue.length), t('home.overdue_reviews'), overdue.length ? 'warn' : 'good', link('/risk/reviews')),
    stat(fmtNumber(suspended.length), t('home.suspended'), suspended.length ? 'bad' : 'good', link('/risk/reviews'))),
  overdue.length || map.findings.length ? h('ul', { class: 'plain-list findings', 'data-testid': 'risk-attention' },
    overdue.map((f) => h('li', {}, t('reviews.finding_overdue', { system: f.system, due: fmtDate(f.due_on) }))),
    map.findings.map((f) => h('li', {}, t('risks.overdue', { id: f.risk_id, due: fmtDate(f.due_date) })))) : null);
}

// The committee's board pack: a quarter (the current one or the three
// before), a language, and a PDF or HTML download from the server.
async function boardPanel() {
  const now = await get('/pools/report?periods=1');
  const cur = now.current_period || (now.periods || [])[0];
  const period = h('select', { 'aria-label': t('board.period'), 'data-testid': 'board-period' },
    [0, -1, -2, -3].map((n) => h('option', { value: shiftQuarter(cur, n) }, fmtPeriod(shiftQuarter(cur, n)))));
  const lang = h('select', { 'aria-label': t('board.lang'), 'data-testid': 'board-lang' },
    ['en', 'zh-CN'].map((l) => h('option', { value: l, selected: l === getLocale() }, t('board.lang.' + l))));
  const href = (format) => `/api/v1/reports/board?period=${encodeURIComponent(period.value)}` +
    `&lang=${encodeURIComponent(lang.value)}&format=${format}`;
  const pdf = h('a', { class: 'button', download: '', 'data-testid': 'board-pdf' }, t('board.pdf'));
  const html = h('a', { class: 'button secondary', download: '', 'data-testid': 'board-html' }, t('board.html'));
  const update = () => { pdf.href = href('pdf'); html.href = href('html'); };
  period.addEventListener('change', update);
  lang.addEventListener('change', update);
  update();
  return panel(t('board.title'), h('p', { class: 'muted' }, t('board.lead')),
    h('div', { class: 'board-pack', 'data-testid': 'board-pack' }, h('label', {}, t('board.period'), ' ', period),
      h('label', {}, t('board.lang'), ' ', lang), pdf, html));
}

const STAGE_ORDER = ['idea', 'assessed', 'approved', 'pilot', 'scaling', 'operating', 'retired', 'rejected'];

async function alignmentSummary() {
  const [objectives, initiatives, map] = await Promise.all([
    listAll('/objectives'), listAll('/initiatives'),
    has('/alignment', 'GET') ? get('/alignment') : Promise.resolve({}),
  ]);
  return { objectives, initiatives, map };
}

// Objectives on track (active ones whose KPIs all are), unaligned
// initiatives, the expected value of live initiatives.
function headline(sum) {
  const open = (sum.map.objectives || []).filter((o) => o.status !== 'closed' && o.status !== 'draft');
  const onTrack = open.filter((o) => (o.kpis || []).length && o.kpis.every((k) => k.status === 'on_track' || k.status === 'achieved')).length;
  let value = 0;
  for (const i of sum.initiatives) if (i.expected_value && !['rejected', 'retired'].includes(i.stage)) value += i.expected_value;
  return { onTrack, objectivesActive: open.length, unaligned: (sum.map.unaligned_initiatives || []).length, value };
}

export async function render(ctx) {
  const [units, people] = await Promise.all([listAll('/units'), listAll('/people')]);
  const parts = [pageHeader(t('home.title', { org: ctx.settings.name }), t('home.lead'))];
  // switch trips by alert rules wait for a person: first thing on the page
  const trips = has('/switch-trips', 'GET') ? (await get('/switch-trips?status=awaiting')).items : [];
  if (trips.length) parts.push(panel(t('home.trips'), tripList(trips, ctx.refresh)));
  if (has('/objectives') && has('/initiatives')) {
    const sum = await alignmentSummary();
    const hl = headline(sum);
    const byStage = STAGE_ORDER.map((s) => sum.initiatives.filter((i) => i.stage === s).length);
    parts.push(h('div', { class: 'stats', 'data-testid': 'headline' },
      stat(`${fmtNumber(hl.onTrack)} / ${fmtNumber(hl.objectivesActive)}`, t('home.on_track'), hl.onTrack < hl.objectivesActive ? 'warn' : 'good', link('/alignment/objectives')),
      stat(fmtNumber(hl.unaligned ?? 0), t('home.unaligned', { count: hl.unaligned ?? 0 }), hl.unaligned ? 'bad' : 'good', link('/alignment/map')),
      stat(fmtNumber(sum.initiatives.length), t('home.initiatives', { count: sum.initiatives.length }), null, link('/alignment/initiatives')),
      stat(fmtMoney(hl.value), t('home.expected_value'), null, link('/alignment/priorities'))));
    parts.push(h('div', { class: 'grid2' },
      panel(t('home.by_stage'), chart({
        grid: { left: 90, right: 24, top: 10, bottom: 24 },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', inverse: true, data: STAGE_ORDER.map((s) => tv('stage', s)) },
        tooltip: { trigger: 'axis' },
        series: [{ type: 'bar', data: byStage, name: t('home.initiatives'), label: { show: true, position: 'right' } }],
      }, { height: 260, label: t('home.by_stage') })),
      panel(t('home.attention'), attention(sum))));
  } else {
    parts.push(notice(t('home.no_alignment'), 'info'));
  }
  if (has('/pools/report', 'GET') && has('/teams', 'GET')) parts.push(await resourcesPanel());
  if (has('/risks/heatmap', 'GET') && has('/ethics-reviews', 'GET')) parts.push(await riskPanel());
  if (has('/compliance/calendar', 'GET')) parts.push(await compliancePanel());
  if (can('GET', '/reports/board')) parts.push(await boardPanel());
  parts.push(panel(t('home.organisation'), h('div', { class: 'stats small' },
    stat(fmtNumber(units.length), t('home.units'), null, link('/organisation/units')),
    stat(fmtNumber(people.length), t('home.people'), null, link('/organisation/people')))));
  parts.push(panel(t('home.paths'), h('ul', { class: 'paths' }, sections().filter((s) => !s.admin).map((s) =>
    h('li', { class: s.built === false ? 'unbuilt' : 'built' }, h('a', { href: link(s.href) }, t('nav.' + s.key)),
      h('span', { class: 'muted' }, ' — ', t(`home.path.${s.key}`)),
      s.built === false ? h('span', { class: 'pill pill-off' }, t('home.not_built')) : null,
      s.partial ? h('span', { class: 'pill pill-off' }, t('home.partly_built')) : null)))));
  return h('div', { class: 'home' }, parts);
}

function attention(sum) {
  const titles = titlesFromMap(sum.map);
  for (const i of sum.initiatives) titles.initiative.set(i.id, i.title);
  const findings = (sum.map.findings || []).filter((f) => f.severity !== 'info')
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  if (!findings.length) return h('p', { class: 'muted' }, t('home.all_clear'));
  const more = findings.length - 8;
  return [h('ul', { class: 'findings' }, findings.slice(0, 8).map((f) => findingItem(f, titles))),
    more > 0 ? h('p', {}, h('a', { href: link('/alignment/map') }, t('home.more_findings', { n: more }))) : null];
}
