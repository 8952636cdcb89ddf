// SPDX-License-Identifier: GPL-3.0-or-later
// One analysis: its verdict and the reasons, then the key numbers: for an
// A/B analysis the lift, its interval and the p-value of each comparison;
// for a fairness audit the rates per group and the metrics that failed;
// for an explanation the features ranked by their average effect.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtPercent, fmtDate } from '../lib/i18n.js';
import { reasonText } from '../lib/reasons.js';
import { get } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { notAllowed } from './analyses.js';
import { link } from '../lib/router.js';
import { shortHash } from '../lib/resources.js';
import { table } from '../components/table.js';
import { loadActors, actorSpan } from '../lib/align.js';
import { pageHeader, panel, notice, badge, facts } from '../components/ui.js';

const num = (x, d = 3) => fmtNumber(x, { maximumFractionDigits: d });
const pct = (x) => fmtPercent(x, 1);
const ci = (c, f) => (Array.isArray(c) && c.length === 2 && c[0] !== null && c[1] !== null ? `${f(c[0])} … ${f(c[1])}` : '–');
const pval = (p) => (p === null || p === undefined ? '–' : p < 0.0001 ? '< 0.0001' : num(p, 4));
const signed = (x, f) => (x === null || x === undefined ? '–' : (x > 0 ? '+' : '') + f(x));

function reasonList(reasons, codes, testid, res) {
  return reasons.length ? h('ul', { class: 'plain-list', 'data-testid': testid },
    reasons.map((x, i) => h('li', {}, reasonText(x, (codes || [])[i], res)))) : null;
}

// Each treatment arm's own decision and reasons.
function arms(v) {
  const list = v.arms || [];
  return list.length ? panel(t('analysis.arms'), h('ul', { class: 'plain-list', 'data-testid': 'arm-verdicts' },
    list.map((a) => h('li', {}, h('strong', {}, a.arm), ' ', badge('verdict', a.decision),
      reasonList(a.reasons || [], a.reason_codes, 'arm-reasons'))))) : null;
}

function abtest(r) {
  return (r.metrics || []).map((m) => panel(t('analysis.metric', { name: m.name, role: tv('mrole', m.role) }),
    table({ testid: 'comparisons', search: false, rows: m.comparisons || [], columns: [
      { key: 'arm', label: t('analysis.arm'), render: (c) => t('analysis.vs', { arm: c.arm, control: r.control }) },
      { key: 'relative_lift', label: t('analysis.lift'), numeric: true, render: (c) => pct(c.relative_lift) },
      { key: 'relative_ci', label: t('analysis.ci'), sort: false, render: (c) => ci(c.relative_ci, pct) },
      { key: 'diff', label: t('analysis.diff'), numeric: true, render: (c) => num(c.diff, 4) },
      { key: 'p_value', label: t('analysis.p'), numeric: true, render: (c) => pval(c.p_value) },
      { key: 'significant', label: t('analysis.significant'), render: (c) => (c.significant ? t('common.yes') : t('common.no')) },
      { key: 'power', label: t('analysis.power'), numeric: true, render: (c) => pct(c.power) },
    ] }),
    h('p', { class: 'muted' }, (m.arms || []).map((a, i) => [i ? ' · ' : '', t('analysis.arm_n', { arm: a.name, n: fmtNumber(a.n), mean: num(a.mean, 4) })]))));
}

function fairness(r) {
  const failures = (r.verdict && r.verdict.failures) || [];
  return [
    panel(t('analysis.failed'), failures.length ? h('ul', { class: 'findings', 'data-testid': 'failures' }, failures.map((f) => h('li', { class: 'finding bad' },
      h('strong', {}, tv('fmetric', f.metric)), ' — ', t('analysis.failure', { attr: f.attribute, value: num(f.value), threshold: num(f.threshold), groups: (f.groups || []).join(t('list.sep')) }))))
      : h('p', { class: 'muted' }, t('analysis.no_failures'))),
    ...(r.attributes || []).map((a) => panel(t('analysis.attribute', { name: a.attribute }),
      h('p', {}, a.passed ? h('span', { class: 'pill pill-on' }, t('analysis.attr_pass')) : h('span', { class: 'badge badge-verdict-fail' }, t('analysis.attr_fail')),
        ' ', t('analysis.reference', { group: a.reference ?? '–' })),
      table({ testid: 'groups', search: false, rows: a.groups || [], columns: [
        { key: 'group', label: t('analysis.group'), render: (g) => [g.group, g.reference ? h('span', { class: 'muted' }, ' ', t('analysis.ref')) : null] },
        { key: 'count', label: t('analysis.count'), numeric: true, render: (g) => fmtNumber(g.count) },
        { key: 'selection_rate', label: t('analysis.selection_rate'), numeric: true, render: (g) => pct(g.selection_rate) },
        { key: 'tpr', label: t('analysis.tpr'), numeric: true, render: (g) => pct(g.tpr) },
        { key: 'fpr', label: t('analysis.fpr'), numeric: true, render: (g) => pct(g.fpr) },
        { key: 'disparate_impact', label: t('analysis.di'), numeric: true, render: (g) => num(g.disparate_impact) },
      ] }))),
  ];
}

