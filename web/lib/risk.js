// SPDX-License-Identifier: GPL-3.0-or-later
// Path 3 helpers shared by the register, the gate board, the heatmap and
// the initiative page: a gate's requirement list with each state, linked
// to its evidence, and the form that runs a missing analysis from a CSV.
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtDate, errorText, getLocale } from '../lib/i18n.js';
import { get, post } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { badge, panel } from '../components/ui.js';
import { form } from '../components/form.js';
import { actorName } from './align.js';
import { reqDetail } from './sentence.js';

// The analyses keel can run from an uploaded CSV for a requirement.
const RUNNABLE = { fairness: 'fairness', abtest: 'abtest', drift: 'drift' };

// A requirement's label: the catalogue's words for its id when there are
// any (gate.req.<id>), else the definition's label, else the id.
export function reqLabel(r) {
  const k = 'gate.req.' + r.id;
  const s = t(k);
  if (s !== k) return s;
  // an obligation a rule pack adds has its title in each language
  return (r.title && typeof r.title === 'object' && (r.title[getLocale()] || r.title.en)) || r.label || r.id;
}

// The form that runs a fairness audit / A/B analysis / drift report from
// a CSV file and keeps it as evidence of this version; onDone() after.
function runForm(kind, system, version, onDone) {
  const specDefault = kind === 'fairness'
    ? '{"label": "label", "prediction": "prediction", "protected": "group", "favorable": 0}'
    : kind === 'abtest' ? '{"control": "A", "arm": "arm", "metrics": [{"name": "converted", "type": "binary"}]}' : '{}';
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': t('gate.csv_file'), 'data-testid': 'run-file' });
  const ref = kind === 'drift' ? h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': t('gate.ref_file'), 'data-testid': 'run-ref' }) : null;
  const spec = h('textarea', { rows: 3, 'aria-label': t('gate.spec'), 'data-testid': 'run-spec' }, specDefault);
  const out = h('div', { class: 'form-note', role: 'status' });
  const go = h('button', { type: 'submit', class: 'primary' }, t('gate.run'));
  const el = h('form', { class: 'form run-form', 'data-testid': 'run-' + kind },
    h('div', { class: 'fields' },
      h('div', { class: 'field wide' }, h('label', {}, t('gate.csv_file')), file),
      ref ? h('div', { class: 'field wide' }, h('label', {}, t('gate.ref_file')), ref) : null,
      kind === 'drift' ? null : h('div', { class: 'field wide' }, h('label', {}, t('gate.spec')), spec)),
    h('div', { class: 'actions' }, go), out);
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(out);
    if (!file.files.length || (ref && !ref.files.length)) { replace(out, t('form.required')); return; }
    go.disabled = true;
    try {
      const body = { data: await file.files[0].text(), system, version, title: t('gate.run_title', { kind: tv('akind', kind), name: file.files[0].name }) };
      if (ref) body.reference = await ref.files[0].text();
      if (kind !== 'drift') body.spec = JSON.parse(spec.value);
      const r = await post('/analyses/' + RUNNABLE[kind], body);
      replace(out, t('gate.ran', { id: r.id, verdict: tv('verdict', r.verdict) || '–' }));
      onDone();
    } catch (err) {
      // the server's refusal in the reader's language (a bug: its text)
      const e = err && err.code ? errorText(err) : { text: String(err), detail: '' };
      replace(out, e.detail ? `${e.text} ${e.detail}` : e.text);
    } finally {
      go.disabled = false;
    }
  });
  return el;
}

