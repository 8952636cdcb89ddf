// SPDX-License-Identifier: GPL-3.0-or-later
// One initiative: stage and the moves its stage allows (the server's
// refusal shown in words when a rule blocks one, e.g. approving an
// initiative that moves no KPI), its links to KPIs, the charter's three
// sign-offs (the named person may sign), the team (members added and
// removed here), scores by criterion, the stage history, and the charter
// form.
import { h } from '../lib/dom.js';
import { t, tv, fmtMoney, fmtNumber, fmtDate, fmtPeriod, errorText } from '../lib/i18n.js';
import { get, post, put, patch, del, listAll, ApiError } from '../lib/api.js';
import { can, getRole } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { session } from '../lib/session.js';
import { loadNames, criterionName, actorSpan } from '../lib/align.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, facts, errorBox, notice, confirmAction } from '../components/ui.js';
import { initiativeFields } from './initiatives.js';
import { systemsPanel } from '../lib/risk.js';
import { pilotPanel } from '../lib/pilot.js';
import { localised } from './catalogue.js';
import { schedulePanel } from '../lib/slips.js';
import { definitionsBlock } from '../components/defpicker.js';

// the risk officer signs too where one of the initiative's systems is of
// the high tier (the server says so: signoffs.risk_officer.required)
const SIGNATORIES = [['sponsor', 'sponsor_id'], ['owner', 'owner_id'], ['ai_lead', 'ai_lead_id'], ['risk_officer', 'risk_officer_id']];

function stagePanel(ctx, it) {
  const out = h('div', { class: 'transition-result', 'aria-live': 'polite' });
  const reason = h('input', { type: 'text', id: 'transition-reason', maxlength: 1000, placeholder: t('initiative.reason_ph'), 'aria-label': t('field.reason') });
  // the server says which moves this caller may make (it.you); the rules
  // that depend on the data (alignment, sign-offs) are still shown as refusals
  const mayMove = can('POST', '/initiatives/{id}/transition');
  const moves = it.you ? it.you.transitions : (it.transitions || []);
  // a move a data rule refuses now (unaligned, sign-offs missing, a gate)
  // is shown disabled, with the refusal it would get as its reason
  const blocked = (it.you && it.you.blocked) || {};
  const why = (to) => (blocked[to] ? errorText(blocked[to]).text : '');
  const buttons = mayMove ? moves.map((to) => h('button', {
    type: 'button', class: to === 'approved' ? 'good' : to === 'rejected' ? 'danger' : null, dataset: { to },
    disabled: !!blocked[to], 'aria-describedby': blocked[to] ? 'blocked-' + to : null, title: why(to) || null,
    onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        const r = await post(`/initiatives/${it.id}/transition`, { to, reason: reason.value.trim() || t('initiative.no_reason') });
        if (r && r.warning) sessionStorage.setItem('keel.move_warning.' + it.id, JSON.stringify(r.warning));
        ctx.refresh();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        out.replaceChildren(errorBox(err));
        ev.target.disabled = false;
      }
    },
  }, t('initiative.move_to', { stage: tv('stage', to) }))) : [];
  return panel(t('initiative.stage'),
    h('div', { class: 'stage-actions' }, h('span', {}, t('initiative.now')), badge('stage', it.stage)),
    buttons.length ? h('div', { class: 'stage-actions' }, h('label', { for: 'transition-reason' }, t('field.reason')), reason, buttons) : null,
    Object.keys(blocked).length ? h('ul', { class: 'blocked-moves', 'data-testid': 'blocked-moves' }, moves.filter((to) => blocked[to]).map((to) =>
      h('li', { id: 'blocked-' + to, dataset: { to } }, h('strong', {}, t('initiative.blocked', { stage: tv('stage', to) })), ' ', why(to)))) : null,
    !it.aligned ? notice(t('initiative.unaligned_note'), 'error') : null,
    moveWarning(it),
    out);
}

