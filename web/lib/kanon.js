// SPDX-License-Identifier: GPL-3.0-or-later
// k-anonymity on a data asset's card (issue 25): its declared
// quasi-identifiers, the k reached over the sample kept, the threshold, the
// groups below it and the smallest group, with a verdict in plain words;
// the asset's owner, the committee and admins (the API's rule) check a CSV
// file and may declare the columns; anyone else is told who may.
import { h, replace } from './dom.js';
import { t, fmtNumber, fmtPercent, fmtDate } from './i18n.js';
import { get, patch, postCsv } from './api.js';
import { can } from './perm.js';
import { form } from '../components/form.js';
import { facts, notice, errorBox } from '../components/ui.js';

const MB = 1048576;
const split = (z) => (z || '').split(',').map((s) => s.trim()).filter(Boolean);
const list = (cols) => cols.join(t('assets.pii_sep'));

// Whether who may check asset a: the route's roles, then the asset's rule
// (its owner, the committee, admins); the server decides all the same.
function mayCheck(who, a) {
  return can('POST', '/data-assets/{id}/k-anonymity') && !!who
    && (who.role === 'admin' || who.role === 'committee' || (who.person_id && who.person_id === a.owner_id));
}

// The answer of GET/POST .../k-anonymity in words: the verdict, the
// figures, and what an exact count over a sample does and does not say.
export function kanonResult(r) {
  const cols = r.columns || [];
  const n = (x) => fmtNumber(x, { maximumFractionDigits: 0 });
  const share = fmtPercent(r.rows ? r.rows_below / r.rows : 0, 1);
  const below = r.k < r.threshold;
  const values = cols.map((c) => t('kanon.value', { column: c, value: (r.rarest.values || {})[c] || t('kanon.empty') })).join(t('kanon.value_sep'));
  return h('div', { class: 'kanon-result', dataset: { k: r.k, threshold: r.threshold, verdict: below ? 'below' : 'met' } },
    below
      ? [notice([t('kanon.below', { n: n(r.rows_below), rows: n(r.rows), share, threshold: n(r.threshold), columns: list(cols) }),
        r.k === 1 ? [' ', t('kanon.unique')] : null], 'warn'), h('p', {}, t('kanon.advice'))]
      : notice(t('kanon.met', { columns: list(cols), others: n(r.threshold - 1), k: n(r.k), threshold: n(r.threshold) }), 'good'),
    facts([
      [t('kanon.k'), h('strong', { 'data-testid': 'kanon-k' }, n(r.k))],
      [t('kanon.threshold'), n(r.threshold)],
      [t('kanon.groups'), t('kanon.groups_val', { classes: n(r.classes), rows: n(r.rows) })],
      [t('kanon.small'), t('kanon.small_val', { n: n(r.classes_below), rows: n(r.rows_below), share })],
      [t('kanon.smallest'), h('span', { 'data-testid': 'kanon-rarest' }, r.rarest.size === 1 ? t('kanon.smallest_one', { values }) : t('kanon.smallest_val', { values, n: n(r.rarest.size) }))],
      [t('kanon.source'), r.source === 'kept_sample' ? t('kanon.kept', { date: fmtDate(r.sample_created_at) }) : t('kanon.upload')],
    ]),
    h('p', { class: 'muted small' }, t('kanon.exact')));
}

// Check a CSV file (POST, nothing kept), optionally declaring its columns.
function checkForm(a, show, onDeclared) {
  return form({
    fields: [
      { name: 'file', type: 'file', label: t('kanon.file'), required: true, accept: '.csv,text/csv', maxBytes: 16 * MB, help: t('kanon.file_help') },
      { name: 'columns', label: t('kanon.columns'), maxlength: 2000, value: a.quasi_identifiers, help: t('kanon.columns_help'), required: !a.quasi_identifiers },
      { name: 'threshold', type: 'number', label: t('kanon.threshold'), min: 2, max: 1000000, step: 1, value: 5, required: true, help: t('kanon.threshold_help') },
      can('PATCH', '/data-assets/{id}') ? { name: 'declare', type: 'checkbox', label: t('kanon.declare') } : null,
    ].filter(Boolean),
    submitLabel: t('kanon.submit'),
    onSubmit: async (v) => {
      const q = new URLSearchParams({ threshold: String(v.threshold) });
      if (v.columns) q.set('columns', v.columns);
      let r;
      try {
        r = await postCsv(`/data-assets/${a.id}/k-anonymity?${q}`, await v.file.text());
      } catch (err) {
        if (err.field === 'body') err.field = 'file'; // the file's CSV, refused at the file
        throw err;
      }
      if (v.declare && v.columns) {
        await patch('/data-assets/' + a.id, { quasi_identifiers: v.columns });
        onDeclared(v.columns);
      }
      show(r);
      return t('kanon.checked', { k: fmtNumber(r.k) });
    },
  });
}

// The panel of asset a for the signed-in who (null when it has nothing to
// say to them: no quasi-identifiers declared and no right to check). With
// none declared it is only the "check a CSV file" tool, folded.
export function kanonPanel(who, a) {
  const may = mayCheck(who, a);
  if (!may && !a.quasi_identifiers) return null;
  const declared = h('p', { class: 'muted', 'data-testid': 'kanon-declared' });
  const setDeclared = (z) => replace(declared, split(z).length ? t('kanon.declared', { columns: list(split(z)) })
    : [t('kanon.none_declared'), ' ', t('kanon.declare_hint', { edit: t('assets.edit') })]);
  setDeclared(a.quasi_identifiers);
  const result = h('div', { 'data-testid': 'kanon-result' });
  const show = (r) => replace(result, kanonResult(r));
  const lead = h('p', { class: 'muted small' }, t('kanon.lead'));
  if (!may) {
    const whoMay = h('p', { class: 'muted', 'data-testid': 'kanon-who' }, t('kanon.who', { owner: '…' }));
    (a.owner_id ? get('/people/' + a.owner_id).then((p) => p.name) : Promise.reject(new Error('no owner')))
      .catch(() => t('kanon.no_owner')).then((name) => replace(whoMay, t('kanon.who', { owner: name })));
    return h('div', { class: 'kanon', 'data-testid': 'kanon' }, h('h3', {}, t('kanon.title')), lead, declared, whoMay);
  }
  const tool = h('details', { class: 'asset-tool', 'data-testid': 'kanon-check' }, h('summary', {}, t('kanon.check')));
  tool.addEventListener('toggle', () => {
    if (!tool.open || tool.dataset.built) return;
    tool.dataset.built = '1';
    tool.append(checkForm(a, show, (z) => { a.quasi_identifiers = z; setDeclared(z); }));
  });
  if (!a.quasi_identifiers) {
    tool.append(lead, declared, result);
    return h('div', { class: 'pool-tools kanon', 'data-testid': 'kanon' }, tool);
  }
  result.dataset.loading = '1';
  get(`/data-assets/${a.id}/k-anonymity`).then(show, (err) => replace(result,
    err.status === 404 && err.field === 'sample' ? h('p', { class: 'muted', 'data-testid': 'kanon-no-sample' }, t('kanon.no_sample', { retain: t('assets.retain_days') }))
      : errorBox(err))).finally(() => delete result.dataset.loading);
  return h('div', { class: 'kanon', 'data-testid': 'kanon' }, h('h3', {}, t('kanon.title')), lead, declared, result,
    h('div', { class: 'pool-tools' }, tool));
}
