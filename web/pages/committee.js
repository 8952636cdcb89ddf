// SPDX-License-Identifier: GPL-3.0-or-later
// The AI committee (path 4): its members and chair, how it decides (the
// quorum rule, the casting vote, whether the committee role may still move
// initiatives directly), its proposals with their counts, and the forms to
// propose (owners for their own initiatives) and, for admins, to manage
// the membership and the rule.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { get, listAll, post, patch, del } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link, navigate } from '../lib/router.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, facts } from '../components/ui.js';
import { words } from '../lib/sentence.js';

const STAGES = ['idea', 'assessed', 'approved', 'pilot', 'scaling', 'operating', 'retired', 'rejected'];
const UI_ACTIONS = ['approve_initiative', 'move_stage', 'change_budget'];

export function countText(x) {
  return x ? `${x.for} · ${x.against} · ${x.abstain}` : '–';
}

function proposalForm(ctx, inits) {
  const mine = ctx.who.role === 'owner' ? inits.filter((i) => i.owner_id === ctx.who.person_id) : inits;
  const due = new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10);
  return form({
    title: t('com.new_proposal'), submitLabel: t('com.propose'), class: 'collapsible',
    fields: [
      { name: 'title', label: t('com.title'), required: true, maxlength: 300, wide: true },
      { name: 'action_type', label: t('com.action'), type: 'select', required: true, options: UI_ACTIONS.map((a) => ({ value: a, label: tv('action', a) })) },
      { name: 'initiative_id', label: t('com.initiative'), type: 'select', numeric: true, required: true, options: mine.map((i) => ({ value: i.id, label: i.title })) },
      { name: 'to', label: t('com.to'), type: 'select', options: STAGES.map((s) => ({ value: s, label: tv('stage', s) })) },
      { name: 'cost_estimate', label: t('com.budget'), type: 'number', min: 0 },
      { name: 'due_date', label: t('com.due'), type: 'date', required: true, value: due },
      { name: 'note', label: t('com.note'), type: 'textarea', wide: true },
    ],
    onSubmit: async (v) => {
      const action = { initiative_id: v.initiative_id };
      if (v.action_type === 'move_stage') action.to = v.to;
      if (v.action_type === 'change_budget') action.cost_estimate = v.cost_estimate;
      const r = await post('/proposals', compact({ title: v.title, action_type: v.action_type, action, due_date: v.due_date, note: v.note }));
      navigate('/organisation/proposals/' + r.id);
    },
  });
}

function adminForms(ctx, com, people) {
  const ids = new Set(com.members.map((m) => m.person_id));
  return [
    form({
      title: t('com.add_member'), submitLabel: t('form.save'), class: 'collapsible',
      fields: [
        { name: 'person_id', label: t('com.person'), type: 'select', numeric: true, required: true, options: people.filter((p) => !ids.has(p.id)).map((p) => ({ value: p.id, label: p.name })) },
        { name: 'chair', label: t('com.chair'), type: 'checkbox' },
      ],
      onSubmit: async (v) => { await post('/committee/members', v); ctx.refresh(); },
    }),
    form({
      title: t('com.rule'), submitLabel: t('com.save_rule'), class: 'collapsible',
      fields: [
        { name: 'quorum', label: t('com.quorum'), type: 'select', required: true, value: com.rule.quorum, options: ['half', 'two_thirds', 'all'].map((q) => ({ value: q, label: tv('quorumrule', q) })) },
        { name: 'chair_in_quorum', label: t('com.chair_in_quorum'), type: 'checkbox', value: com.rule.chair_in_quorum },
        { name: 'casting_vote', label: t('com.casting_vote'), type: 'checkbox', value: com.rule.casting_vote },
      ],
      onSubmit: async (v) => { await patch('/committee', v); ctx.refresh(); },
    }),
  ];
}