// The warning the last move's answer carried: the work that must run no
// longer fits a pool (shown once, after the page reloads).
function moveWarning(it) {
  const key = 'keel.move_warning.' + it.id;
  const raw = sessionStorage.getItem(key);
  if (!raw) return null;
  sessionStorage.removeItem(key);
  const w = JSON.parse(raw);
  const c = (w.conflicts || [])[0] || {};
  return h('div', { class: 'notice notice-warn', role: 'alert', 'data-testid': 'move-warning' },
    t('initiative.move_warning', { pool: c.name || c.pool, period: fmtPeriod(c.period), short: fmtNumber(c.short, { maximumFractionDigits: 1 }),
      capacity: fmtNumber(c.capacity, { maximumFractionDigits: 1 }) }), ' ',
    h('a', { href: link('/resources/plan') }, t('initiative.move_warning_plan')));
}

function linksPanel(ctx, it, kpis) {
  const mayLink = can('POST', '/initiatives/{id}/links') && (!it.you || it.you.may_edit);
  const out = h('div');
  const rows = (it.links || []).map((l) => ({ ...l }));
  const cols = [
    { key: 'objective_title', label: t('field.objective_id'), render: (l) => h('a', { href: link('/alignment/objectives/' + l.objective_id) }, l.objective_title) },
    { key: 'kpi_name', label: t('field.kpi_id') },
    { key: 'expected_impact', label: t('field.expected_impact'), numeric: true, render: (l) => `${l.expected_impact > 0 ? '+' : ''}${fmtNumber(l.expected_impact)} ${l.kpi_unit || ''}` },
    { key: 'impact_period', label: t('field.impact_period'), render: (l) => fmtPeriod(l.impact_period) },
    { key: 'rationale', label: t('field.rationale') },
  ];
  if (mayLink) cols.push({ key: 'x', label: t('common.actions'), sort: false, value: () => '', render: (l) => h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!confirmAction(t('initiative.confirm_unlink', { name: l.kpi_name }))) return;
    try { await del(`/initiatives/${it.id}/links/${l.id}`); ctx.refresh(); } catch (err) { out.replaceChildren(errorBox(err)); }
  } }, t('initiative.unlink')) });
  const kpiOptions = kpis.map((k) => ({ value: k.id, label: `${k.objective_title} › ${k.name} (${k.unit})` }));
  return panel(t('initiative.links'),
    h('p', { class: 'muted' }, t('initiative.links_lead')),
    out,
    table({ columns: cols, rows, search: false, testid: 'links', empty: t('initiative.no_links') }),
    mayLink ? h('details', { class: 'add-link', open: !rows.length }, h('summary', {}, t('initiative.add_link')), form({
      fields: [
        { name: 'kpi_id', type: 'select', numeric: true, label: t('field.kpi_id'), required: true, options: kpiOptions, wide: true },
        { name: 'expected_impact', type: 'number', label: t('field.expected_impact'), required: true, step: 'any', help: t('help.impact') },
        { name: 'impact_period', label: t('field.impact_period'), required: true, placeholder: '2027Q2', help: t('help.period') },
        { name: 'rationale', type: 'textarea', label: t('field.rationale'), wide: true },
      ],
      submitLabel: t('initiative.link'),
      onSubmit: async (v) => { await post(`/initiatives/${it.id}/links`, compact(v)); ctx.refresh(); },
    })) : null);
}

function signoffPanel(ctx, it, names) {
  const out = h('div', { 'aria-live': 'polite' });
  const me = session.who && session.who.person_id;
  const items = SIGNATORIES.filter(([role]) => role !== 'risk_officer' || (it.signoffs && it.signoffs.risk_officer && it.signoffs.risk_officer.required)).map(([role, field]) => {
    const s = (it.signoffs && it.signoffs[role]) || {};
    const pid = s.person_id ?? it[field];
    const mine = me && pid === me && !s.signed && can('POST', '/initiatives/{id}/signoffs') &&
      (!it.you || it.you.may_sign.includes(role));
    return h('li', { dataset: { role } },
      h('strong', {}, tv('signatory', role)), ' ',
      h('span', {}, pid ? names.person.get(pid) || '#' + pid : t('initiative.nobody_named')),
      s.signed ? h('span', { class: 'ok' }, '✓ ', t('initiative.signed', { date: fmtDate(s.signed_at, true) })) : h('span', { class: 'missing' }, t('initiative.not_signed')),
      mine ? h('button', { type: 'button', class: 'primary', dataset: { sign: role }, onclick: async () => {
        try { await post(`/initiatives/${it.id}/signoffs`, { role, version: it.charter_version }); ctx.refresh(); } catch (err) { out.replaceChildren(errorBox(err)); }
      } }, t('initiative.sign_as', { role: tv('signatory', role) })) : null);
  });
  return panel(t('initiative.signoffs'),
    h('p', { class: 'muted' }, t(it.signoffs_required === 4 ? 'initiative.signoffs_lead4' : 'initiative.signoffs_lead', { version: it.charter_version })),
    h('ul', { class: 'signoffs' }, items), out);
}

