// SPDX-License-Identifier: GPL-3.0-or-later
// Schedule slips (path 4): an initiative's schedule panel — planned
// against actual dates of its stages, its business deadlines, its pilot
// and rollouts, the slips with what blocks the next move — and the form
// that plans it; the programme list of slips uses the same words.
import { h } from './dom.js';
import { t, tv, fmtDate } from './i18n.js';
import { get, put } from './api.js';
import { form } from '../components/form.js';
import { panel, badge } from '../components/ui.js';
import { words } from './sentence.js';

const STAGES = ['assessed', 'approved', 'pilot', 'scaling', 'operating'];

// One slip in words: what is late, by how much, and why.
export function slipText(s) {
  const what = s.kind === 'stage' ? t('slip.stage', { stage: tv('stage', s.what) })
    : s.kind === 'deadline' ? t('slip.deadline', { name: s.what, stage: tv('stage', s.stage_needed) })
      : s.kind === 'pilot' ? t('slip.pilot')
        : t(s.kind === 'rollout_start' ? 'slip.rollout_start' : 'slip.rollout_live', { unit: s.what });
  const when = s.state === 'at_risk' ? t('slip.in_days', { n: s.days, date: fmtDate(s.planned_on) })
    : t('slip.days_late', { n: s.days, date: fmtDate(s.planned_on) });
  return [what, ' — ', when];
}

export function causeList(causes) {
  if (!causes || !causes.length) return h('p', { class: 'muted' }, t('slip.no_cause'));
  return h('ul', { class: 'plain-list causes', 'data-testid': 'causes' }, causes.map((c) => h('li', { dataset: { code: c.code } },
    badge('cause', c.code), ' ', words(c.message, c.message_code, 'cause.say'))));
}

function planForm(ctx, sc) {
  const byStage = new Map((sc.plan || []).map((p) => [p.stage, p.planned_on]));
  const dl = (sc.deadlines || [])[0] || {};
  return form({
    title: t('slip.edit'), submitLabel: t('slip.save'), class: 'collapsible',
    fields: [
      ...STAGES.map((s) => ({ name: 'plan_' + s, label: t('slip.reach_by', { stage: tv('stage', s) }), type: 'date', value: byStage.get(s) || '' })),
      { name: 'dl_name', label: t('slip.deadline_name'), maxlength: 200, value: dl.name || '' },
      { name: 'dl_due', label: t('slip.deadline_due'), type: 'date', value: dl.due_on || '' },
      { name: 'dl_stage', label: t('slip.deadline_stage'), type: 'select', value: dl.stage || 'pilot', options: STAGES.map((s) => ({ value: s, label: tv('stage', s) })) },
    ],
    onSubmit: async (v) => {
      const plan = STAGES.filter((s) => v['plan_' + s]).map((s) => ({ stage: s, planned_on: v['plan_' + s] }));
      const deadlines = v.dl_name && v.dl_due ? [{ name: v.dl_name, due_on: v.dl_due, stage: v.dl_stage }] : [];
      await put(`/initiatives/${sc.initiative_id}/schedule`, { plan, deadlines });
      ctx.refresh();
    },
  });
}

export async function schedulePanel(ctx, it, mayEdit) {
  const sc = await get(`/initiatives/${it.id}/schedule`);
  const rows = [
    ...sc.plan.map((p) => ({ what: t('slip.stage_row', { stage: tv('stage', p.stage) }), planned: p.planned_on, actual: p.reached_on, state: p.state })),
    ...sc.deadlines.map((d) => ({ what: t('slip.deadline', { name: d.name, stage: tv('stage', d.stage) }), planned: d.due_on, actual: d.reached_on, state: d.state })),
    ...(sc.pilot ? [{ what: t('slip.pilot_end'), planned: sc.pilot.ends_on, actual: null, state: sc.pilot.state }] : []),
    ...sc.rollouts.filter((r) => r.planned_start).map((r) => ({ what: t('slip.rollout_start', { unit: r.unit_name }), planned: r.planned_start, actual: r.started_on, state: r.start_state })),
    ...sc.rollouts.filter((r) => r.planned_live).map((r) => ({ what: t('slip.rollout_live', { unit: r.unit_name }), planned: r.planned_live, actual: r.live_on, state: r.live_state })),
  ];
  const table = rows.length ? h('table', { class: 'data', 'data-testid': 'schedule' },
    h('thead', {}, h('tr', {}, [t('slip.what'), t('slip.planned'), t('slip.actual'), t('slip.state')].map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { state: r.state } },
      h('td', {}, r.what), h('td', {}, fmtDate(r.planned)), h('td', {}, r.actual ? fmtDate(r.actual) : '–'), h('td', {}, badge('slipstate', r.state))))))
    : h('p', { class: 'muted' }, t('slip.no_plan'));
  const slips = sc.slips.length ? [
    h('ul', { class: 'findings', 'data-testid': 'slips' }, sc.slips.map((s) => h('li', { class: ['finding', s.state === 'missed' ? 'bad' : 'warn'], dataset: { kind: s.kind, state: s.state } },
      badge('slipstate', s.state), ' ', slipText(s)))),
    h('h4', {}, t('slip.blocked_by', { stage: tv('stage', sc.next_stage) })),
    causeList(sc.causes)] : null;
  return panel(t('slip.title'), slips, table, mayEdit ? planForm(ctx, sc) : null);
}
