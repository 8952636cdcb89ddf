// SPDX-License-Identifier: GPL-3.0-or-later
// The ISO/IEC 42001 Statement of Applicability (issue 25): each Annex A
// control included or excluded with its justification, how it is
// implemented, who answers for it, the systems holding evidence of its
// kind and what is still missing; how many are decided. Risk officers,
// the committee and admins decide a control (the roles the server allows).
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtNumber } from '../lib/i18n.js';
import { get, put, listAll } from '../lib/api.js';
import { can, rolesFor } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { form } from '../components/form.js';
import { pageHeader, panel, progress, stat, notice } from '../components/ui.js';
import { loc, soaMissingText } from '../lib/compliance.js';

const CLAUSES = ['A.2', 'A.3', 'A.4', 'A.5', 'A.6', 'A.7', 'A.8', 'A.9', 'A.10'];
const clauseOf = (c) => c.split('.').slice(0, 2).join('.');

function decideForm(c, people, refresh) {
  const d = c.decision || {};
  return form({
    title: t('soa.decide_title', { control: c.control }), submitLabel: t('form.save'), class: 'soa-form',
    fields: [
      { name: 'included', label: t('soa.decision'), type: 'select', required: true, value: c.decision ? String(!!d.included) : undefined,
        options: [{ value: 'true', label: t('soa.included') }, { value: 'false', label: t('soa.excluded') }] },
      { name: 'justification', label: t('soa.justification'), type: 'textarea', required: true, maxlength: 4000, wide: true, value: d.justification || '' },
      { name: 'implementation', label: t('soa.implementation'), type: 'textarea', maxlength: 4000, wide: true, value: d.implementation || '' },
      people ? { name: 'owner_id', label: t('soa.owner'), type: 'select', numeric: true, value: d.owner_id, options: people.map((p) => ({ value: p.id, label: p.name })) } : null,
    ].filter(Boolean),
    onSubmit: async (v) => {
      const body = { control: c.control, included: v.included === 'true', justification: v.justification, implementation: v.implementation };
      if (people) body.owner_id = v.owner_id;
      await put('/compliance/soa', body);
      refresh();
      return t('form.saved');
    },
  });
}

function controlRow(c, mayDecide, people, refresh) {
  const d = c.decision;
  const state = d ? (d.included ? 'included' : 'excluded') : 'undecided';
  const edit = mayDecide ? h('details', { class: 'soa-edit' }, h('summary', {}, t(d ? 'soa.change' : 'soa.decide'))) : null;
  if (edit) edit.addEventListener('toggle', () => { if (edit.open && edit.children.length === 1) edit.append(decideForm(c, people, refresh)); });
  return h('tr', { dataset: { control: c.control, state } },
    h('td', { 'data-label': t('soa.control') }, h('code', {}, c.control)),
    h('td', { class: 'wide', 'data-label': t('field.title') }, loc(c.title), edit),
    h('td', { 'data-label': t('soa.decision') }, h('span', { class: ['badge', 'badge-soa-' + state] }, t('soa.' + state)),
      d && d.owner_name ? h('div', { class: 'muted small' }, d.owner_name) : null),
    h('td', { 'data-label': t('soa.justification') }, d ? d.justification : '–',
      d && d.implementation ? h('div', { class: 'muted small' }, t('soa.implemented_by', { how: d.implementation })) : null),
    h('td', { 'data-label': t('soa.evidence') }, c.evidence_kind ? [tv('ekind', c.evidence_kind), h('div', { class: 'small' },
      c.evidence_systems.length ? c.evidence_systems.map((s, i) => [i ? ', ' : '', h('a', { href: link('/risk/systems/' + s + '/obligations') }, s)]) : h('span', { class: 'muted' }, t('soa.no_evidence')))] : h('span', { class: 'muted' }, t('soa.policy'))),
    h('td', { 'data-label': t('soa.missing') }, c.missing.length ? h('ul', { class: 'plain-list missing' }, c.missing.map((m) => h('li', {}, soaMissingText(m)))) : h('span', { class: 'good' }, '✓')));
}

export async function render(ctx) {
  const mayDecide = can('PUT', '/compliance/soa');
  const [soa, people] = await Promise.all([get('/compliance/soa'), mayDecide && can('GET', '/people') ? listAll('/people') : null]);
  const n = soa.counts;
  const out = h('div');
  const groups = CLAUSES.map((k) => ({ k, rows: soa.controls.filter((c) => clauseOf(c.control) === k) })).filter((g) => g.rows.length);
  replace(out, groups.map((g) => h('section', { class: 'panel', dataset: { clause: g.k } },
    h('h2', {}, g.k, ' · ', t('soa.clause.' + g.k)),
    h('div', { class: 'scroll' }, h('table', { class: 'data soa stack' },
      h('thead', {}, h('tr', {}, [t('soa.control'), t('field.title'), t('soa.decision'), t('soa.justification'), t('soa.evidence'), t('soa.missing')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, g.rows.map((c) => controlRow(c, mayDecide, people, ctx.refresh))))))));
  return h('div', { class: 'soa-page' },
    pageHeader(t('page.soa'), t('soa.lead')),
    h('div', { class: 'stats small', 'data-testid': 'soa-counts' },
      stat(t('soa.decided_of', { n: fmtNumber(n.decided), total: fmtNumber(n.controls) }), t('soa.decided')),
      stat(fmtNumber(n.included), t('soa.included')),
      stat(fmtNumber(n.decided - n.included), t('soa.excluded')),
      stat(fmtNumber(n.with_gaps), t('soa.with_gaps'), n.with_gaps ? 'warn' : 'good')),
    panel(null, progress(n.controls ? n.decided / n.controls : 0, t('soa.progress', { n: n.decided, total: n.controls })),
      mayDecide ? null : h('p', { class: 'muted', 'data-testid': 'soa-readonly' }, t('soa.who_decides', { roles: rolesFor('PUT', '/compliance/soa').map((r) => tv('role', r)).join(t('why.list_sep')) })),
      notice(t('soa.unverified_titles'), 'info')),
    out);
}
