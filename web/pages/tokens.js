// SPDX-License-Identifier: GPL-3.0-or-later
// API tokens for scripts: everyone sees and makes their own (admins see
// all); a new token is shown once, to be copied; revoking is immediate.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { post, del, listAll } from '../lib/api.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, errorBox, notice, confirmAction } from '../components/ui.js';

export async function render(ctx) {
  const tokens = await listAll('/tokens');
  const out = h('div');
  const revoke = async (k) => {
    if (!confirmAction(t('tokens.confirm_revoke', { name: k.name }))) return;
    try { await del(`/tokens/${k.id}`); ctx.refresh(); } catch (err) { out.replaceChildren(errorBox(err)); }
  };
  const state = (k) => (k.revoked_at ? 'revoked' : k.expires_at && new Date(k.expires_at) < new Date() ? 'expired' : 'active');
  const cols = [
    { key: 'name', label: t('field.name') },
    { key: 'scope', label: t('tokens.scope'), value: (k) => tv('scope', k.scope) },
    { key: 'account_id', label: t('tokens.owner'), numeric: true },
    { key: 'created_at', label: t('field.created_at'), render: (k) => fmtDate(k.created_at, true) },
    { key: 'expires_at', label: t('field.expires_at'), render: (k) => (k.expires_at ? fmtDate(k.expires_at) : t('tokens.never')) },
    { key: 'last_used_at', label: t('tokens.last_used'), render: (k) => (k.last_used_at ? fmtDate(k.last_used_at, true) : '–') },
    { key: 'state', label: t('field.status'), value: (k) => tv('tokenstate', state(k)),
      render: (k) => h('span', { class: ['pill', state(k) === 'active' ? 'pill-on' : 'pill-off'] }, tv('tokenstate', state(k))) },
    { key: 'actions', label: t('common.actions'), sort: false, value: () => '',
      render: (k) => (k.revoked_at ? '' : h('button', { type: 'button', class: 'danger', onclick: () => revoke(k) }, t('tokens.revoke'))) },
  ];
  return h('div', {},
    pageHeader(t('page.tokens'), t('tokens.lead')),
    out,
    table({ columns: cols, rows: tokens, initialSort: '-created_at', testid: 'tokens' }),
    panel(t('tokens.new'), form({
      fields: [
        { name: 'name', label: t('field.name'), required: true, maxlength: 100 },
        { name: 'scope', type: 'select', label: t('tokens.scope'), required: true, value: ctx.query.get('scope') === 'calendar:read' ? 'calendar:read' : 'read',
          options: ['read', 'write', 'calendar:read'].map((s) => ({ value: s, label: tv('scope', s) })) },
        { name: 'expires_at', type: 'date', label: t('field.expires_at') },
      ],
      submitLabel: t('common.create'),
      onSubmit: async (v) => {
        const r = await post('/tokens', compact(v));
        out.replaceChildren(notice(t('tokens.shown_once'), 'warn'),
          h('div', { class: 'secret' }, h('code', { id: 'new-token' }, r.token),
            h('button', { type: 'button', onclick: () => navigator.clipboard && navigator.clipboard.writeText(r.token) }, t('tokens.copy'))),
          // a calendar token's use: the feed's address, with this (new, own) token
          r.scope === 'calendar:read' ? h('p', {}, t('tokens.feed'), ' ', h('code', { id: 'feed-url' }, location.origin + '/api/v1/calendar.ics?token=' + r.token)) : null);
        const rows = await listAll('/tokens');
        tokens.splice(0, tokens.length, ...rows);
        return t('tokens.created');
      },
    })));
}
