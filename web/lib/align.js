// SPDX-License-Identifier: GPL-3.0-or-later
// Shared helpers of the alignment pages: loading people and units for
// names, a KPI's numbers in words, and the alignment findings in the
// reader's language (the server's findings carry a kind, a severity and the
// entity; the sentence is built here from the catalogue).
import { h } from './dom.js';
import { t, tv, fmtNumber, fmtPeriod } from './i18n.js';
import { listAll } from './api.js';
import { link } from './router.js';

export async function loadNames() {
  const [people, units] = await Promise.all([listAll('/people?sort=name'), listAll('/units?sort=name')]);
  return {
    people, units,
    person: new Map(people.map((p) => [p.id, p.name])),
    unit: new Map(units.map((u) => [u.id, u.name])),
    byEmail: new Map(people.filter((p) => p.email).map((p) => [p.email.toLowerCase(), p.name])),
  };
}

// The purposes data may serve (purpose limitation): an initiative's purpose,
// a data asset's purposes; the server's list (domain/alignment.c azPurpose).
export const PURPOSES = ['service_delivery', 'customer_support', 'credit_assessment', 'fraud_prevention', 'risk_management', 'marketing', 'personalisation', 'product_improvement', 'operations', 'hr', 'legal_compliance', 'security', 'research'];

// Only the people, by e-mail, for pages that name who did something
// (everyone may read the register).
export async function loadActors() {
  const people = await listAll('/people?sort=name');
  return { people, byEmail: new Map(people.filter((p) => p.email).map((p) => [p.email.toLowerCase(), p.name])) };
}

// Who did something, named by the account's e-mail, as text: the person's
// name from the register, "the system" for keel's own moves, else the
// e-mail itself (nobody in the register has it).
export function actorName(names, email) {
  if (email === 'system') return t('initiative.by_system');
  // keel's own actor when an alert rule flips a switch (src/domain/alert.c)
  const m = /^alert rule (.+)$/.exec(email || '');
  if (m) return t('actor.alert_rule', { rule: m[1] });
  const name = email && names && names.byEmail.get(String(email).toLowerCase());
  return name || email || '–';
}

// The same as a span: the name, the e-mail on hover.
export function actorSpan(names, email) {
  const name = actorName(names, email);
  return h('span', { class: 'actor', title: name !== email && email !== 'system' && email ? email : null }, name);
}

export const personOptions = (names) => names.people.map((p) => ({ value: p.id, label: p.name }));
export const unitOptions = (names) => names.units.map((u) => ({ value: u.id, label: u.name }));

// "95 hours/month (target 60 by Q4 FY2027)"
export function kpiNumbers(k) {
  const latest = k.latest === null || k.latest === undefined ? t('kpi.no_values') : `${fmtNumber(k.latest)} ${k.unit}`;
  return t('kpi.numbers', { latest, target: `${fmtNumber(k.target)} ${k.unit}`, period: fmtPeriod(k.target_period) });
}

// A KPI's sudden move the wrong way in its latest period (the server's
// change-point test, recent_drop): a badge with the numbers, or null.
export function kpiDropBadge(k) {
  const d = k.recent_drop;
  if (!d || !d.flagged) return null;
  const detail = t('kpi.recent_drop_detail', { latest: fmtNumber(d.latest), expected: fmtNumber(d.expected), change: fmtNumber(d.change_pct) });
  return h('span', { class: 'badge badge-sev-critical', title: detail, dataset: { recentDrop: String(k.id) } }, t('kpi.recent_drop'));
}

// The progress fraction 0..1 from the server's percent.
export const kpiFraction = (k) => (k.progress === null || k.progress === undefined ? 0 : k.progress / 100);

// One finding as a list item with a link to its entity.
export function findingItem(f, titles) {
  const href = f.entity === 'initiative' ? '/alignment/initiatives/' + f.id
    : f.entity === 'objective' ? '/alignment/objectives/' + f.id
      : f.entity === 'kpi' && titles.kpiObjective && titles.kpiObjective.get(f.id) ? '/alignment/objectives/' + titles.kpiObjective.get(f.id) : null;
  const name = (titles[f.entity] && titles[f.entity].get(f.id)) || `#${f.id}`;
  const text = t('finding.' + f.kind, { name }) === 'finding.' + f.kind ? f.message : t('finding.' + f.kind, { name });
  return h('li', { class: ['finding', f.severity === 'critical' ? 'bad' : f.severity === 'warning' ? 'warn' : 'info'], dataset: { kind: f.kind } },
    h('span', { class: 'badge badge-sev-' + f.severity }, tv('severity', f.severity)), ' ',
    href ? h('a', { href: link(href) }, text) : text);
}

// Names by entity for findings, from the /alignment answer.
export function titlesFromMap(map) {
  const objective = new Map(), kpi = new Map(), initiative = new Map(), kpiObjective = new Map();
  for (const o of map.objectives || []) {
    objective.set(o.id, o.title);
    for (const k of o.kpis || []) {
      kpi.set(k.id, k.name);
      kpiObjective.set(k.id, o.id);
      for (const i of k.initiatives || []) initiative.set(i.initiative_id, i.title);
    }
  }
  for (const i of map.unaligned_initiatives || []) initiative.set(i.id, i.title);
  return { objective, kpi, initiative, kpiObjective };
}

// A scoring criterion's name: the catalogue's translation for the
// standard ones, else the name the organisation gave it.
export function criterionName(c) {
  const k = 'criterion.' + c.key;
  return t(k) === k ? c.name : t(k);
}