// One gate: verdict, override, and the requirement table.
// names: the people by e-mail (align.js loadActors) to say who overrode.
export function gateView(g, { onChange, runnable = true, title, names } = {}) {
  const rows = (g.requirements || []).map((r) => {
    const ev = r.analysis_id && can('GET', '/analyses/{id}')
      ? h('a', { href: link('/risk/analyses/' + r.analysis_id) }, t('gate.evidence_link', { id: r.analysis_id })) : null;
    const canRun = runnable && r.state !== 'met' && RUNNABLE[r.evidence_kind] && can('POST', '/analyses/' + RUNNABLE[r.evidence_kind]);
    const slot = h('div', {});
    const runBtn = canRun ? h('button', { type: 'button', class: 'small', 'data-testid': 'run-' + r.id,
      onclick: () => replace(slot, runForm(r.evidence_kind, g.system, g.version, onChange || (() => {}))) }, t('gate.run_missing')) : null;
    return h('tr', { dataset: { req: r.id, state: r.state } },
      h('td', {}, badge('reqstate', r.state)),
      h('td', {}, reqLabel(r), r.system ? h('div', { class: 'muted' }, r.system) : null),
      h('td', {}, h('span', { class: 'detail' }, reqDetail(r)), ev ? [' ', ev] : null, runBtn ? h('div', {}, runBtn) : null, slot));
  });
  const ov = g.override;
  return h('section', { class: 'panel gate', 'data-testid': 'gate-' + g.stage, dataset: { verdict: g.verdict } },
    h('h2', {}, title || t('gate.title', { stage: tv('sstage', g.stage) }), ' ', badge('gateverdict', g.verdict)),
    ov ? h('p', { class: ['override', ov.expired ? 'muted' : ''], 'data-testid': 'override' },
      t(ov.expired ? 'gate.override_expired' : 'gate.override', { who: actorName(names, ov.created_by), until: fmtDate(ov.expires_at), reason: ov.reason })) : null,
    rows.length ? h('table', { class: 'table reqs' },
      h('thead', {}, h('tr', {}, h('th', {}, t('gate.state')), h('th', {}, t('gate.requirement')), h('th', {}, t('gate.detail')))),
      h('tbody', {}, rows)) : h('p', { class: 'muted' }, t('gate.no_requirements')));
}

// The committee's override form for a system's stage or an initiative move.
export function overrideForm(path, stages, onDone, group = 'sstage') {
  const soon = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
  return form({
    title: t('gate.override_title'), submitLabel: t('gate.override_submit'),
    fields: [
      { name: 'stage', label: t('gate.stage'), type: 'select', required: true, value: stages[0], options: stages.map((s) => ({ value: s, label: tv(group, s) })) },
      { name: 'reason', label: t('gate.reason'), type: 'textarea', required: true, minlength: 10, maxlength: 2000, wide: true },
      { name: 'expires_at', label: t('gate.expires'), type: 'date', required: true, value: soon },
    ],
    onSubmit: async (v) => { await post(path, v); onDone(); return t('gate.override_done'); },
  });
}

// The initiative page's panel: its AI systems with each stage's gate
// verdict for their latest version, their evidence, and the gate of the
// initiative's next move with its requirements (and the committee's
// waiver form).
export async function systemsPanel(ctx, it, names) {
  const s = await get('/initiatives/' + it.id + '/systems');
  const STAGES = ['training', 'pre_launch', 'launch', 'operating', 'retired'];
  const rows = s.systems.map((x) => {
    const v = x.versions[x.versions.length - 1];
    const gates = new Map((x.gates || []).map((g) => [g.stage, g.verdict]));
    return h('tr', { dataset: { system: x.name } },
      h('td', {}, h('a', { href: link('/risk/systems/' + x.name) }, h('code', {}, x.name)), h('div', { class: 'muted' }, x.title)),
      h('td', {}, badge('tier', x.risk_tier)),
      h('td', {}, v ? [v.version, ' ', badge('sstage', v.stage)] : '–'),
      h('td', {}, STAGES.map((st) => (gates.has(st) ? h('span', { class: 'gate-chip', title: tv('sstage', st) }, tv('sstage', st), ' ', badge('gateverdict', gates.get(st))) : null))),
      h('td', {}, String((x.evidence || []).length)));
  });
  const next = s.next_gate;
  return panel(t('initiative.systems'),
    rows.length ? h('table', { class: 'table', 'data-testid': 'initiative-systems' },
      h('thead', {}, h('tr', {}, [t('systems.name'), t('systems.tier'), t('systems.version'), t('system.board_short'), t('system.evidence')].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows)) : h('p', { class: 'muted' }, t('initiative.no_systems')),
    next ? h('div', { 'data-testid': 'next-gate' },
      gateView({ ...next, stage: next.stage, system: null }, { runnable: false, names, title: t('initiative.next_gate', { stage: tv('stage', next.stage) }) }),
      can('POST', '/initiatives/{id}/overrides') && next.verdict === 'refuse'
        ? overrideForm('/initiatives/' + it.id + '/overrides', [next.stage], ctx.refresh, 'stage') : null) : null);
}