async function scoresPanel(ctx, it) {
  const [scores, criteria] = await Promise.all([get(`/initiatives/${it.id}/scores`), listAll('/criteria')]);
  const items = scores.items || [];
  const critName = new Map(criteria.map((c) => [c.key, criterionName(c)]));
  const scorers = [...new Set(items.map((s) => s.scorer))];
  // columns headed by the scorer's name (the person, else the account)
  // (keel's own scorer of measured data readiness in the reader's language)
  const scorerName = new Map(items.map((s) => [s.scorer, s.scorer_name === 'keel: measured data readiness' ? t('actor.readiness') : s.scorer_name || s.scorer]));
  const rows = criteria.map((c) => {
    const r = { id: c.key, name: criterionName(c) };
    for (const s of items.filter((x) => x.criterion === c.key)) r[s.scorer] = s.value;
    return r;
  });
  const mine = items.filter((s) => s.account_id === session.who.account_id);
  const myScore = new Map(mine.map((s) => [s.criterion, s.value]));
  return panel(t('initiative.scores'),
    scorers.length ? table({ search: false, testid: 'scores', rows, columns: [
      { key: 'name', label: t('initiative.criterion'), value: (r) => critName.get(r.id) || r.name },
      ...scorers.map((s) => ({ key: s, label: scorerName.get(s), numeric: true })),
    ] }) : h('p', { class: 'muted' }, t('initiative.no_scores')),
    can('PUT', '/initiatives/{id}/scores') ? h('details', {}, h('summary', {}, t('initiative.your_scores')), form({
      fields: criteria.map((c) => ({ name: c.key, type: 'select', numeric: true, label: criterionName(c) + (c.inverse ? ' ' + t('initiative.inverse') : ''),
        value: myScore.get(c.key), options: [1, 2, 3, 4, 5].map((n) => ({ value: n, label: String(n) })) })),
      onSubmit: async (v) => { await put(`/initiatives/${it.id}/scores`, { scores: compact(v) }); ctx.refresh(); },
    })) : null);
}

