// SPDX-License-Identifier: GPL-3.0-or-later
// The inbox: what needs the signed-in person now (a signature, an overdue
// ethics review or risk, a suspended system, and more as keel's paths add
// kinds). Items come and go with the data: a resolved item disappears on
// its own. Opening an item marks it read; e-mail follows the person's
// preferences (the link at the top).
import { h } from '../lib/dom.js';
import { t, tv, getLocale, fmtDate } from '../lib/i18n.js';
import { get, post } from '../lib/api.js';
import { link } from '../lib/router.js';
import { pageHeader, panel, notice } from '../components/ui.js';
import { refreshInboxCount } from '../components/layout.js';

const words = (o) => (o && (o[getLocale()] || o.en)) || '';

export async function render(ctx) {
  const box = await get('/inbox');
  const open = async (it, ev) => {
    ev.preventDefault();
    if (!it.read) {
      try { await post('/inbox/read', { kind: it.kind, key: it.key }); } catch { /* opening matters more */ }
      refreshInboxCount();
    }
    window.location.hash = it.link.replace(/^#/, '');
  };
  const markAll = async () => {
    await post('/inbox/read', { all: true });
    refreshInboxCount();
    ctx.refresh();
  };
  const list = box.items.length
    ? h('ul', { class: 'inbox-list', dataset: { testid: 'inbox' } }, box.items.map((it) => h('li', {
      class: ['inbox-item', it.read ? 'read' : 'unread'], dataset: { kind: it.kind, key: it.key },
    },
    h('a', { href: it.link, onclick: (ev) => open(it, ev) },
      h('span', { class: 'inbox-dot', 'aria-label': it.read ? null : t('inbox.unread') }),
      h('span', { class: 'inbox-body' },
        h('span', { class: 'inbox-title' }, words(it.title)),
        h('span', { class: 'inbox-detail' }, words(it.detail)),
        h('span', { class: 'inbox-meta' }, tv('notif.kind', it.kind),
          it.since ? ' · ' + t('inbox.since', { date: fmtDate(it.since) }) : '',
          it.must_reach ? h('span', { class: 'badge badge-must' }, t('inbox.must_reach')) : null))))))
    : notice(t('inbox.empty'));
  return h('div', {},
    pageHeader(t('page.inbox'), t('inbox.lead'),
      h('a', { class: 'button', href: link('/me') }, t('page.preferences')),
      box.unread ? h('button', { type: 'button', onclick: markAll, dataset: { testid: 'mark-all' } }, t('inbox.mark_all')) : null),
    panel(null, h('p', { class: 'sub', dataset: { testid: 'inbox-count' } }, t('inbox.count', { unread: box.unread, total: box.total })), list));
}
