// SPDX-License-Identifier: GPL-3.0-or-later
// Accounts (admins only): who may sign in, with which role, acting as
// which person of the register; create, change role, link a person,
// disable (accounts are never deleted: the audit log keeps its actors).
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { post, patch, listAll } from '../lib/api.js';
import { enumOf } from '../lib/perm.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, errorBox } from '../components/ui.js';

function roleOptions() { return enumOf('account', 'role').map((r) => ({ value: r, label: tv('role', r) })); }

export async function render(ctx) {
  const [accounts, people] = await Promise.all([listAll('/accounts?sort=email'), listAll('/people?sort=name')]);
  const personName = new Map(people.map((p) => [p.id, p.name]));
  const personOptions = people.map((p) => ({ value: p.id, label: p.name }));
  const editHolder = h('div');
  const edit = (a) => {
    editHolder.replaceChildren(form({
      title: t('accounts.edit', { email: a.email }),
      fields: [
        { name: 'name', label: t('field.name'), required: true, maxlength: 200, value: a.name },
        { name: 'role', type: 'select', label: t('field.role'), required: true, value: a.role, options: roleOptions() },
        { name: 'person_id', type: 'select', numeric: true, label: t('field.person_id'), value: a.person_id, options: personOptions },
        { name: 'password', type: 'password', label: t('accounts.new_password'), minlength: 10, autocomplete: 'new-password', help: t('accounts.password_help') },
        { name: 'disabled', type: 'checkbox', label: t('field.disabled'), value: a.disabled },
      ],
      onCancel: () => editHolder.replaceChildren(),
      onSubmit: async (v) => {
        if (v.password === null) delete v.password;
        await patch(`/accounts/${a.id}`, v);
        ctx.refresh();
      },
    }));
    editHolder.scrollIntoView({ block: 'nearest' });
  };
  const toggle = async (a) => {
    try { await patch(`/accounts/${a.id}`, { disabled: !a.disabled }); ctx.refresh(); } catch (err) { editHolder.replaceChildren(errorBox(err)); }
  };
  const cols = [
    { key: 'email', label: t('field.email') },
    { key: 'name', label: t('field.name') },
    { key: 'role', label: t('field.role'), value: (a) => tv('role', a.role), render: (a) => badge('role', a.role) },
    { key: 'person', label: t('field.person_id'), value: (a) => personName.get(a.person_id) || '' },
    { key: 'disabled', label: t('field.status'), value: (a) => (a.disabled ? t('accounts.disabled') : t('accounts.active')),
      render: (a) => h('span', { class: ['pill', a.disabled ? 'pill-off' : 'pill-on'] }, a.disabled ? t('accounts.disabled') : t('accounts.active')) },
    { key: 'created_at', label: t('field.created_at'), value: (a) => a.created_at, render: (a) => fmtDate(a.created_at) },
    { key: 'actions', label: t('common.actions'), sort: false, value: () => '', render: (a) => h('span', { class: 'row-actions' },
      h('button', { type: 'button', onclick: () => edit(a) }, t('common.edit')),
      h('button', { type: 'button', onclick: () => toggle(a) }, a.disabled ? t('accounts.enable') : t('accounts.disable'))) },
  ];
  return h('div', {},
    pageHeader(t('page.accounts'), t('accounts.lead')),
    editHolder,
    table({ columns: cols, rows: accounts, initialSort: 'email', testid: 'accounts',
      filters: [{ key: 'role', label: t('field.role'), options: roleOptions() }] }),
    panel(t('accounts.new'), form({
      fields: [
        { name: 'email', type: 'email', label: t('field.email'), required: true },
        { name: 'name', label: t('field.name'), required: true, maxlength: 200 },
        { name: 'role', type: 'select', label: t('field.role'), required: true, options: roleOptions() },
        { name: 'password', type: 'password', label: t('field.password'), required: true, minlength: 10, autocomplete: 'new-password', help: t('accounts.password_help') },
        { name: 'person_id', type: 'select', numeric: true, label: t('field.person_id'), options: personOptions },
      ],
      submitLabel: t('common.create'),
      onSubmit: async (v) => { await post('/accounts', compact(v)); ctx.refresh(); },
    })));
}
