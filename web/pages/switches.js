// SPDX-License-Identifier: GPL-3.0-or-later
// The production board of the human-override switch (issue 18): every
// system's switch (state, share of traffic, fallback) with its latest flip
// (who, when, why, an ethics review that caused it), a system's history on
// demand, and the flip with its confirmation for the roles that may
// (owners flip their own systems on the system's page).
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { can, getRole } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { pageHeader, panel, stat } from '../components/ui.js';
import { stateBadge, flipControls, historyList } from '../lib/switch.js';
import { loadActors, actorSpan } from '../lib/align.js';
import { flipReason } from '../lib/sentence.js';

export async function render(ctx) {
  const [{ items }, names] = await Promise.all([get('/switch'), loadActors()]);
  const mayFlipAll = can('PUT', '/switch/{system}') && getRole() !== 'owner';
  const detail = h('div', { 'data-testid': 'switch-detail' });
  const open = async (x) => {
    const hist = await get('/switch/' + encodeURIComponent(x.system) + '/history?limit=50');
    replace(detail, panel(t('switch.history_of', { system: x.system }),
      mayFlipAll ? flipControls(x.system, hist.switch, ctx.refresh) : null,
      historyList(hist.items, names)));
    detail.scrollIntoView({ block: 'nearest' });
  };
  const count = (s) => items.filter((x) => x.state === s).length;
  return h('div', { class: 'switches-page' },
    pageHeader(t('page.switches'), t('switch.lead')),
    h('div', { class: 'stats', 'data-testid': 'switch-counts' }, ['on', 'percent', 'shadow', 'off'].map((s) => stat(String(count(s)), tv('swstate', s)))),
    table({ testid: 'switches', rows: items, initialSort: 'system', empty: t('systems.none'),
      filters: [{ key: 'state', label: t('switch.state'), options: ['on', 'off', 'shadow', 'percent'].map((s) => ({ value: s, label: tv('swstate', s) })) }],
      columns: [
        { key: 'system', label: t('systems.name'), render: (x) => h('a', { href: link('/risk/systems/' + x.system) }, h('code', {}, x.system)) },
        { key: 'state', label: t('switch.state'), value: (x) => tv('swstate', x.state), render: stateBadge },
        { key: 'fallback', label: t('switch.fallback'), value: (x) => tv('fallback', x.fallback), render: (x) => tv('fallback', x.fallback) },
        { key: 'changed_at', label: t('switch.changed'), render: (x) => (x.changed_at ? [fmtDate(x.changed_at, true), h('div', { class: 'muted' }, actorSpan(names, x.actor))] : '–') },
        { key: 'reason', label: t('switch.reason'), wide: true, render: (x) => (x.reason ? [flipReason(x), x.cause && x.cause.startsWith('ethics_review:') ? h('div', { class: 'muted' }, t('switch.cause_review')) : null] : h('span', { class: 'muted' }, t('switch.never_flipped'))) },
        { key: 'version', label: t('switch.version'), render: (x) => h('button', { type: 'button', 'data-testid': 'switch-open', dataset: { system: x.system }, onclick: () => open(x) }, mayFlipAll ? t('switch.history_flip', { version: x.version }) : t('switch.history_n', { version: x.version })) },
      ] }),
    detail);
}
