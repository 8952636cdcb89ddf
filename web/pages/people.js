// SPDX-License-Identifier: GPL-3.0-or-later
// The people register: name, unit, skills, capacity. Everyone reads it;
// admins add, change and delete people.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber } from '../lib/i18n.js';
import { post, patch, del, listAll } from '../lib/api.js';
import { can, enumOf } from '../lib/perm.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, errorBox, confirmAction } from '../components/ui.js';

function fields(units, p) {
  return [
    { name: 'name', label: t('field.name'), required: true, maxlength: 200, value: p && p.name },
    { name: 'email', type: 'email', label: t('field.email'), value: p && p.email },
    { name: 'unit_id', type: 'select', numeric: true, label: t('field.unit_id'), value: p && p.unit_id,
      options: units.map((u) => ({ value: u.id, label: u.name })) },
    { name: 'skills', type: 'checks', label: t('field.skills'), value: p ? p.skills : [], wide: true,
      options: enumOf('person', 'skills').map((s) => ({ value: s, label: tv('skill', s) })) },
    { name: 'capacity_fte', type: 'number', label: t('field.capacity_fte'), min: 0, max: 1.5, step: 0.1,
      value: p ? p.capacity_fte : 1 },
    { name: 'department_head', type: 'checkbox', label: t('field.department_head'), value: p ? p.department_head : false },
  ];
}

export async function render(ctx) {
  const [people, units] = await Promise.all([listAll('/people?sort=name'), listAll('/units?sort=name')]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const admin = can('POST', '/people');
  const editHolder = h('div');
  const edit = (p) => {
    editHolder.replaceChildren(form({
      title: t('people.edit', { name: p.name }), fields: fields(units, p), onCancel: () => editHolder.replaceChildren(),
      onSubmit: async (v) => { await patch(`/people/${p.id}`, v); ctx.refresh(); },
    }));
  };
  const remove = async (p) => {
    if (!confirmAction(t('people.confirm_delete', { name: p.name }))) return;
    try { await del(`/people/${p.id}`); ctx.refresh(); } catch (err) { editHolder.replaceChildren(errorBox(err)); }
  };
  const cols = [
    { key: 'name', label: t('field.name') },
    { key: 'unit', label: t('field.unit_id'), value: (p) => unitName.get(p.unit_id) || '' },
    { key: 'skills', label: t('field.skills'), value: (p) => (p.skills || []).map((s) => tv('skill', s)).join(t('list.sep')),
      render: (p) => h('span', { class: 'chips' }, (p.skills || []).map((s) => h('span', { class: 'chip' }, tv('skill', s)))) },
    { key: 'capacity_fte', label: t('field.capacity_fte'), numeric: true, render: (p) => fmtNumber(p.capacity_fte) },
    { key: 'department_head', label: t('field.department_head'), value: (p) => (p.department_head ? t('field.department_head') : ''), render: (p) => (p.department_head ? '✓' : '') },
    { key: 'email', label: t('field.email') },
  ];
  if (admin) cols.push({ key: 'actions', label: t('common.actions'), sort: false, value: () => '', render: (p) => h('span', { class: 'row-actions' },
    h('button', { type: 'button', onclick: () => edit(p) }, t('common.edit')),
    h('button', { type: 'button', class: 'danger', onclick: () => remove(p) }, t('common.delete'))) });
  return h('div', {},
    pageHeader(t('page.people'), t('people.lead')),
    editHolder,
    table({ columns: cols, rows: people, initialSort: 'name', testid: 'people',
      filters: [
        { key: 'skills', label: t('field.skills'), options: enumOf('person', 'skills').map((s) => ({ value: s, label: tv('skill', s) })) },
        { key: 'unit_id', label: t('field.unit_id'), options: units.map((u) => ({ value: u.id, label: u.name })) },
      ] }),
    admin ? panel(t('people.new'), form({ fields: fields(units, null), submitLabel: t('common.create'),
      onSubmit: async (v) => { await post('/people', compact(v)); ctx.refresh(); } })) : null);
}