export async function render(ctx) {
  const admin = can('POST', '/committee/members');
  const [com, proposals, inits, people, agenda, meetings] = await Promise.all([get('/committee'), listAll('/proposals'),
    can('POST', '/proposals') ? listAll('/initiatives') : [], admin ? listAll('/people') : [],
    get('/committee/agenda'), listAll('/meetings?sort=-held_on')]);
  const yes = (b) => (b ? t('com.yes') : t('com.no'));
  return h('div', { class: 'committee-page' },
    pageHeader(t('page.committee'), t('com.lead'), h('a', { href: link('/organisation/decisions') }, t('page.decisions'))),
    h('div', { class: 'grid2' },
      panel(t('com.members'), com.members.length ? h('ul', { class: 'plain-list', 'data-testid': 'members' }, com.members.map((m) => h('li', { dataset: { person: m.person_id } },
        m.name, m.unit_name ? h('span', { class: 'muted' }, ' · ', m.unit_name) : null, m.chair ? [' ', h('span', { class: 'badge badge-chair' }, t('com.chair'))] : null,
        admin && !m.chair ? [' ', h('button', { type: 'button', class: 'link', onclick: async () => { await patch('/committee/members/' + m.id, { chair: true }); ctx.refresh(); } }, t('com.make_chair'))] : null,
        admin ? [' ', h('button', { type: 'button', class: 'link', onclick: async () => { await del('/committee/members/' + m.id); ctx.refresh(); } }, t('com.remove'))] : null)))
        : h('p', { class: 'muted' }, t('com.no_members'))),
      panel(t('com.rule'), h('div', { 'data-testid': 'rule' }, facts([
        [t('com.quorum'), tv('quorumrule', com.rule.quorum)],
        [t('com.chair_in_quorum'), yes(com.rule.chair_in_quorum)],
        [t('com.casting_vote'), yes(com.rule.casting_vote)],
        [t('com.direct_moves'), com.direct_moves ? t('com.direct_on') : t('com.direct_off')],
      ])))),
    panel(t('com.proposals'), table({ testid: 'proposals', rows: proposals, initialSort: '-due_date', empty: t('com.no_proposals'),
      filters: [{ key: 'status', label: t('com.status'), options: ['open', 'passed', 'rejected', 'lapsed'].map((s) => ({ value: s, label: tv('pstatus', s) })) }],
      columns: [
        { key: 'title', label: t('com.title'), wide: true, render: (p) => h('a', { href: link('/organisation/proposals/' + p.id) }, p.title) },
        { key: 'action_type', label: t('com.action'), value: (p) => tv('action', p.action_type) },
        { key: 'status', label: t('com.status'), value: (p) => tv('pstatus', p.status), render: (p) => badge('pstatus', p.status) },
        { key: 'due_date', label: t('com.due'), render: (p) => h('span', { class: p.overdue ? 'overdue' : '' }, fmtDate(p.due_date), p.overdue ? [' ', t('com.overdue')] : null) },
        { key: 'count', label: t('com.count'), value: (p) => countText(p.tally) },
      ] })),
    h('div', { class: 'grid2' },
      panel(t('com.agenda'), agenda.items.length ? h('ol', { class: 'plain-list', 'data-testid': 'agenda' }, agenda.items.map((x) => h('li', { dataset: { kind: x.kind } },
        h('strong', {}, tv('agendakind', x.kind)), ': ',
        x.kind === 'proposal' ? h('a', { href: link('/organisation/proposals/' + x.ref) }, x.title)
          : x.initiative_id ? h('a', { href: link('/alignment/initiatives/' + x.initiative_id) }, x.title) : words(x.title, x.title_code, 'risks.say'),
        x.due ? [' · ', h('span', { class: x.overdue ? 'overdue' : '' }, fmtDate(x.due))] : null))) : h('p', { class: 'muted' }, t('com.agenda_empty'))),
      panel(t('com.meetings'), meetings.length ? h('ul', { class: 'plain-list', 'data-testid': 'meetings' }, meetings.map((m) => h('li', {},
        h('strong', {}, m.title), ' · ', fmtDate(m.held_on), ' ', badge('mstatus', m.status), ' · ',
        h('a', { href: '/api/v1/meetings/' + m.id + '/document?lang=en', download: '' }, t('locale.en')), ' · ',
        h('a', { href: '/api/v1/meetings/' + m.id + '/document?lang=zh-CN', download: '' }, t('locale.zh-CN'))))) : h('p', { class: 'muted' }, t('com.no_meetings')))),
    can('POST', '/proposals') ? proposalForm(ctx, inits) : null,
    admin ? adminForms(ctx, com, people) : null);
}
