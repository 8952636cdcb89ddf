// SPDX-License-Identifier: GPL-3.0-or-later
// Analyses (path 3): the A/B analyses, fairness audits and explanations
// run through the API, with their verdicts, for the roles that may read
// them.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { listAll } from '../lib/api.js';
import { can, rolesFor, getRole } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { shortHash } from '../lib/resources.js';
import { table } from '../components/table.js';
import { loadActors, actorName, actorSpan } from '../lib/align.js';
import { pageHeader, notice, badge } from '../components/ui.js';
import { runPanel } from './analysisrun.js';


// Why this role reads no analyses, and who does (from the route's roles).
export function notAllowed() {
  const roles = rolesFor('GET', '/analyses').filter((r) => r !== 'owner').map((r) => tv('role', r)).join(t('list.sep'));
  return notice(t('analyses.not_allowed', { role: tv('role', getRole()), roles }), 'info');
}

export async function render() {
  const head = pageHeader(t('page.analyses'), t('analyses.lead'));
  if (!can('GET', '/analyses')) return h('div', { class: 'analyses-page' }, head, notAllowed());
  const owner = getRole() === 'owner';
  const [items, inits, names] = await Promise.all([listAll('/analyses'), listAll('/initiatives'), loadActors()]);
  const titles = new Map(inits.map((i) => [i.id, i.title]));
  return h('div', { class: 'analyses-page' }, head,
    owner ? notice(t('analyses.owner_note'), 'info') : null,
    table({ testid: 'analyses', rows: items, initialSort: '-created_at',
      empty: t(owner ? 'analyses.none_owner' : can('POST', '/analyses/fairness') ? 'analyses.none' : 'analyses.none_read'),
      filters: [
        { key: 'kind', label: t('analyses.kind'), options: ['abtest', 'fairness', 'explain', 'drift'].map((k) => ({ value: k, label: tv('akind', k) })) },
        { key: 'verdict', label: t('analyses.verdict'), options: ['ship', 'do_not_ship', 'keep_running', 'pass', 'fail', 'drift', 'warn', 'ok'].map((k) => ({ value: k, label: tv('verdict', k) })) },
      ],
      columns: [
        { key: 'kind', label: t('analyses.kind'), value: (a) => tv('akind', a.kind) },
        { key: 'title', label: t('field.title'), wide: true, value: (a) => a.title || t('analyses.untitled', { id: a.id }),
          render: (a) => h('a', { href: link('/risk/analyses/' + a.id) }, a.title || t('analyses.untitled', { id: a.id })) },
        { key: 'initiative', label: t('analyses.initiative'), value: (a) => (a.initiative_id ? titles.get(a.initiative_id) || '#' + a.initiative_id : ''),
          render: (a) => (a.initiative_id ? h('a', { href: link('/alignment/initiatives/' + a.initiative_id) }, titles.get(a.initiative_id) || '#' + a.initiative_id) : '–') },
        { key: 'verdict', label: t('analyses.verdict'), value: (a) => tv('verdict', a.verdict), render: (a) => (a.verdict ? badge('verdict', a.verdict) : h('span', { class: 'muted' }, t('analyses.no_verdict'))) },
        { key: 'created_by', label: t('analyses.who'), value: (a) => actorName(names, a.created_by), render: (a) => actorSpan(names, a.created_by) },
        { key: 'created_at', label: t('analyses.when'), render: (a) => fmtDate(a.created_at, true) },
        { key: 'input_hash', label: t('analyses.hash'), render: (a) => h('code', { title: a.input_hash }, shortHash(a.input_hash)) },
      ] }),
    runPanel(inits));
}
