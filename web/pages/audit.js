// SPDX-License-Identifier: GPL-3.0-or-later
// The audit log (admins and the committee): who changed what and when,
// newest first; the hash chain can be checked from here.
import { h } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { table } from '../components/table.js';
import { pageHeader, notice, errorBox } from '../components/ui.js';

export async function render() {
  const page = await get('/audit?limit=200');
  const result = h('div');
  const verify = async () => {
    try {
      const r = await get('/audit/verify');
      result.replaceChildren(notice(r.ok === false ? t('audit.broken') : t('audit.ok', { n: r.entries ?? r.count ?? '' }), r.ok === false ? 'error' : 'good'));
    } catch (err) { result.replaceChildren(errorBox(err)); }
  };
  return h('div', {},
    pageHeader(t('page.audit'), t('audit.lead'), h('button', { type: 'button', onclick: verify }, t('audit.verify'))),
    result,
    table({ testid: 'audit', rows: page.items || [], initialSort: '-at', columns: [
      { key: 'at', label: t('audit.at'), render: (e) => fmtDate(e.at, true) },
      { key: 'actor', label: t('audit.actor') },
      { key: 'action', label: t('audit.action') },
      { key: 'entity', label: t('audit.entity'), value: (e) => `${e.entity} ${e.entity_id ?? ''}` },
    ] }),
    h('p', { class: 'muted' }, t('audit.showing', { n: (page.items || []).length, total: page.total })));
}
