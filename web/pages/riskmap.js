// SPDX-License-Identifier: GPL-3.0-or-later
// The risk register (path 3): the 5x5 heatmap of likelihood by impact,
// before and after mitigation, each cell with its count and links to its
// risks; overdue mitigations as findings; the register; a new risk.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { get, listAll, post } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, notice } from '../components/ui.js';
import { words } from '../lib/sentence.js';

const CATS = ['privacy', 'bias_ethics', 'technical_failure', 'security', 'compliance', 'third_party'];

// A 5x5 grid: rows likelihood 5..1, columns impact 1..5.
function heatmap(grid, caption, testid) {
  const head = h('tr', {}, h('th', { scope: 'col' }, t('risks.l_by_i')), [1, 2, 3, 4, 5].map((i) => h('th', { scope: 'col' }, t('risks.impact_n', { n: i }))));
  const rows = [5, 4, 3, 2, 1].map((l) => h('tr', {}, h('th', { scope: 'row' }, t('risks.likelihood_n', { n: l })),
    [1, 2, 3, 4, 5].map((i) => {
      const c = grid[l - 1][i - 1];
      const score = l * i;
      return h('td', { class: ['heat', score >= 15 ? 'heat-high' : score >= 8 ? 'heat-mid' : 'heat-low'], dataset: { l, i, count: c.count } },
        c.count ? h('a', { href: link('/risk/register?cell=' + l + '-' + i), title: c.ids.map((x) => '#' + x).join(' ') }, String(c.count)) : '');
    })));
  return h('table', { class: 'heatmap', 'data-testid': testid }, h('caption', {}, caption), h('thead', {}, head), h('tbody', {}, rows));
}

export async function render(ctx) {
  const [map, risks, systems, inits] = await Promise.all([get('/risks/heatmap'), listAll('/risks'),
    listAll('/systems'), can('POST', '/risks') ? listAll('/initiatives') : []]);
  const cell = ctx.query.get('cell');
  const shown = cell ? risks.filter((r) => `${r.likelihood}-${r.impact}` === cell && r.status !== 'closed') : risks;
  const sysName = new Map(systems.map((s) => [s.id, s.name]));
  const add = can('POST', '/risks') ? form({
    title: t('risks.new'), submitLabel: t('form.save'),
    fields: [
      { name: 'title', label: t('field.title'), required: true, maxlength: 300, wide: true },
      { name: 'system_id', label: t('risks.system'), type: 'select', numeric: true, options: systems.map((s) => ({ value: s.id, label: s.name })) },
      { name: 'initiative_id', label: t('systems.initiative'), type: 'select', numeric: true, options: inits.map((i) => ({ value: i.id, label: i.title })) },
      { name: 'category', label: t('risks.category'), type: 'select', required: true, options: CATS.map((c) => ({ value: c, label: tv('riskcat', c) })) },
      { name: 'likelihood', label: t('risks.likelihood'), type: 'number', required: true, min: 1, max: 5 },
      { name: 'impact', label: t('risks.impact'), type: 'number', required: true, min: 1, max: 5 },
      { name: 'residual_likelihood', label: t('risks.residual_likelihood'), type: 'number', min: 1, max: 5 },
      { name: 'residual_impact', label: t('risks.residual_impact'), type: 'number', min: 1, max: 5 },
      { name: 'mitigation', label: t('risks.mitigation'), type: 'textarea', wide: true },
      { name: 'due_date', label: t('risks.due'), type: 'date' },
      { name: 'status', label: t('risks.status'), type: 'select', required: true, value: 'open', options: ['open', 'mitigating', 'accepted', 'closed'].map((s) => ({ value: s, label: tv('riskstatus', s) })) },
    ],
    onSubmit: async (v) => { await post('/risks', compact(v)); ctx.refresh(); },
  }) : null;
  return h('div', { class: 'risks-page' },
    pageHeader(t('page.riskmap'), t('risks.lead', { n: map.total })),
    map.findings.length ? panel(t('risks.findings'), h('ul', { class: 'plain-list findings', 'data-testid': 'risk-findings' }, map.findings.map((f) => h('li', {},
      badge('severity', f.severity), ' ', t('risks.overdue', { id: f.risk_id, due: fmtDate(f.due_date) }), ' ', h('span', { class: 'muted' }, words(f.message, f.message_code, 'risks.say')))))) : null,
    h('div', { class: 'grid2' },
      panel(t('risks.inherent'), heatmap(map.inherent, t('risks.inherent_caption'), 'heatmap-inherent')),
      panel(t('risks.residual'), heatmap(map.residual, t('risks.residual_caption'), 'heatmap-residual'))),
    cell ? notice(t('risks.cell_filter', { cell }), 'info') : null,
    table({ testid: 'risks', rows: shown, initialSort: '-score', empty: t('risks.none'),
      filters: [{ key: 'category', label: t('risks.category'), options: CATS.map((c) => ({ value: c, label: tv('riskcat', c) })) }],
      columns: [
        { key: 'title', label: t('field.title'), wide: true },
        { key: 'category', label: t('risks.category'), value: (r) => tv('riskcat', r.category) },
        { key: 'system', label: t('risks.system'), value: (r) => sysName.get(r.system_id) || '', render: (r) => (r.system_id ? h('a', { href: link('/risk/systems/' + sysName.get(r.system_id)) }, sysName.get(r.system_id)) : '–') },
        { key: 'score', label: t('risks.score'), value: (r) => r.score, render: (r) => `${r.likelihood}×${r.impact} = ${r.score}` },
        { key: 'residual_score', label: t('risks.residual_score'), value: (r) => r.residual_score },
        { key: 'due_date', label: t('risks.due'), render: (r) => (r.due_date ? h('span', { class: r.overdue ? 'overdue' : '' }, fmtDate(r.due_date), r.overdue ? [' ', badge('severity', 'warning')] : null) : '–') },
        { key: 'status', label: t('risks.status'), value: (r) => tv('riskstatus', r.status) },
      ] }),
    add);
}
