// SPDX-License-Identifier: GPL-3.0-or-later
// The alignment map: objective → KPI → initiative for the whole portfolio,
// with the coverage findings highlighted (initiatives that move no KPI,
// objectives with no initiative or no KPI, KPIs off track or short of
// their target even if every linked initiative delivers).
import { h } from '../lib/dom.js';
import { t, fmtNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { link } from '../lib/router.js';
import { findingItem, titlesFromMap, kpiDropBadge } from '../lib/align.js';
import { pageHeader, panel, badge, stat } from '../components/ui.js';

export async function render() {
  const map = await get('/alignment');
  const titles = titlesFromMap(map);
  const findings = (map.findings || []).slice().sort((a, b) => rank(a.severity) - rank(b.severity));
  const flagged = new Set(findings.filter((f) => f.severity !== 'info').map((f) => `${f.entity}:${f.id}`));
  const counts = map.finding_counts || {};
  const rows = (map.objectives || []).map((o) => {
    const kpis = o.kpis || [];
    return h('div', { class: 'map-row', dataset: { objective: o.id } },
      h('div', { class: 'map-cell' }, h('a', { class: ['node', flagged.has('objective:' + o.id) ? 'node-warn' : ''], href: link('/alignment/objectives/' + o.id) },
        o.title, h('small', {}, badge('pain', o.pain_point), ' ', badge('objstatus', o.status)))),
      h('div', { class: 'map-cell map-kpis' }, kpis.length ? kpis.map((k) => h('div', { class: 'map-kpi' },
        h('div', { class: ['node', flagged.has('kpi:' + k.id) ? 'node-warn' : ''] }, k.name, h('small', {}, badge('kpistatus', k.status || 'no_data'), kpiDropBadge(k))),
        h('div', { class: 'map-inits' }, (k.initiatives || []).length ? k.initiatives.map((i) => h('a', {
          class: ['node', flagged.has('initiative:' + i.initiative_id) ? 'node-warn' : ''], href: link('/alignment/initiatives/' + i.initiative_id),
        }, i.title, h('small', {}, badge('stage', i.stage), ' ', t('map.impact', { impact: `${i.expected_impact > 0 ? '+' : ''}${fmtNumber(i.expected_impact)} ${k.unit}` })))) : h('div', { class: 'node node-warn' }, t('map.no_initiative')))))
        : h('div', { class: 'node node-warn' }, t('map.no_kpi'))));
  });
  const unaligned = map.unaligned_initiatives || [];
  return h('div', {},
    pageHeader(t('page.map'), t('map.lead')),
    h('div', { class: 'stats' },
      stat(fmtNumber(unaligned.length), t('map.unaligned_count'), unaligned.length ? 'bad' : 'good'),
      stat(fmtNumber(counts.objective_without_initiative || 0), t('map.uncovered_count'), counts.objective_without_initiative ? 'warn' : 'good'),
      stat(fmtNumber((counts.kpi_off_track || 0) + (counts.kpi_at_risk || 0)), t('map.kpis_behind'), counts.kpi_off_track ? 'bad' : counts.kpi_at_risk ? 'warn' : 'good')),
    panel(t('map.findings'), findings.length ? h('ul', { class: 'findings', dataset: { testid: 'findings' } }, findings.map((f) => findingItem(f, titles))) : h('p', { class: 'muted' }, t('home.all_clear'))),
    panel(t('map.chain'), h('div', { class: 'map-head' }, h('span', {}, t('field.objective_id')), h('div', { class: 'map-kpi' }, h('span', {}, t('field.kpi_id')), h('span', {}, t('page.initiatives')))),
      rows.length ? rows : h('p', { class: 'muted' }, t('objectives.none'))),
    panel(t('map.unaligned'), unaligned.length ? h('div', { class: 'chips', dataset: { testid: 'unaligned' } }, unaligned.map((i) => h('a', { class: 'node node-bad', href: link('/alignment/initiatives/' + i.id) },
      i.title, h('small', {}, badge('stage', i.stage))))) : h('p', { class: 'muted' }, t('map.none_unaligned'))));
}

function rank(s) { return s === 'critical' ? 0 : s === 'warning' ? 1 : 2; }
