// SPDX-License-Identifier: GPL-3.0-or-later
// The human-override switch (issue 18) in the UI, shared by a system's page
// and the production board: the state in words, the flip controls with a
// confirmation dialog that asks for the reason (only for the roles that may
// flip: risk officers, the committee, admins, the system's owner), and the
// history (who, when, why).
import { h, replace } from './dom.js';
import { t, tv, fmtDate, errorText } from './i18n.js';
import { put, ApiError } from './api.js';
import { can, getRole } from './perm.js';
import { badge } from '../components/ui.js';
import { actorSpan } from './align.js';
import { flipReason } from './sentence.js';

export const SWITCH_STATES = ['on', 'off', 'shadow', 'percent'];
export const FALLBACKS = ['rules', 'human_review', 'previous_version'];

// "20 % to the model" or "Off", as a badge.
export function stateBadge(sw) {
  const b = badge('swstate', sw.state);
  return sw.state === 'percent' ? h('span', { 'data-testid': 'switch-state' }, b, ' ', t('switch.percent_of', { percent: sw.percent })) : h('span', { 'data-testid': 'switch-state' }, b);
}

// May the signed-in role flip this switch? Owners only their own systems
// (known on the system page: sys.you.may_edit).
export function mayFlip(sys) {
  if (!can('PUT', '/switch/{system}')) return false;
  return getRole() !== 'owner' || !!(sys && sys.you && sys.you.may_edit);
}

// Why a flip happened, in words: its reason, and the ethics review that
// caused it when one did.
function causeText(x) {
  return x.cause && x.cause.startsWith('ethics_review:') ? t('switch.cause_review') : null;
}

// names: the people by e-mail (align.js loadActors) to say who flipped.
export function historyList(items, names) {
  if (!items.length) return h('p', { class: 'muted' }, t('switch.no_flips'));
  return h('ol', { class: 'plain-list switch-history', 'data-testid': 'switch-history' }, items.map((x) => h('li', { dataset: { version: x.version } },
    fmtDate(x.created_at, true), ' · v', String(x.version), ' · ', badge('swstate', x.state),
    x.state === 'percent' ? ' ' + t('switch.percent_of', { percent: x.percent }) : '', ' · ', tv('fallback', x.fallback), ' · ', actorSpan(names, x.actor),
    h('div', { class: 'muted' }, flipReason(x), causeText(x) ? ' (' + causeText(x) + ')' : ''))));
}

// The confirmation: what changes, a reason (required), confirm or cancel.
// Resolves after a successful flip (onDone called) or a cancel.
export function flipDialog(name, cur, next, onDone) {
  const reason = h('textarea', { rows: 3, 'aria-required': 'true', maxlength: 2000, 'aria-label': t('switch.reason'), 'data-testid': 'flip-reason' });
  const out = h('div', { 'data-testid': 'flip-error' });
  const summary = t('switch.confirm', { system: name, from: describe(cur), to: describe(next) });
  const ok = h('button', { type: 'submit', class: 'primary', 'data-testid': 'flip-confirm' }, t('switch.flip'));
  const cancel = h('button', { type: 'button', 'data-testid': 'flip-cancel' }, t('form.cancel'));
  const dlg = h('dialog', { class: 'flip-dialog', 'data-testid': 'flip-dialog', 'aria-label': t('switch.flip_title') },
    h('form', { method: 'dialog' },
      h('h2', {}, t('switch.flip_title')),
      h('p', { 'data-testid': 'flip-summary' }, summary),
      h('label', {}, t('switch.reason'), ' ', h('span', { class: 'muted' }, t('switch.reason_help')), reason),
      out,
      h('div', { class: 'actions' }, ok, ' ', cancel)));
  cancel.onclick = () => { dlg.close(); dlg.remove(); };
  dlg.addEventListener('cancel', () => dlg.remove());
  dlg.querySelector('form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    replace(out);
    if (!reason.value.trim()) {
      replace(out, h('div', { class: 'notice notice-error', role: 'alert' }, t('switch.reason_needed')));
      reason.focus();
      return;
    }
    const body = { state: next.state, fallback: next.fallback, reason: reason.value };
    if (next.state === 'percent') body.percent = next.percent;
    ok.disabled = true;
    try {
      await put('/switch/' + encodeURIComponent(name), body);
      dlg.close();
      dlg.remove();
      onDone();
    } catch (err) {
      ok.disabled = false;
      if (!(err instanceof ApiError)) throw err;
      const { text, detail } = errorText(err);
      replace(out, h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', {}, text), detail ? h('div', { class: 'detail' }, detail) : null));
    }
  });
  document.body.append(dlg);
  dlg.showModal();
  reason.focus();
  return dlg;
}

function describe(sw) {
  const s = tv('swstate', sw.state) + (sw.state === 'percent' ? ' ' + t('switch.percent_of', { percent: sw.percent }) : '');
  return s + ', ' + t('switch.fallback_is', { fallback: tv('fallback', sw.fallback) });
}

// The controls: the new state, the percent (with percent), the fallback and
// the button that opens the confirmation.
export function flipControls(name, cur, onDone) {
  const state = h('select', { 'aria-label': t('switch.new_state'), 'data-testid': 'flip-state' },
    SWITCH_STATES.map((s) => h('option', { value: s, selected: s === cur.state }, tv('swstate', s))));
  const percent = h('input', { type: 'number', min: 0, max: 100, step: 1, value: String(cur.percent), 'aria-label': t('switch.percent'), 'data-testid': 'flip-percent' });
  const pctWrap = h('label', { class: 'flip-percent' }, t('switch.percent'), ' ', percent);
  const fallback = h('select', { 'aria-label': t('switch.fallback'), 'data-testid': 'flip-fallback' },
    FALLBACKS.map((f) => h('option', { value: f, selected: f === cur.fallback }, tv('fallback', f))));
  const showPct = () => { pctWrap.hidden = state.value !== 'percent'; };
  state.onchange = showPct;
  showPct();
  const btn = h('button', { type: 'button', class: 'primary', 'data-testid': 'flip' }, t('switch.flip_ellipsis'));
  btn.onclick = () => flipDialog(name, cur, { state: state.value, percent: Number(percent.value), fallback: fallback.value }, onDone);
  return h('div', { class: 'flip-controls', 'data-testid': 'flip-controls' },
    h('label', {}, t('switch.new_state'), ' ', state), ' ', pctWrap, ' ', h('label', {}, t('switch.fallback'), ' ', fallback), ' ', btn);
}
