// SPDX-License-Identifier: GPL-3.0-or-later
// Teams (path 2): live initiatives lacking a business expert, an ML
// engineer or a product manager, and people committed beyond their
// capacity, in words; then every initiative's team.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { pageHeader, panel, badge } from '../components/ui.js';

const roles = (xs) => xs.map((s) => tv('skill', s)).join(t('list.sep'));

export async function render() {
  const r = await get('/teams');
  const items = r.initiatives || [];
  const incomplete = items.filter((i) => i.needs_complete_team && !i.complete);
  const over = r.overcommitted || [];
  const findings = [
    ...incomplete.map((i) => h('li', { class: 'finding warn', dataset: { kind: 'team_incomplete', id: i.id } },
      h('span', { class: 'badge badge-sev-warning' }, tv('severity', 'warning')), ' ',
      h('a', { href: link('/alignment/initiatives/' + i.id) }, i.title), ' ',
      t('teams.incomplete', { stage: tv('stage', i.stage), missing: roles(i.missing || []) }))),
    ...over.map((p) => h('li', { class: 'finding warn', dataset: { kind: 'person_overcommitted', id: p.id } },
      h('span', { class: 'badge badge-sev-warning' }, tv('severity', 'warning')), ' ',
      t('teams.overcommitted', { name: p.name, committed: fmtNumber(p.committed_fte), n: p.initiatives, capacity: fmtNumber(p.capacity_fte) }))),
  ];
  return h('div', { class: 'teams-page' },
    pageHeader(t('page.teams'), t('teams.lead')),
    h('p', { class: 'muted small' }, t('teams.edit_hint')),
    panel(t('teams.attention'), findings.length ? h('ul', { class: 'findings', 'data-testid': 'team-findings' }, findings)
      : h('p', { class: 'muted', 'data-testid': 'team-findings' }, t('teams.all_clear'))),
    panel(t('teams.all'), table({ testid: 'teams', rows: items, columns: [
      { key: 'title', label: t('field.title'), wide: true, render: (i) => h('a', { href: link('/alignment/initiatives/' + i.id) }, i.title) },
      { key: 'stage', label: t('field.stage'), value: (i) => tv('stage', i.stage), render: (i) => badge('stage', i.stage) },
      { key: 'members', label: t('teams.members'), sort: false, value: (i) => (i.members || []).map((m) => m.person).join(t('list.sep')),
        render: (i) => ((i.members || []).length ? h('ul', { class: 'plain-list compact' }, i.members.map((m) =>
          h('li', {}, m.person, h('span', { class: 'muted' }, ` — ${tv('skill', m.skill)}, ${t('unit.fte', { n: fmtNumber(m.fte) })}`)))) : t('common.none')) },
      { key: 'missing', label: t('teams.missing'), value: (i) => roles(i.missing || []),
        render: (i) => (!i.needs_complete_team ? h('span', { class: 'muted' }, t('teams.not_needed'))
          : i.complete ? h('span', { class: 'pill pill-on' }, t('teams.complete')) : h('span', { class: 'text-bad' }, roles(i.missing || []))) },
    ] })));
}
