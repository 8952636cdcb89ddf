// SPDX-License-Identifier: GPL-3.0-or-later
// Actions (path 5): owner, due date, status and what raised them; overdue
// ones marked; a retraining action's chain from the finding to the new
// version in production; raising an action.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtPercent } from '../lib/i18n.js';
import { get, post, listAll } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, badge } from '../components/ui.js';

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
  return h('div', { class: 'actions-page' },
    pageHeader(t('page.actions'), t('act.lead')),
    h('p', {}, h('a', { href: link(overdue ? '/iteration/actions' : '/iteration/actions?overdue=1') }, overdue ? t('act.show_all') : t('act.show_overdue'))),
    res.findings.length ? panel(t('act.findings'), h('ul', { class: 'plain-list findings', 'data-testid': 'action-findings' }, res.findings.map((f) => h('li', {},
      badge('severity', f.severity), ' ', t('act.overdue_finding', { id: f.action_id, due: fmtDate(f.due_date) }))))) : null,
    table({ testid: 'actions', rows: res.items, initialSort: 'due_date', empty: t('act.none'),
      columns: [
        { key: 'title', label: t('field.title'), wide: true },
        { key: 'owner_name', label: t('act.owner') },
        { key: 'due_date', label: t('act.due'), render: (x) => h('span', { class: x.overdue ? 'overdue' : '' }, fmtDate(x.due_date), x.overdue ? [' ', badge('severity', 'warning')] : null) },
        { key: 'status', label: t('act.status'), value: (x) => tv('actstatus', x.status), render: (x) => badge('actstatus', x.status) },
        { key: 'source', label: t('act.source'), value: (x) => tv('actsource', x.source), render: (x) => [tv('actsource', x.source), x.review_period ? ' ' + x.review_period : ''] },
        { key: 'initiative_title', label: t('page.initiative'), render: (x) => (x.initiative_id ? h('a', { href: link('/alignment/initiatives/' + x.initiative_id) }, x.initiative_title) : '–') },
      ] }),
    chains.length ? panel(t('act.retraining'), chains.map(chainView)) : null,
    add);
}
