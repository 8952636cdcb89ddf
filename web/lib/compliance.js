// SPDX-License-Identifier: GPL-3.0-or-later
// Compliance words shared by the compliance pages and the dashboard: a
// pack's or an obligation's title in the reader's language, why an
// obligation applies (or not) and why a deadline falls when it does —
// the server writes these as short English sentences of a fixed grammar
// (docs/compliance.md), worded here from the catalogue in either language
// (the server's words when a sentence is not one of those) — and the
// status badge of an obligation.
import { h } from './dom.js';
import { t, tv, getLocale, fmtDate, fmtNumber } from './i18n.js';
import { link } from './router.js';
import { badge, stat, panel } from '../components/ui.js';
import { get } from './api.js';

// {en, zh-CN} -> the reader's language (English when missing).
export function loc(o) {
  if (!o || typeof o === 'string') return o || '';
  return o[getLocale()] || o.en || '';
}

// A flag's value for people (jurisdiction, tier, EU role, ...).
function flagValue(flag, v) {
  const group = { jurisdictions: 'jur', risk_tier: 'tier', eu_role: 'eurole', annex_iii_area: 'annex3',
    algorithm_types: 'algotype', model_source: 'msource', ethics_domain: 'edomain' }[flag];
  return group ? tv(group, v) : v;
}

// One reason an obligation applies or does not ("risk_tier is high",
// "personal_data is false", "eu_role is not one of deployer, both", ...).
export function whyText(s) {
  if (s === 'applies to every system') return t('why.every');
  const m = /^(\w+) (is not one of|is|include|do not include) (.+)$/.exec(s);
  const flag = m ? tv('cflag', m[1]) : '';
  if (m && m[2] === 'is' && (m[3] === 'true' || m[3] === 'false')) return t('why.' + m[3], { flag });
  if (m && m[2] === 'is' && m[3] === 'set') return t('why.set', { flag });
  if (m && m[2] === 'is' && m[3] === 'not set') return t('why.not_set', { flag });
  if (m && m[2] === 'is') return t('why.value', { flag, value: flagValue(m[1], m[3]) });
  if (m && m[2] === 'is not one of') return t('why.not_one_of', { flag, values: m[3].split(', ').map((v) => flagValue(m[1], v)).join(t('why.or')) });
  if (m && m[2] === 'include') return t('why.include', { flag, value: flagValue(m[1], m[3]) });
  if (m && m[2] === 'do not include') return t('why.not_include', { flag, value: flagValue(m[1], m[3]) });
  return s;
}

// Why a deadline falls when it does (or why keel gives none).
export function dueReasonText(s) {
  if (!s) return '';
  const ev = (e) => tv('cevent', e.replace(' ', '_'));
  let m = /^(\d+) working days after the (\w+) on (\S+): keel has no Chinese working-day table for (\d+)/.exec(s);
  if (m) return t('due.no_table', { n: m[1], event: ev(m[2]), on: fmtDate(m[3]), year: m[4] });
  m = /^(\d+) working days \(China\) after the (\w+) on (\S+)$/.exec(s);
  if (m) return t('due.working', { n: m[1], event: ev(m[2]), on: fmtDate(m[3]) });
  m = /^(\d+) days after the (\w+) on (\S+)$/.exec(s);
  if (m) return t('due.days', { n: m[1], event: ev(m[2]), on: fmtDate(m[3]) });
  m = /^every (\d+) months from the (launch|last review) on (\S+)$/.exec(s);
  if (m) return t('due.every', { n: m[1], event: ev(m[2]), on: fmtDate(m[3]) });
  if (s === 'done: evidence recorded after the event') return t('due.done');
  return s;
}

// What an SoA control still lacks.
export function soaMissingText(s) {
  if (s.startsWith('no decision')) return t('soa.m_decision');
  if (s === 'how it is implemented') return t('soa.m_implementation');
  const m = /^evidence of kind (\w+) in the register$/.exec(s);
  return m ? t('soa.m_evidence', { kind: tv('ekind', m[1]) }) : s;
}

// An obligation's status: met, missing, stale, failing, foreign, plus overdue.
export function statusBadges(o) {
  return [badge('cstatus', o.status), o.overdue ? [' ', badge('cstatus', 'overdue')] : null];
}

// A due date with its overdue mark, and the reason beneath (null: why none).
export function dueCell(x) {
  return [x.due ? h('span', { class: x.overdue ? 'overdue' : '' }, fmtDate(x.due)) : h('span', { class: 'muted' }, t('due.none')),
    x.reason || x.due_reason ? h('div', { class: 'muted small' }, dueReasonText(x.reason || x.due_reason)) : null];
}

// A pack's name in the reader's language, from the overview's packs.
export function packName(packs, key) {
  const p = (packs || []).find((x) => x.pack === key);
  return p ? loc(p.title) : key;
}

// The open items in the order people act on them: overdue first, then due
// within 7 days, then later, then those without a date.
export function bucketOf(x, today) {
  if (x.overdue) return 'overdue';
  if (!x.due) return 'undated';
  const d = (Date.parse(x.due) - Date.parse(today)) / 86400000;
  return d <= 7 ? 'week' : 'later';
}
export const BUCKETS = ['overdue', 'week', 'later', 'undated'];

// The dashboard's compliance panel: deadlines overdue and due within 7 days.
export async function compliancePanel() {
  const cal = await get('/compliance/calendar?days=7');
  const over = cal.items.filter((x) => x.overdue);
  const week = cal.items.filter((x) => !x.overdue && x.due);
  return panel(t('home.compliance'), h('div', { class: 'stats small', 'data-testid': 'compliance-headline' },
    stat(fmtNumber(over.length), t('home.compliance_overdue'), over.length ? 'bad' : 'good', link('/risk/calendar')),
    stat(fmtNumber(week.length), t('home.compliance_week'), week.length ? 'warn' : 'good', link('/risk/calendar'))),
  cal.items.length ? h('ul', { class: 'plain-list findings', 'data-testid': 'compliance-due' }, cal.items.map((x) => h('li', {},
    badge('cstatus', x.overdue ? 'overdue' : 'due_soon'), ' ',
    h('a', { href: link('/risk/systems/' + x.system + '/obligations') }, x.system), ': ', loc(x.title), ' · ',
    h('span', { class: 'muted' }, x.source), ' · ', t('due.on', { due: fmtDate(x.due) })))) : null);
}
