// SPDX-License-Identifier: GPL-3.0-or-later
// One proposal to the committee (path 4): its action and evidence, the
// count as it stands (quorum, majority, the chair's casting vote, who is
// conflicted out), every vote with its comment, the caller's own vote or
// conflict, closing the vote, and the decision once taken: carried out, or
// refused by the rules with the reason.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtMoney } from '../lib/i18n.js';
import { get, post, api } from '../lib/api.js';
import { link } from '../lib/router.js';
import { form } from '../components/form.js';
import { loadActors, actorName } from '../lib/align.js';
import { pageHeader, panel, badge, facts, notice, confirmAction } from '../components/ui.js';

function actionText(p, title) {
  const a = p.action || {};
  const parts = [tv('action', p.action_type)];
  if (a.to) parts.push(' → ', tv('stage', a.to));
  if (a.cost_estimate !== undefined) parts.push(': ', fmtMoney(a.cost_estimate));
  if (a.capacity !== undefined) parts.push(': ', String(a.capacity));
  if (a.stage) parts.push(' (', a.stage, a.system ? ', ' + a.system : '', ')');
  if (a.definition_id) parts.push(': ', h('a', { href: link('/organisation/definitions/' + a.definition_id) }, t('def.open', { id: a.definition_id })));
  return [parts, p.initiative_id ? [' · ', h('a', { href: link('/alignment/initiatives/' + p.initiative_id) }, title || '#' + p.initiative_id)] : null];
}

function tallyPanel(x) {
  const lines = [
    t('com.eligible', { n: x.eligible, m: x.members, c: x.conflicted }),
    [t('com.quorum_state', { present: x.present, needed: x.quorum_needed }), ' — ', x.quorum_met ? t('com.quorum_met') : t('com.quorum_not_met'), x.chair_needed ? ['; ', t('com.chair_needed')] : null],
    [tv('vote', 'for'), ' ', String(x.for), ' · ', tv('vote', 'against'), ' ', String(x.against), ' · ', tv('vote', 'abstain'), ' ', String(x.abstain)],
    [t('com.as_it_stands', { outcome: tv('outcome', x.outcome) }), x.tie ? [' (', x.casting_vote ? t('com.tie_casting') : t('com.tie'), ')'] : null],
  ];
  return h('ul', { class: 'plain-list', 'data-testid': 'tally', dataset: { outcome: x.outcome } }, lines.map((l) => h('li', {}, l)));
}

function decisionPanel(d) {
  const msg = d.execution === 'executed' ? t('com.executed_ok') : d.execution === 'recorded' ? t('com.recorded')
    : d.execution === 'refused' ? t('com.refused') : t('com.not_run');
  const why = d.execution_code ? (t('error.' + d.execution_code) !== 'error.' + d.execution_code ? t('error.' + d.execution_code) : d.execution_message) : null;
  return h('div', { 'data-testid': 'decision', dataset: { outcome: d.outcome, execution: d.execution } },
    h('p', {}, badge('outcome', d.outcome), ' ', badge('execution', d.execution), ' ', t('com.decided', { outcome: tv('outcome', d.outcome), when: fmtDate(d.created_at, true) })),
    notice(why ? [msg, ' ', why] : msg, d.execution === 'refused' ? 'error' : 'info'));
}

export async function render(ctx) {
  const [p, names] = await Promise.all([get('/proposals/' + ctx.params.id), loadActors()]);
  let title = null;
  if (p.initiative_id) { try { title = (await get('/initiatives/' + p.initiative_id)).title; } catch { title = null; } }
  const you = p.you || {};
  const ev = p.evidence || {};
  const rules = ev.rules || {};
  const voteForm = you.may_vote ? form({
    title: t('com.your_vote'), submitLabel: t('com.cast'),
    fields: [
      { name: 'vote', label: t('com.vote'), type: 'select', required: true, value: you.vote, options: ['for', 'against', 'abstain'].map((v) => ({ value: v, label: tv('vote', v) })) },
      { name: 'comment', label: t('com.comment'), type: 'textarea', maxlength: 2000, wide: true },
    ],
    onSubmit: async (v) => { await post('/proposals/' + p.id + '/votes', v.comment ? v : { vote: v.vote }); ctx.refresh(); },
  }) : null;
  const conflictForm = p.status === 'open' && you.member && !you.conflicted ? form({
    title: t('com.declare'), submitLabel: t('com.declare'), class: 'collapsible',
    fields: [{ name: 'reason', label: t('com.reason'), required: true, minlength: 5, maxlength: 2000, wide: true }],
    onSubmit: async (v) => { await post('/proposals/' + p.id + '/conflicts', v); ctx.refresh(); },
  }) : null;
  const close = you.may_close ? h('button', { type: 'button', 'data-testid': 'close-vote', onclick: async () => {
    if (!confirmAction(t('com.close_confirm'))) return;
    await api('POST', '/proposals/' + p.id + '/close');
    ctx.refresh();
  } }, t('com.close')) : null;
  return h('div', { class: 'proposal-page', dataset: { status: p.status } },
    pageHeader(p.title, t('com.proposed_by', { who: actorName(names, p.created_by), when: fmtDate(p.created_at) }), badge('pstatus', p.status), close),
    panel(t('com.action'), facts([
      [t('com.action'), h('span', { 'data-testid': 'action' }, actionText(p, title))],
      [t('com.due'), [fmtDate(p.due_date), p.overdue ? [' ', t('com.overdue')] : null]],
      p.note ? [t('com.note'), p.note] : null,
    ])),
    p.decision ? panel(t('com.decision'), decisionPanel(p.decision)) : null,
    h('div', { class: 'grid2' },
      panel(t('com.tally'), tallyPanel(p.tally)),
      panel(t('com.evidence'), facts([
        rules.initiative ? [t('com.aligned'), rules.initiative.aligned ? t('com.yes') : t('com.no')] : null,
        rules.initiative ? [t('com.stage'), tv('stage', rules.initiative.stage)] : null,
        rules.gate ? [t('com.gate'), [badge('gateverdict', rules.gate.verdict), ' ', t('com.open_requirements', { n: rules.gate.open_requirements })]] : null,
        ...(ev.given || []).map((g) => [tv('evkind', g.kind), [g.ref !== undefined ? String(g.ref) + ' ' : '', g.note || '']]),
      ]))),
    panel(t('com.votes'), p.votes.length ? h('ul', { class: 'plain-list', 'data-testid': 'votes' }, p.votes.map((v) => h('li', { dataset: { vote: v.vote } },
      h('strong', {}, v.name), ' ', badge('vote', v.vote), v.comment ? [' — ', v.comment] : null, ' ', h('span', { class: 'muted' }, fmtDate(v.created_at, true)))))
      : h('p', { class: 'muted' }, t('com.no_votes'))),
    p.conflicts.length ? panel(t('com.conflicts'), h('ul', { class: 'plain-list', 'data-testid': 'conflicts' }, p.conflicts.map((c) => h('li', {}, h('strong', {}, c.name), ' — ', c.reason)))) : null,
    you.conflicted ? notice(t('com.you_conflicted'), 'info') : null,
    you.vote && you.may_vote ? notice(t('com.you_voted', { vote: tv('vote', you.vote) }), 'info') : null,
    p.status === 'open' && !you.member ? notice(t('com.not_member'), 'info') : null,
    voteForm, conflictForm);
}
