// SPDX-License-Identifier: GPL-3.0-or-later
// One AI system (path 3): its tier and scope, its versions and evidence,
// the gate board of a version (each stage's requirements met, missing,
// failing, stale or foreign, with the button to run a missing analysis
// from a CSV), the move to the next stage (a refusal shows its reasons),
// committee overrides, ethics reviews, the human-override switch (its
// state, who flipped it, when and why, the flip with its reason) and the
// stage history.
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtDate, errorText } from '../lib/i18n.js';
import { get, post, ApiError } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { gateView, overrideForm, reqLabel } from '../lib/risk.js';
import { reqDetail, flipReason } from '../lib/sentence.js';
import { form } from '../components/form.js';
import { pageHeader, panel, facts, badge, notice } from '../components/ui.js';
import { scopeBadges } from './systems.js';
import { stateBadge, mayFlip, flipControls, historyList } from '../lib/switch.js';
import { loadActors, actorName, actorSpan } from '../lib/align.js';

const STAGES = ['data_collection', 'training', 'pre_launch', 'launch', 'operating', 'retired'];

// The move to the next stage: on a refusal, the requirements in words.
function moveBox(sys, ver, refresh) {
  const i = STAGES.indexOf(ver.stage);
  const next = STAGES[i + 1];
  if (!next || !can('POST', '/systems/{system}/transition') || !sys.you || !sys.you.may_edit) return null;
  const out = h('div', { 'data-testid': 'move-result' });
  const reason = h('input', { type: 'text', 'aria-label': t('gate.reason'), placeholder: t('gate.reason'), 'data-testid': 'move-reason' });
  const btn = h('button', { type: 'button', class: 'primary', 'data-testid': 'move' }, t('system.move', { stage: tv('sstage', next) }));
  btn.onclick = async () => {
    replace(out);
    try {
      await post('/systems/' + sys.name + '/transition', { to: next, version: ver.version, reason: reason.value || t('system.move_reason') });
      refresh();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const { text, detail } = errorText(err);
      const reqs = err.requirements;
      replace(out, h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', {}, text), detail ? h('div', { class: 'detail' }, detail) : null,
        h('ul', { class: 'plain-list refused' }, reqs.filter((r) => r.state !== 'met').map((r) => h('li', { dataset: { req: r.id } }, badge('reqstate', r.state), ' ', reqLabel(r), ': ', reqDetail(r))))));
    }
  };
  return h('div', { class: 'move' }, reason, ' ', btn, out);
}

function versionsTable(sys) {
  return h('table', { class: 'table', 'data-testid': 'versions' },
    h('thead', {}, h('tr', {}, [t('systems.version'), t('systems.stage'), t('system.data'), t('system.algorithm'), t('system.purpose'), t('system.evidence')].map((x) => h('th', {}, x)))),
    h('tbody', {}, sys.versions.map((v) => h('tr', {},
      h('td', {}, h('a', { href: link('/risk/systems/' + sys.name + '?version=' + encodeURIComponent(v.version)) }, v.version)),
      h('td', {}, badge('sstage', v.stage)),
      h('td', {}, [v.training_asset_name, v.evaluation_sha256 ? h('code', { title: v.evaluation_sha256 }, v.evaluation_sha256.slice(0, 12)) : null].filter(Boolean).map((x, k) => [k ? ' · ' : '', x])),
      h('td', {}, v.algorithm || '–'),
      h('td', {}, v.purpose || '–', v.deployment ? h('div', { class: 'muted' }, v.deployment) : null),
      h('td', {}, (v.evidence || []).length ? h('ul', { class: 'plain-list' }, v.evidence.map((e) => h('li', {},
        tv('ekind', e.kind), ' ',
        e.analysis_id ? [badge('verdict', e.verdict), ' ', can('GET', '/analyses/{id}') ? h('a', { href: link('/risk/analyses/' + e.analysis_id) }, '#' + e.analysis_id) : '#' + e.analysis_id]
          : [e.title || '', ' ', e.attested_at ? t('system.attested', { who: e.reviewer_name, when: fmtDate(e.attested_at) }) : h('span', { class: 'muted' }, t('system.awaiting', { who: e.reviewer_name }))]))) : '–')))));
}

// The switch: state, fallback, the last flip (who, when, why), the flip
// controls for the roles that may, and the history.
function switchPanel(sys, sw, refresh, names) {
  const cur = sw.switch;
  const last = sw.items[0];
  return h('section', { class: 'panel switch-panel', 'aria-label': t('switch.title'), 'data-testid': 'switch-panel' },
    h('h2', {}, t('switch.title')),
    facts([
      [t('switch.state'), stateBadge(cur)],
      [t('switch.fallback'), tv('fallback', cur.fallback)],
      [t('switch.version'), String(cur.version)],
      last ? [t('switch.last_flip'), t('switch.flipped_by', { who: actorName(names, last.actor), when: fmtDate(last.created_at, true) })] : null,
      last ? [t('switch.reason'), h('span', { 'data-testid': 'switch-reason' }, flipReason(last))] : null,
    ]),
    mayFlip(sys) ? flipControls(sys.name, cur, refresh) : null,
    h('h3', {}, t('switch.history')),
    historyList(sw.items, names));
}

