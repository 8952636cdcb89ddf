// SPDX-License-Identifier: GPL-3.0-or-later
// Run an analysis from uploaded files, with the options the CLI has
// (keel fairness / abtest / explain / drift): the file is read in the
// browser and sent with the spec; the server computes and keeps the
// analysis, and the page opens it. A refusal is shown at the field it
// names (spec.protected -> the protected field, data -> the file).
import { h } from '../lib/dom.js';
import { t, tv } from '../lib/i18n.js';
import { post, ApiError } from '../lib/api.js';
import { can, has } from '../lib/perm.js';
import { navigate } from '../lib/router.js';
import { form } from '../components/form.js';
import { panel } from '../components/ui.js';

const MB = 1048576;
const csvFile = (name, key = name) => ({ name, label: t('run.' + key), type: 'file', accept: '.csv,text/csv', required: true, maxBytes: 60 * MB, help: t('run.' + key + '_help') });
const text = (name, extra = {}) => ({ name, label: t('run.' + name), help: t('run.' + name + '_help'), maxlength: 200, ...extra });
const num = (name, extra = {}) => ({ name, label: t('run.' + name), help: t('run.' + name + '_help'), type: 'number', step: 'any', ...extra });
const check = (name) => ({ name, label: t('run.' + name), type: 'checkbox' });

function common(inits) {
  return [
    { name: 'title', label: t('field.title'), maxlength: 200, help: t('run.title_help') },
    { name: 'initiative_id', label: t('analyses.initiative'), type: 'select', numeric: true, emptyLabel: t('run.no_initiative'),
      options: inits.map((i) => ({ value: i.id, label: i.title })) },
  ];
}

// The form's fields and how its values become the request, per kind.
const KINDS = {
  fairness: {
    fields: () => [csvFile('data'), text('protected', { required: true }), text('label', { value: 'label' }), text('prediction'),
      text('score'), num('threshold', { min: 0, max: 1 }), text('reference'),
      { name: 'favorable', label: t('run.favorable'), type: 'select', required: true, value: '1', help: t('run.favorable_help'),
        options: [{ value: '1', label: t('run.favorable_1') }, { value: '0', label: t('run.favorable_0') }] },
      num('min_group_size', { min: 1, step: 1 }), num('bootstrap', { min: 0, max: 100000, step: 1 })],
    spec(v) {
      const s = { protected: v.protected.split(',').map((x) => x.trim()).filter(Boolean), favorable: Number(v.favorable) };
      for (const k of ['label', 'prediction', 'score', 'threshold', 'min_group_size']) if (v[k] !== null) s[k] = v[k];
      if (v.reference) {
        const parts = v.reference.split(',').map((x) => x.trim()).filter(Boolean);
        s.reference = parts.some((x) => x.includes('=')) ? Object.fromEntries(parts.map((x) => x.split('=').map((y) => y.trim()))) : parts[0];
      }
      if (v.bootstrap) s.bootstrap = { replicates: v.bootstrap, seed: 1 };
      return s;
    },
  },
  abtest: {
    fields: () => [csvFile('data'), text('control', { required: true }), text('arm_col', { value: 'arm' }), text('metric_col', { value: 'metric' }),
      text('pre_col'), num('alpha', { min: 0, max: 1, value: 0.05 }), num('power', { min: 0, max: 1, value: 0.8 }), num('mde', { min: 0 }),
      check('absolute'), num('min_units', { min: 0, step: 1 }), check('sequential')],
    spec(v) {
      const s = { control: v.control, csv: { arm: v.arm_col || 'arm', metric: v.metric_col || 'metric' } };
      if (v.pre_col) s.csv.pre_metric = v.pre_col;
      if (v.alpha !== null) s.alpha = v.alpha;
      if (v.power !== null) s.power = v.power;
      const plan = {};
      if (v.mde !== null) { plan.mde = v.mde; plan.mde_type = v.absolute ? 'absolute' : 'relative'; }
      if (v.min_units !== null) plan.min_units = v.min_units;
      if (v.sequential) plan.sequential = true;
      if (Object.keys(plan).length) s.plan = plan;
      return s;
    },
  },
  explain: {
    fields: () => [{ name: 'model', label: t('run.model'), type: 'file', accept: '.json,application/json', required: true, maxBytes: 60 * MB, help: t('run.model_help') },
      csvFile('data'), check('rows')],
  },
  drift: {
    fields: () => [csvFile('reference', 'reference_file'), csvFile('current'), text('segment')],
    spec(v) {
      return v.segment ? { segment: v.segment } : {};
    },
  },
};

// The form field a server error names: "spec.csv.metric" -> metric_col.
const FIELD_OF = { data: 'current', 'csv.arm': 'arm_col', 'csv.metric': 'metric_col', 'csv.pre_metric': 'pre_col', 'plan.mde': 'mde', 'plan.min_units': 'min_units', 'bootstrap.replicates': 'bootstrap' };
function fieldOf(field, names) {
  if (!field) return field;
  const f = field.replace(/^spec\./, '').replace(/\[\d+\]/g, '');
  if (FIELD_OF[f] && names.includes(FIELD_OF[f])) return FIELD_OF[f];
  if (names.includes(f)) return f;
  const last = f.split('.').pop();
  return names.includes(last) ? last : field;
}

function kindForm(kind, inits) {
  const k = KINDS[kind];
  const fields = [...k.fields(), ...common(inits)];
  return form({
    class: 'run-form', submitLabel: t('run.submit'), fields,
    async onSubmit(v) {
      const body = {};
      if (v.title) body.title = v.title;
      if (v.initiative_id) body.initiative_id = v.initiative_id;
      if (kind === 'explain') {
        body.model = await v.model.text();
        body.data = await v.data.text();
        if (v.rows) body.rows = true;
      } else if (kind === 'drift') {
        body.reference = await v.reference.text();
        body.data = await v.current.text();
        body.spec = k.spec(v);
      } else {
        body.data = await v.data.text();
        body.spec = k.spec(v);
      }
      try {
        const a = await post('/analyses/' + kind, body);
        navigate('/risk/analyses/' + a.id);
      } catch (err) {
        if (err instanceof ApiError) err.field = fieldOf(err.field, fields.map((f) => f.name));
        throw err;
      }
    },
  });
}

// The "Run an analysis" panel for the roles that may (null otherwise).
export function runPanel(inits) {
  const kinds = Object.keys(KINDS).filter((k) => has('/analyses/' + k, 'POST') && can('POST', '/analyses/' + k));
  if (!kinds.length) return null;
  const holder = h('div', { 'data-testid': 'run-form' });
  const sel = h('select', { id: 'run-kind', 'data-testid': 'run-kind', onchange: () => holder.replaceChildren(kindForm(sel.value, inits)) },
    kinds.map((k) => h('option', { value: k }, tv('akind', k))));
  holder.replaceChildren(kindForm(kinds[0], inits));
  return panel(t('run.title'), h('p', { class: 'muted' }, t('run.lead')),
    h('div', { class: 'field' }, h('label', { for: 'run-kind' }, t('run.kind')), sel), holder);
}