function explain(r) {
  const m = r.model || {};
  return [h('p', {}, t('analysis.explained', { rows: fmtNumber(r.rows), type: m.type || '–', features: fmtNumber(m.features) })),
    ...(r.outputs || []).map((o) => panel(o.class !== undefined ? t('analysis.class', { k: o.class }) : t('analysis.features'),
      h('p', { class: 'muted' }, t('analysis.base', { base: num(o.base_value), mean: num(o.mean_prediction) })),
      table({ testid: 'features', search: false, rows: o.features || [], initialSort: 'rank', columns: [
        { key: 'rank', label: t('analysis.rank'), numeric: true },
        { key: 'feature', label: t('analysis.feature'), wide: true },
        { key: 'mean_abs_shap', label: t('analysis.mean_abs'), numeric: true, render: (f) => num(f.mean_abs_shap, 4) },
        { key: 'mean_shap', label: t('analysis.mean_shap'), numeric: true, render: (f) => num(f.mean_shap, 4) },
        { key: 'direction', label: t('analysis.direction'), value: (f) => tv('shapdir', f.direction),
          render: (f) => [tv('shapdir', f.direction), f.correlation !== null && f.correlation !== undefined ? h('span', { class: 'muted' }, ` (r = ${num(f.correlation, 2)})`) : null] },
      ] })))];
}

function drift(r) {
  const d = r.dataset || {};
  const metric = (x) => (x === null || x === undefined ? '–' : num(x, 4));
  return [
    h('p', { 'data-testid': 'drift-summary' }, t('analysis.drift_summary', { drifted: fmtNumber(d.drifted ?? 0), columns: fmtNumber(d.columns ?? 0),
      share: pct(d.share ?? 0), ref: fmtNumber((r.rows || {}).ref ?? 0), cur: fmtNumber((r.rows || {}).cur ?? 0) })),
    panel(t('analysis.drift_columns'), table({ testid: 'drift-columns', search: false, rows: r.columns || [], initialSort: '-psi', columns: [
      { key: 'name', label: t('analysis.column'), wide: true },
      { key: 'type', label: t('analysis.type'), value: (c) => tv('coltype', c.type) },
      { key: 'psi', label: 'PSI', numeric: true, render: (c) => metric(c.psi) },
      { key: 'js', label: 'Jensen-Shannon', numeric: true, render: (c) => metric(c.js) },
      { key: 'ks', label: t('analysis.ks_p'), numeric: true, value: (c) => (c.ks ? c.ks.p_value : null), render: (c) => (c.ks ? pval(c.ks.p_value) : '–') },
      { key: 'wasserstein', label: 'Wasserstein', numeric: true, render: (c) => metric(c.wasserstein) },
      { key: 'verdict', label: t('analyses.verdict'), value: (c) => tv('verdict', c.verdict), render: (c) => badge('verdict', c.verdict) },
    ] })),
  ];
}

export async function render(ctx) {
  if (!can('GET', '/analyses/{id}')) return h('div', {}, pageHeader(t('page.analysis')), notAllowed());
  const a = await get('/analyses/' + encodeURIComponent(ctx.params.id));
  const [init, names] = await Promise.all([a.initiative_id ? get('/initiatives/' + a.initiative_id).catch(() => null) : null, loadActors()]);
  const r = a.result || {};
  const v = r.verdict || {};
  const reasons = v.reasons || [];
  return h('div', { class: 'analysis-page', dataset: { kind: a.kind } },
    pageHeader(a.title || t('analyses.untitled', { id: a.id }), tv('akind', a.kind),
      h('a', { href: link('/risk/analyses') }, t('analysis.back'))),
    panel(t('analysis.verdict'),
      h('p', { class: 'verdict-line' }, a.verdict ? badge('verdict', a.verdict, 'big') : h('span', { class: 'muted' }, t('analyses.no_verdict')),
        ' ', a.verdict ? t('verdict_lead.' + a.verdict, { arm: v.arm ?? '' }) : t('analysis.explain_no_verdict')),
      reasonList(reasons, v.reason_codes, 'reasons', r),
      facts([
        [t('analyses.initiative'), a.initiative_id ? h('a', { href: link('/alignment/initiatives/' + a.initiative_id) }, init ? init.title : '#' + a.initiative_id) : '–'],
        [t('analyses.who'), actorSpan(names, a.created_by)],
        [t('analyses.when'), fmtDate(a.created_at, true)],
        [t('analysis.engine'), a.engine_version],
        [t('analyses.hash'), h('code', { title: a.input_hash }, shortHash(a.input_hash))],
      ])),
    a.kind === 'abtest' ? [arms(v), ...abtest(r)] : a.kind === 'fairness' ? fairness(r) : a.kind === 'explain' ? explain(r) : a.kind === 'drift' ? drift(r) : null);
}