function reviewsPanel(sys, reviews, refresh) {
  const st = reviews.status;
  const add = can('POST', '/systems/{system}/ethics-reviews') ? form({
    title: t('reviews.record'), submitLabel: t('form.save'),
    fields: [
      { name: 'board', label: t('reviews.board'), required: true, value: t('reviews.board_default') },
      { name: 'held_on', label: t('reviews.held_on'), type: 'date', required: true, value: new Date().toISOString().slice(0, 10) },
      { name: 'decision', label: t('reviews.decision'), type: 'select', required: true, options: ['continue', 'continue_with_conditions', 'suspend'].map((d) => ({ value: d, label: tv('decision', d) })) },
      { name: 'conditions', label: t('reviews.conditions'), type: 'textarea', wide: true },
      { name: 'findings', label: t('reviews.findings'), type: 'textarea', wide: true },
    ],
    onSubmit: async (v) => { const o = {}; for (const [k, x] of Object.entries(v)) if (x !== null) o[k] = x; await post('/systems/' + sys.name + '/ethics-reviews', o); refresh(); },
  }) : null;
  return panel(t('reviews.title'),
    st.suspended ? notice(t('reviews.suspended', { when: fmtDate(st.last_held_on) }), 'error') : null,
    h('p', { class: st.overdue ? 'overdue' : '' }, t(st.overdue ? 'reviews.overdue_since' : 'reviews.next_due', { due: fmtDate(st.due_on), months: st.interval_months })),
    reviews.items.length ? h('ul', { class: 'plain-list', 'data-testid': 'reviews' }, reviews.items.map((r) => h('li', {},
      fmtDate(r.held_on), ' · ', r.board, ' · ', badge('decision', r.decision), r.findings ? h('div', { class: 'muted' }, r.findings) : null))) : h('p', { class: 'muted' }, t('reviews.none')),
    add);
}

export async function render(ctx) {
  const name = ctx.params.name;
  const version = ctx.query.get('version');
  const [sys, reviews, sw, names] = await Promise.all([get('/systems/' + name), get('/systems/' + name + '/ethics-reviews'),
    get('/switch/' + encodeURIComponent(name) + '/history?limit=20'), loadActors()]);
  const ver = version ? sys.versions.find((v) => v.version === version) : sys.versions[sys.versions.length - 1];
  const board = ver ? await get('/systems/' + name + '/gates?version=' + encodeURIComponent(ver.version)) : null;
  const refresh = ctx.refresh;
  return h('div', { class: 'system-page' },
    pageHeader(sys.title, t('system.lead', { name: sys.name })),
    panel(null, facts([
      [t('systems.initiative'), h('a', { href: link('/alignment/initiatives/' + sys.initiative_id) }, sys.initiative_title)],
      [t('systems.tier'), h('span', {}, badge('tier', sys.risk_tier), ' ', sys.tier_reason)],
      [t('systems.scope'), scopeBadges(sys)],
      [t('switch.title'), badge('swstate', sw.switch.state)],
      [t('obl.short'), h('a', { href: link('/risk/systems/' + sys.name + '/obligations'), 'data-testid': 'obligations-link' }, t('obl.open_link'))],
    ])),
    panel(t('system.versions'), sys.versions.length ? versionsTable(sys) : h('p', { class: 'muted' }, t('system.no_versions'))),
    board ? h('div', { class: 'gate-board', 'data-testid': 'gate-board' },
      h('h2', {}, t('system.board', { version: ver.version, stage: tv('sstage', ver.stage) })),
      moveBox(sys, ver, refresh),
      board.gates.map((g) => gateView(g, { onChange: refresh, names })),
      sys.you && sys.you.may_override ? panel(null, overrideForm('/systems/' + name + '/overrides', STAGES.slice(1), refresh)) : null,
      board.overrides.length ? panel(t('gate.overrides'), h('ul', { class: 'plain-list', 'data-testid': 'overrides' }, board.overrides.map((o) => h('li', {},
        tv('sstage', o.stage), ': ', t('gate.override', { who: actorName(names, o.created_by), until: fmtDate(o.expires_at), reason: o.reason }))))) : null) : null,
    switchPanel(sys, sw, refresh, names),
    reviewsPanel(sys, reviews, refresh),
    sys.history.length ? panel(t('system.history'), h('ul', { class: 'plain-list' }, sys.history.map((x) => h('li', {},
      fmtDate(x.created_at, true), ' · ', x.version, ': ', tv('sstage', x.from_stage), ' → ', tv('sstage', x.to_stage), ' (', tv('gateverdict', x.verdict), ') · ', actorSpan(names, x.actor), ' · ', x.reason)))) : null);
}