// The team: who works on it, in which role and for how much of their time;
// the roles a live initiative still lacks. The owner (own), the committee
// and admins add and remove members (the server checks the skill is one of
// the person's).
async function teamPanel(ctx, it) {
  const [team, people] = await Promise.all([get(`/initiatives/${it.id}/team`), listAll('/people')]);
  const members = team.items || [];
  const may = can('POST', '/initiatives/{id}/team') && (!it.you || it.you.may_edit);
  const out = h('div', { 'aria-live': 'polite' });
  const skills = ['business_expert', 'ml_engineer', 'data_engineer', 'product_manager', 'risk_officer'];
  const have = new Set(members.map((m) => m.skill));
  const missing = ['business_expert', 'ml_engineer', 'product_manager'].filter((s) => !have.has(s));
  return h('section', { class: 'panel', id: 'team', 'data-testid': 'team' },
    h('h2', {}, t('initiative.team')),
    members.length ? h('ul', { class: 'plain-list' }, members.map((m) => h('li', { dataset: { member: m.id } },
      m.person, h('span', { class: 'muted' }, ' — ', t('initiative.team_member', { role: tv('skill', m.skill), fte: t('unit.fte', { n: fmtNumber(m.fte) }) })), m.note ? ` (${m.note})` : '', ' ',
      may && can('PATCH', '/initiatives/{id}/team/{id}') ? memberEdit(ctx, it, m) : null, ' ',
      may && can('DELETE', '/initiatives/{id}/team/{id}') ? h('button', { type: 'button', class: 'link danger', onclick: async () => {
        if (!confirmAction(t('initiative.team_remove_confirm', { name: m.person }))) return;
        try { await del(`/initiatives/${it.id}/team/${m.id}`); ctx.refresh(); } catch (err) { if (!(err instanceof ApiError)) throw err; out.replaceChildren(errorBox(err)); }
      } }, t('initiative.team_remove')) : null)))
      : h('p', { class: 'muted' }, t('initiative.team_none')),
    !['idea', 'rejected', 'retired'].includes(it.stage) && missing.length ? notice(t('initiative.team_missing', { roles: missing.map((s) => tv('skill', s)).join(t('list.sep')) }), 'warn') : null,
    out,
    may ? h('details', { 'data-testid': 'team-add' }, h('summary', {}, t('initiative.team_add')), form({
      fields: [
        { name: 'person_id', type: 'select', numeric: true, required: true, label: t('initiative.team_person'), options: people.map((p) => ({ value: p.id, label: p.name })) },
        { name: 'skill', type: 'select', required: true, label: t('initiative.team_skill'), value: missing[0], options: skills.map((s) => ({ value: s, label: tv('skill', s) })) },
        { name: 'fte', type: 'number', required: true, label: t('initiative.team_fte'), min: 0.01, max: 1.5, step: 'any', value: 0.5, help: t('initiative.team_fte_help') },
        { name: 'note', label: t('initiative.team_note'), maxlength: 1000 },
      ],
      submitLabel: t('initiative.team_add_submit'),
      onSubmit: async (v) => { await post(`/initiatives/${it.id}/team`, compact(v)); ctx.refresh(); },
    })) : null);
}

// A member's share of time and note changed in place, under the API's
// rules (0.01 to 1.5 FTE, checked in the browser first; the server's
// refusal shown at the field).
function memberEdit(ctx, it, m) {
  return h('details', { class: 'member-edit', 'data-testid': 'team-edit' }, h('summary', {}, t('initiative.team_change')), form({
    title: t('initiative.team_change_title', { name: m.person, role: tv('skill', m.skill) }),
    fields: [
      { name: 'fte', type: 'number', required: true, label: t('initiative.team_fte'), min: 0.01, max: 1.5, step: 'any', value: m.fte, help: t('initiative.team_fte_help') },
      { name: 'note', label: t('initiative.team_note'), maxlength: 1000, value: m.note || '' },
    ],
    onSubmit: async (v) => { await patch(`/initiatives/${it.id}/team/${m.id}`, v); ctx.refresh(); },
  }));
}

// The analyses kept as evidence for this initiative, as far as the role
// reads them (business owners: of their own initiatives), else why not.
async function analysesPanel(it, names) {
  const title = t('initiative.analyses');
  if (!can('GET', '/analyses')) return panel(title, h('p', { class: 'muted', 'data-testid': 'initiative-analyses' }, t('initiative.analyses_role', { role: tv('role', getRole()) })));
  if (getRole() === 'owner' && !(it.you && it.you.may_edit)) return panel(title, h('p', { class: 'muted', 'data-testid': 'initiative-analyses' }, t('initiative.analyses_not_yours')));
  const list = await listAll('/analyses?initiative_id=' + it.id);
  return panel(title, list.length ? h('ul', { class: 'plain-list', 'data-testid': 'initiative-analyses' }, list.map((a) => h('li', {},
    h('a', { href: link('/risk/analyses/' + a.id) }, a.title || t('analyses.untitled', { id: a.id })), ' · ', tv('akind', a.kind), ' · ',
    a.verdict ? badge('verdict', a.verdict) : h('span', { class: 'muted' }, t('analyses.no_verdict')), ' · ', fmtDate(a.created_at), ' · ', actorSpan(names, a.created_by))))
    : h('p', { class: 'muted', 'data-testid': 'initiative-analyses' }, t('initiative.no_analyses')));
}

