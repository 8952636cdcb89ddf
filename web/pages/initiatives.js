// SPDX-License-Identifier: GPL-3.0-or-later
// Initiatives (AI use cases) as a sortable, filterable table: stage badge,
// aligned or not, unit, owner, expected value; the form to propose a new
// one for those who may.
import { h } from '../lib/dom.js';
import { t, tv, fmtMoney, fmtNumber } from '../lib/i18n.js';
import { post, listAll } from '../lib/api.js';
import { can, enumOf } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { loadNames, personOptions, unitOptions, PURPOSES } from '../lib/align.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge } from '../components/ui.js';

export function initiativeFields(names, i) {
  return [
    { name: 'title', label: t('field.title'), required: true, maxlength: 200, value: i && i.title, wide: true },
    { name: 'unit_id', type: 'select', numeric: true, label: t('field.unit_id'), value: i && i.unit_id, options: unitOptions(names) },
    { name: 'sponsor_id', type: 'select', numeric: true, label: t('field.sponsor_id'), value: i && i.sponsor_id, options: personOptions(names) },
    { name: 'owner_id', type: 'select', numeric: true, label: t('field.owner_id'), value: i && i.owner_id, options: personOptions(names) },
    { name: 'ai_lead_id', type: 'select', numeric: true, label: t('field.ai_lead_id'), value: i && i.ai_lead_id, options: personOptions(names) },
    { name: 'risk_officer_id', type: 'select', numeric: true, label: t('field.risk_officer_id'), value: i && i.risk_officer_id, options: personOptions(names), help: t('help.risk_officer') },
    { name: 'purpose', type: 'select', label: t('field.purpose'), value: i && i.purpose, help: t('help.purpose'), options: PURPOSES.map((x) => ({ value: x, label: tv('purpose', x) })) },
    { name: 'expected_value', type: 'number', label: t('field.expected_value'), min: 0, step: 'any', value: i && i.expected_value },
    { name: 'cost_estimate', type: 'number', label: t('field.cost_estimate'), min: 0, step: 'any', value: i && i.cost_estimate },
    { name: 'start_date', type: 'date', label: t('field.start_date'), value: i && i.start_date },
    { name: 'end_date', type: 'date', label: t('field.end_date'), value: i && i.end_date },
    { name: 'problem', type: 'textarea', label: t('field.problem'), value: i && i.problem, wide: true, help: t('help.charter') },
    { name: 'scope', type: 'textarea', label: t('field.scope'), value: i && i.scope, wide: true },
    { name: 'risks', type: 'textarea', label: t('field.risks'), value: i && i.risks, wide: true },
    { name: 'data_needed', type: 'textarea', label: t('field.data_needed'), value: i && i.data_needed, wide: true },
  ];
}

export async function render(ctx) {
  const [rows, names] = await Promise.all([listAll('/initiatives?sort=title'), loadNames()]);
  const stages = enumOf('initiative', 'stage');
  const cols = [
    { key: 'title', label: t('field.title'), wide: true, render: (i) => h('a', { href: link('/alignment/initiatives/' + i.id) }, i.title) },
    { key: 'stage', label: t('field.stage'), value: (i) => stages.indexOf(i.stage), render: (i) => badge('stage', i.stage) },
    { key: 'aligned', label: t('initiatives.aligned'), value: (i) => (i.aligned ? 1 : 0),
      render: (i) => badge('aligned', i.aligned ? 'yes' : 'no') },
    { key: 'link_count', label: t('initiatives.kpis'), numeric: true, render: (i) => fmtNumber(i.link_count) },
    { key: 'unit', label: t('field.unit_id'), value: (i) => names.unit.get(i.unit_id) || '' },
    { key: 'owner', label: t('field.owner_id'), value: (i) => names.person.get(i.owner_id) || '' },
    { key: 'expected_value', label: t('field.expected_value'), numeric: true, render: (i) => fmtMoney(i.expected_value) },
  ];
  return h('div', {},
    pageHeader(t('page.initiatives'), t('initiatives.lead')),
    table({ columns: cols, rows, testid: 'initiatives', initialSort: 'title',
      filters: [
        { key: 'stage', label: t('field.stage'), options: stages.map((s) => ({ value: s, label: tv('stage', s) })) },
        { key: 'aligned', label: t('initiatives.aligned'), value: (i) => (i.aligned ? 'yes' : 'no'),
          options: ['yes', 'no'].map((x) => ({ value: x, label: tv('aligned', x) })) },
        { key: 'unit_id', label: t('field.unit_id'), options: unitOptions(names) },
      ] }),
    can('POST', '/initiatives') ? panel(t('initiatives.new'), form({
      fields: initiativeFields(names, null), submitLabel: t('common.create'),
      onSubmit: async (v) => {
        const i = await post('/initiatives', compact(v));
        location.hash = '#/alignment/initiatives/' + i.id;
      },
    })) : null);
}
