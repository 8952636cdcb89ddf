// SPDX-License-Identifier: GPL-3.0-or-later
// The decision log (path 4): every decision of the committee — voted or
// taken directly by one person — with its count and whether the rules let
// it be carried out; readable by every role.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { listAll } from '../lib/api.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { pageHeader, badge } from '../components/ui.js';
import { countText } from './committee.js';

export async function render() {
  const [items, inits] = await Promise.all([listAll('/decisions?sort=-id'), listAll('/initiatives')]);
  const title = new Map(inits.map((i) => [i.id, i.title]));
  return h('div', { class: 'decisions-page' },
    pageHeader(t('page.decisions'), t('com.decisions_lead')),
    table({ testid: 'decisions', rows: items, initialSort: '-id', empty: t('com.no_decisions'),
      filters: [{ key: 'outcome', label: t('com.outcome'), options: ['passed', 'rejected', 'no_quorum', 'direct'].map((s) => ({ value: s, label: tv('outcome', s) })) }],
      columns: [
        { key: 'id', label: '#', value: (d) => d.id, render: (d) => (d.proposal_id ? h('a', { href: link('/organisation/proposals/' + d.proposal_id) }, t('com.open_proposal', { id: d.proposal_id })) : String(d.id)) },
        { key: 'created_at', label: t('com.when'), render: (d) => fmtDate(d.created_at, true) },
        { key: 'action_type', label: t('com.action'), value: (d) => tv('action', d.action_type), render: (d) => [tv('action', d.action_type), d.action && d.action.to ? [' → ', tv('stage', d.action.to)] : null] },
        { key: 'initiative_id', label: t('com.initiative'), value: (d) => title.get(d.initiative_id) || '', render: (d) => (d.initiative_id ? h('a', { href: link('/alignment/initiatives/' + d.initiative_id) }, title.get(d.initiative_id) || '#' + d.initiative_id) : '–') },
        { key: 'outcome', label: t('com.outcome'), value: (d) => tv('outcome', d.outcome), render: (d) => badge('outcome', d.outcome) },
        { key: 'count', label: t('com.count'), value: (d) => (d.kind === 'vote' ? countText(d.tally) : '') , render: (d) => (d.kind === 'vote' ? countText(d.tally) : '–') },
        { key: 'execution', label: t('com.execution'), value: (d) => tv('execution', d.execution), render: (d) => [badge('execution', d.execution), d.execution_code ? [' ', h('span', { class: 'muted' }, t('error.' + d.execution_code) !== 'error.' + d.execution_code ? t('error.' + d.execution_code) : d.execution_message)] : null] },
        { key: 'actor', label: t('com.by') },
      ] }));
}
