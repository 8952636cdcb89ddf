// SPDX-License-Identifier: GPL-3.0-or-later
// Business units (departments, regions, business lines) as a tree-aware
// table; admins add, rename, move and delete them.
import { h } from '../lib/dom.js';
import { t, tv } from '../lib/i18n.js';
import { post, patch, del, listAll } from '../lib/api.js';
import { can, enumOf } from '../lib/perm.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, errorBox, confirmAction } from '../components/ui.js';

function fields(units, u) {
  return [
    { name: 'name', label: t('field.name'), required: true, maxlength: 200, value: u && u.name },
    { name: 'kind', type: 'select', label: t('field.kind'), required: true, value: u && u.kind,
      options: enumOf('unit', 'kind').map((k) => ({ value: k, label: tv('unitkind', k) })) },
    { name: 'parent_id', type: 'select', numeric: true, label: t('field.parent_id'), value: u && u.parent_id,
      options: units.filter((x) => !u || x.id !== u.id).map((x) => ({ value: x.id, label: x.name })) },
  ];
}

export async function render(ctx) {
  const units = await listAll('/units?sort=name');
  const byId = new Map(units.map((u) => [u.id, u]));
  const path = (u) => { const a = []; for (let x = u, i = 0; x && i < 20; x = byId.get(x.parent_id), i++) a.unshift(x.name); return a.join(' › '); };
  const admin = can('POST', '/units');
  const editHolder = h('div');
  const edit = (u) => {
    editHolder.replaceChildren(form({
      title: t('units.edit', { name: u.name }), fields: fields(units, u), onCancel: () => editHolder.replaceChildren(),
      onSubmit: async (v) => { await patch(`/units/${u.id}`, v); ctx.refresh(); },
    }));
    editHolder.scrollIntoView({ block: 'nearest' });
  };
  const remove = async (u) => {
    if (!confirmAction(t('units.confirm_delete', { name: u.name }))) return;
    try { await del(`/units/${u.id}`); ctx.refresh(); } catch (err) { editHolder.replaceChildren(errorBox(err)); }
  };
  const cols = [
    { key: 'name', label: t('field.name'), value: (u) => path(u), render: (u) => h('span', {}, path(u)) },
    { key: 'kind', label: t('field.kind'), value: (u) => tv('unitkind', u.kind) },
  ];
  if (admin) cols.push({ key: 'actions', label: t('common.actions'), sort: false, value: () => '', render: (u) => h('span', { class: 'row-actions' },
    h('button', { type: 'button', onclick: () => edit(u) }, t('common.edit')),
    h('button', { type: 'button', class: 'danger', onclick: () => remove(u) }, t('common.delete'))) });
  return h('div', {},
    pageHeader(t('page.units'), t('units.lead')),
    editHolder,
    table({ columns: cols, rows: units, initialSort: 'name', testid: 'units',
      filters: [{ key: 'kind', label: t('field.kind'), options: enumOf('unit', 'kind').map((k) => ({ value: k, label: tv('unitkind', k) })) }] }),
    admin ? panel(t('units.new'), form({ fields: fields(units, null), submitLabel: t('common.create'),
      onSubmit: async (v) => { await post('/units', compact(v)); ctx.refresh(); } })) : null);
}
