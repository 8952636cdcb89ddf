// SPDX-License-Identifier: GPL-3.0-or-later
// Actions (path 5): owner, due date, status and what raised them; overdue
// ones marked; a retraining action's chain from the finding to the new
// version in production; raising an action; starting and closing one (a
// note always, and the evidence the action asks for).
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtPercent } from '../lib/i18n.js';
import { get, post, patch, listAll } from '../lib/api.js';
import { session } from '../lib/session.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge, errorBox } from '../components/ui.js';

function step(done, label, detail) {
  return h('li', { class: done ? 'step-done' : 'step-open', dataset: { done: done ? '1' : '0' } },
    h('span', { class: 'step-mark', 'aria-hidden': 'true' }, done ? '✓' : '○'), ' ', h('strong', {}, label), detail ? [' — ', detail] : null);
}

function chainView(a) {
  const c = a.chain;
  const ab = c.abtest;
  return h('div', { class: 'chain', 'data-testid': 'chain-' + a.id },
    h('h3', {}, a.title, ' ', badge('actstatus', a.status)),
    h('ol', { class: 'plain-list steps' },
      step(true, t('act.chain.finding'), h('code', {}, c.finding.key)),
      step(!!(c.data && c.data.readiness_score !== null), t('act.chain.data'), c.data ? `${c.data.name} (${t('act.readiness')} ${c.data.readiness_score ?? '–'})` : null),
      step(!!c.version, t('act.chain.version'), c.version ? [c.version.version, ' ', badge('sstage', c.version.stage)] : null),
      step(!!ab, t('act.chain.abtest'), ab ? h('span', { 'data-testid': 'improvement' }, badge('verdict', ab.verdict), ' ',
        t('act.improvement', { from: fmtPercent(ab.control_rate), to: fmtPercent(ab.treatment_rate) })) : null),
      step(c.in_production, t('act.chain.production'))));
}

// May the signed-in person change action a? Its owner, the committee and
// admins (the server checks again).
function mayChange(a) {
  const w = session.who || {};
  if (!can('PATCH', '/actions/{id}') || !['open', 'in_progress'].includes(a.status)) return false;
  return w.role === 'admin' || w.role === 'committee' || (!!w.person_id && w.person_id === a.owner_id);
}

// The close dialog of action a: done or cancelled, a note, and for an
// action that asks for it the analysis that shows it is done (and for a
// retraining action the retrained version).
async function closeForm(ctx, a, holder) {
  const evidence = a.evidence_required || a.kind === 'retraining';
  const analyses = evidence && can('GET', '/analyses')
    ? await listAll('/analyses' + (a.initiative_id ? '?initiative_id=' + a.initiative_id : '')) : null;
  const versions = a.kind === 'retraining' && a.system_name
    ? ((await get('/systems/' + encodeURIComponent(a.system_name))).versions || []) : [];
  const fields = [
    { name: 'status', label: t('act.outcome'), type: 'select', required: true, value: 'done',
      options: ['done', 'cancelled'].map((x) => ({ value: x, label: tv('actstatus', x) })) },
    { name: 'close_note', label: t('act.close_note'), type: 'textarea', required: true, maxlength: 4000, wide: true,
      help: t('act.close_note_help') },
  ];
  if (evidence) {
    fields.push(analyses
      ? { name: 'evidence_analysis_id', label: t('act.evidence'), type: 'select', numeric: true, help: t('act.evidence_help'),
        options: analyses.map((x) => ({ value: x.id, label: `${x.id} · ${x.title} (${tv('akind', x.kind)})` })) }
      : { name: 'evidence_analysis_id', label: t('act.evidence'), type: 'number', min: 1, step: 1, help: t('act.evidence_help') });
  }
  if (versions.length) {
    fields.push({ name: 'version_id', label: t('act.chain.version'), type: 'select', numeric: true,
      options: versions.map((v) => ({ value: v.id, label: `${v.version} (${tv('sstage', v.stage)})` })) });
  }
  holder.replaceChildren(form({
    title: t('act.close_title', { id: a.id, title: a.title }), submitLabel: t('act.close'), class: 'close-action',
    fields, onCancel: () => holder.replaceChildren(),
    onSubmit: async (v) => {
      const body = compact(v);
      if (body.status === 'cancelled') { delete body.evidence_analysis_id; delete body.version_id; }
      await patch('/actions/' + a.id, body);
      ctx.refresh();
    },
  }));
  holder.scrollIntoView({ block: 'nearest' });
}