// The catalogue entry an initiative was made from, by its title in the
// reader's language, linked to the catalogue (the key when it is gone).
function catalogueEntry(key, items) {
  const entry = items.find((c) => c.key === key);
  if (!entry) return key;
  const c = localised(entry);
  return h('a', { href: link('/alignment/catalogue'), 'data-testid': 'from-catalogue', title: key }, c.title);
}

export async function render(ctx) {
  const id = Number(ctx.params.id);
  const [it, names, kpis, objectives, defs] = await Promise.all([get('/initiatives/' + id), loadNames(), listAll('/kpis'), listAll('/objectives'), get('/definitions')]);
  const catalogue = it.catalogue_key ? (await get('/catalogue')).items || [] : [];
  const objTitle = new Map(objectives.map((o) => [o.id, o.title]));
  const openObjectives = new Set(objectives.filter((o) => o.status !== 'closed').map((o) => o.id));
  const kpiList = kpis.filter((k) => openObjectives.has(k.objective_id)).map((k) => ({ ...k, objective_title: objTitle.get(k.objective_id) || '' }));
  const edit = h('div');
  const mayEdit = can('PATCH', '/initiatives/{id}') && (!it.you || it.you.may_edit);
  const history = (it.history || []).slice().reverse();
  return h('div', { dataset: { initiative: it.id, stage: it.stage } },
    pageHeader(it.title, null, h('a', { href: link('/alignment/initiatives') }, '← ', t('page.initiatives')),
      mayEdit ? h('button', { type: 'button', id: 'edit-charter', onclick: () => edit.replaceChildren(panel(null, form({
        title: t('initiative.edit'), fields: initiativeFields(names, it), onCancel: () => edit.replaceChildren(),
        onSubmit: async (v) => { await patch('/initiatives/' + id, v); ctx.refresh(); },
      }))) }, t('initiative.edit')) : null),
    edit,
    h('div', { class: 'grid2' },
      stagePanel(ctx, it),
      panel(t('initiative.facts'), facts([
        [t('initiatives.aligned'), badge('aligned', it.aligned ? 'yes' : 'no')],
        [t('field.unit_id'), names.unit.get(it.unit_id) || '–'],
        [t('field.purpose'), tv('purpose', it.purpose) || '–'],
        [t('field.expected_value'), fmtMoney(it.expected_value)],
        [t('field.cost_estimate'), fmtMoney(it.cost_estimate)],
        [t('initiative.dates'), it.start_date || it.end_date ? `${fmtDate(it.start_date)} – ${fmtDate(it.end_date)}` : '–'],
        it.catalogue_key ? [t('initiative.from_catalogue'), catalogueEntry(it.catalogue_key, catalogue)] : null,
        [t('initiative.charter_version'), fmtNumber(it.charter_version)],
      ]), definitionsBlock({ defs, entity: 'initiative', id }))),
    linksPanel(ctx, it, kpiList),
    await schedulePanel(ctx, it, mayEdit),
    h('div', { class: 'grid2' },
      signoffPanel(ctx, it, names),
      panel(t('initiative.charter'), facts([
        [t('field.problem'), it.problem || '–'],
        [t('field.scope'), it.scope || '–'],
        [t('field.risks'), it.risks || '–'],
        [t('field.data_needed'), it.data_needed || '–'],
      ]))),
    await systemsPanel(ctx, it, names),
    ['approved', 'pilot', 'scaling', 'operating'].includes(it.stage) ? await pilotPanel(ctx, it, kpis, names) : null,
    await teamPanel(ctx, it),
    await scoresPanel(ctx, it),
    await analysesPanel(it, names),
    panel(t('initiative.history'), history.length ? h('ul', { class: 'history' }, history.map((x) => h('li', {},
      fmtDate(x.created_at, true), ' · ', badge('stage', x.from_stage), ' → ', badge('stage', x.to_stage), ' · ',
      // the person's name; the account's e-mail on hover
      h('span', { class: 'actor', title: x.actor_name && x.actor_name !== x.actor ? x.actor : null },
        x.actor === 'system' && !x.account_id ? t('initiative.by_system') : x.actor_name || x.actor),
      x.reason ? ` — ${x.reason}` : ''))) : h('p', { class: 'muted' }, t('initiative.no_history'))));
}