export async function render(ctx) {
  const overdue = ctx.query.get('overdue') === '1';
  const res = await get('/actions' + (overdue ? '?overdue=1' : ''));
  const retrain = res.items.filter((a) => a.kind === 'retraining');
  const chains = await Promise.all(retrain.map((a) => get('/actions/' + a.id)));
  const mayAdd = can('POST', '/actions');
  const people = mayAdd ? await listAll('/people') : [];
  const add = mayAdd ? form({
    title: t('act.new'), submitLabel: t('form.save'),
    fields: [
      { name: 'title', label: t('field.title'), required: true, maxlength: 300, wide: true },
      { name: 'owner_id', label: t('act.owner'), type: 'select', numeric: true, required: true, options: people.map((p) => ({ value: p.id, label: p.name })) },
      { name: 'due_date', label: t('act.due'), type: 'date', required: true },
      { name: 'description', label: t('field.description'), type: 'textarea', wide: true },
    ],
    onSubmit: async (v) => { await post('/actions', compact(v)); ctx.refresh(); },
  }) : null;
  const closeHolder = h('div', { 'data-testid': 'close-holder' });
  const start = async (a) => {
    try { await patch('/actions/' + a.id, { status: 'in_progress' }); ctx.refresh(); } catch (err) { closeHolder.replaceChildren(errorBox(err)); }
  };
  const anyChange = res.items.some(mayChange);
  return h('div', { class: 'actions-page' },
    pageHeader(t('page.actions'), t('act.lead')),
    h('p', {}, h('a', { href: link(overdue ? '/iteration/actions' : '/iteration/actions?overdue=1') }, overdue ? t('act.show_all') : t('act.show_overdue'))),
    res.findings.length ? panel(t('act.findings'), h('ul', { class: 'plain-list findings', 'data-testid': 'action-findings' }, res.findings.map((f) => h('li', {},
      badge('severity', f.severity), ' ', t('act.overdue_finding', { id: f.action_id, due: fmtDate(f.due_date) }))))) : null,
    table({ testid: 'actions', rows: res.items, initialSort: 'due_date', empty: t('act.none'),
      columns: [
        { key: 'title', label: t('field.title'), wide: true, render: (x) => [x.title, x.close_note ? h('div', { class: 'muted', 'data-testid': 'close-note-' + x.id }, t('act.closed_with', { note: x.close_note })) : null] },
        { key: 'owner_name', label: t('act.owner') },
        { key: 'due_date', label: t('act.due'), render: (x) => h('span', { class: x.overdue ? 'overdue' : '' }, fmtDate(x.due_date), x.overdue ? [' ', badge('severity', 'warning')] : null) },
        { key: 'status', label: t('act.status'), value: (x) => tv('actstatus', x.status), render: (x) => badge('actstatus', x.status) },
        { key: 'source', label: t('act.source'), value: (x) => tv('actsource', x.source), render: (x) => [tv('actsource', x.source), x.review_period ? ' ' + x.review_period : ''] },
        { key: 'initiative_title', label: t('page.initiative'), render: (x) => (x.initiative_id ? h('a', { href: link('/alignment/initiatives/' + x.initiative_id) }, x.initiative_title) : '–') },
        ...(anyChange ? [{ key: 'change', label: t('common.actions'), sort: false, value: () => '', render: (x) => (mayChange(x) ? h('span', { class: 'row-actions' },
          x.status === 'open' ? h('button', { type: 'button', 'data-testid': 'start-' + x.id, onclick: () => start(x) }, t('act.start')) : null,
          h('button', { type: 'button', 'data-testid': 'close-' + x.id, onclick: () => closeForm(ctx, x, closeHolder).catch((err) => closeHolder.replaceChildren(errorBox(err))) }, t('act.close'))) : '') }] : []),
      ] }),
    closeHolder,
    chains.length ? panel(t('act.retraining'), chains.map(chainView)) : null,
    add);
}
