// SPDX-License-Identifier: GPL-3.0-or-later
// Data assets (path 2): each asset's readiness score (0–100) with the
// reasons it lost points and how to fix them, personal data and its
// consent basis, labelling, and the initiatives it serves. Roles that may
// register an asset get a form; an asset's owner (and the committee,
// admins) change it, upload a CSV sample to profile it and check the
// k-anonymity of its quasi-identifiers (lib/kanon.js).
import { h } from '../lib/dom.js';
import { t, tv, tServer, fmtNumber, fmtPercent, fmtDate } from '../lib/i18n.js';
import { get, post, patch, postCsv, listAll } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { PURPOSES } from '../lib/align.js';
import { form, compact } from '../components/form.js';
import { pageHeader, panel, progress, facts, notice } from '../components/ui.js';
import { kanonPanel } from '../lib/kanon.js';
import { definitionsBlock } from '../components/defpicker.js';

const CONSENT = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'];
const LABELLING = ['none', 'partial', 'complete', 'not_needed'];
const MB = 1048576;

function assetFields(a, people, inits) {
  return [
    { name: 'name', label: t('field.name'), required: true, maxlength: 200, value: a.name },
    { name: 'source_system', label: t('assets.source'), maxlength: 200, value: a.source_system, help: t('assets.source_help') },
    { name: 'owner_id', type: 'select', numeric: true, label: t('assets.owner'), value: a.owner_id, options: people.map((p) => ({ value: p.id, label: p.name })) },
    { name: 'labelling_status', type: 'select', label: t('assets.labelling'), required: true, value: a.labelling_status || 'none', options: LABELLING.map((x) => ({ value: x, label: tv('labelling', x) })) },
    { name: 'personal_data', type: 'checkbox', label: t('assets.personal_data'), value: a.personal_data },
    { name: 'consent_basis', type: 'select', label: t('assets.consent_basis'), value: a.consent_basis, help: t('assets.consent_help'), options: CONSENT.map((x) => ({ value: x, label: tv('consent', x) })) },
    { name: 'purposes', type: 'checks', label: t('assets.purposes'), wide: true, value: a.purposes || [], help: t('assets.purposes_help'),
      options: PURPOSES.map((x) => ({ value: x, label: tv('purpose', x) })) },
    { name: 'quasi_identifiers', label: t('assets.quasi_identifiers'), maxlength: 2000, value: a.quasi_identifiers, help: t('assets.quasi_help'), wide: true },
    { name: 'description', type: 'textarea', label: t('field.description'), maxlength: 8000, value: a.description, wide: true },
    { name: 'initiative_ids', type: 'checks', label: t('assets.serves'), wide: true, value: (a.initiatives || []).map((i) => String(i.initiative_id)),
      options: inits.map((i) => ({ value: String(i.id), label: i.title })) },
  ];
}

const assetBody = (v) => ({ ...v, initiative_ids: (v.initiative_ids || []).map(Number) });

// Register a new asset, or change one (the server says who may).
function assetForm(ctx, a, people, inits) {
  return form({
    fields: assetFields(a, people, inits),
    submitLabel: a.id ? t('form.save') : t('assets.create'),
    onSubmit: async (v) => {
      if (a.id) await patch('/data-assets/' + a.id, assetBody(v)); else await post('/data-assets', compact(assetBody(v)));
      ctx.refresh();
      return t('form.saved');
    },
  });
}

// Upload a CSV sample to profile the asset: its readiness score follows.
function profileForm(ctx, a) {
  return form({
    fields: [
      { name: 'file', type: 'file', label: t('assets.sample'), required: true, accept: '.csv,text/csv', maxBytes: 16 * MB, help: t('assets.sample_help') },
      { name: 'label', label: t('assets.label_column'), maxlength: 200, help: t('assets.label_help') },
      { name: 'retain_days', type: 'number', label: t('assets.retain_days'), min: 0, max: 365, step: 1, help: t('assets.retain_help') },
    ],
    submitLabel: t('assets.profile_submit'),
    onSubmit: async (v) => {
      const q = new URLSearchParams();
      if (v.label) q.set('label', v.label);
      if (v.retain_days !== null) q.set('retain_days', String(v.retain_days));
      try {
        await postCsv(`/data-assets/${a.id}/profile${q.toString() ? '?' + q : ''}`, await v.file.text());
      } catch (err) {
        if (err.field === 'body') err.field = 'file'; // the file's CSV, refused at the file
        throw err;
      }
      ctx.refresh();
      return t('assets.profiled_now');
    },
  });
}

// The forms of one asset, built when opened.
function assetTools(ctx, a, load) {
  const parts = [];
  const lazy = (summary, testid, build) => {
    const d = h('details', { class: 'asset-tool', 'data-testid': testid }, h('summary', {}, summary));
    d.addEventListener('toggle', async () => {
      if (!d.open || d.dataset.built) return;
      d.dataset.built = '1';
      d.append(await build());
    });
    return d;
  };
  if (can('PATCH', '/data-assets/{id}')) parts.push(lazy(t('assets.edit'), 'asset-edit', async () => { const [people, inits] = await load(); return assetForm(ctx, a, people, inits); }));
  if (can('POST', '/data-assets/{id}/profile')) parts.push(lazy(t('assets.profile'), 'asset-profile', async () => profileForm(ctx, a)));
  return parts.length ? h('div', { class: 'pool-tools' }, parts) : null;
}

// A readiness deduction in the reader's language: in English the server's
// sentence; otherwise worded from its code and numbers when the catalogue
// has the code (readiness.<code>), else the server's sentence.
function deduction(r) {
  return tServer(r.reason, r.code ? 'readiness.' + r.code : null,
    () => ({ n: fmtNumber(r.n, { maximumFractionDigits: 0 }), share: fmtPercent(r.share, 1) }));
}

const tone = (s) => (s === null || s === undefined ? null : s >= 80 ? 'on_track' : s >= 50 ? 'at_risk' : 'off_track');

// A link outside the asset's purposes (purpose limitation).
function purposeWarning(w) {
  return notice(t('assets.purpose_outside', { initiative: w.initiative, purpose: w.purpose ? tv('purpose', w.purpose) : t('assets.no_purpose'),
    purposes: (w.purposes || []).map((x) => tv('purpose', x)).join(t('assets.pii_sep')) }), 'warn');
}

// The undeclared-personal-data warning: the columns and what they hold.
function piiWarning(w) {
  const cols = (w.columns || []).map((c) => t('assets.pii_column', { name: c.name, kind: tv('pii', c.kind) || c.kind, share: fmtPercent(c.share, 0) }));
  return notice(t('assets.pii_undeclared', { columns: cols.join(t('assets.pii_sep')) }), 'warn');
}

function assetCard(ctx, a, profile, warnings, load, defs) {
  return h('section', { class: 'panel asset', 'aria-label': a.name, dataset: { asset: a.id } },
    h('h2', {}, a.name),
    a.description ? h('p', { class: 'muted' }, a.description) : null,
    h('div', { class: 'asset-score' },
      a.readiness_score === null || a.readiness_score === undefined
        ? h('p', { class: 'muted' }, t('assets.not_profiled'))
        : [h('span', { class: 'score' }, t('assets.score', { score: fmtNumber(a.readiness_score, { maximumFractionDigits: 0 }) })),
          progress(a.readiness_score / 100, fmtNumber(a.readiness_score, { maximumFractionDigits: 0 }) + ' / 100', tone(a.readiness_score))]),
    (warnings || []).filter((w) => w.code === 'undeclared_personal_data').map(piiWarning),
    (warnings || []).filter((w) => w.code === 'purpose_outside').map(purposeWarning),
    profile && (profile.reasons || []).length ? [h('h3', {}, t('assets.reasons')),
      h('ul', { class: 'plain-list reasons' }, profile.reasons.map((r) => h('li', {},
        h('strong', {}, t('assets.points', { n: fmtNumber(r.points, { maximumFractionDigits: 1 }) })), ' ', deduction(r))))]
      : profile ? h('p', { class: 'muted' }, t('assets.no_reasons')) : null,
    facts([
      [t('assets.source'), a.source_system || '–'],
      [t('assets.personal'), a.personal_data ? t('assets.personal_yes', { basis: a.consent_basis ? tv('consent', a.consent_basis) : t('assets.no_basis') }) : t('common.no')],
      [t('assets.labelling'), tv('labelling', a.labelling_status) || '–'],
      [t('assets.purposes'), (a.purposes || []).length ? a.purposes.map((x) => tv('purpose', x)).join(t('assets.pii_sep')) : t('assets.purposes_none')],
      profile ? [t('assets.profiled'), t('assets.profiled_at', { rows: fmtNumber(profile.n_rows), cols: fmtNumber(profile.n_columns), when: fmtDate(profile.created_at) })] : null,
      [t('assets.serves'), (a.initiatives || []).length ? h('span', {}, a.initiatives.map((i, k) => [k ? t('list.sep') : '', h('a', { href: link('/alignment/initiatives/' + i.initiative_id) }, i.title)])) : t('common.none')],
    ]),
    definitionsBlock({ defs, entity: 'data_asset', id: a.id }),
    kanonPanel(ctx.who, a),
    assetTools(ctx, a, load));
}

export async function render(ctx) {
  const [assets, defs] = await Promise.all([listAll('/data-assets'), get('/definitions')]);
  // people and initiatives for the forms, fetched once when a form opens
  let lists = null;
  const load = () => (lists = lists || Promise.all([listAll('/people'), listAll('/initiatives')]));
  const create = can('POST', '/data-assets') ? h('details', { class: 'panel new-asset', 'data-testid': 'new-asset' }, h('summary', {}, t('assets.new'))) : null;
  if (create) create.addEventListener('toggle', async () => {
    if (!create.open || create.dataset.built) return;
    create.dataset.built = '1';
    const [people, inits] = await load();
    create.append(assetForm(ctx, {}, people, inits));
  });
  const profiled = assets.filter((a) => (a.readiness_score !== null && a.readiness_score !== undefined) || (a.initiatives || []).length);
  const details = await Promise.all(profiled.map((a) => get('/data-assets/' + a.id).catch(() => null)));
  const prof = new Map(profiled.map((a, i) => [a.id, details[i] && details[i].profile]));
  const warn = new Map(profiled.map((a, i) => [a.id, details[i] && details[i].warnings]));
  assets.sort((a, b) => (a.readiness_score ?? 101) - (b.readiness_score ?? 101));
  return h('div', { class: 'assets-page' },
    pageHeader(t('page.assets'), t('assets.lead')),
    create,
    assets.length ? h('div', { class: 'grid2 assets', 'data-testid': 'assets' }, assets.map((a) => assetCard(ctx, a, prof.get(a.id), warn.get(a.id), load, defs)))
      : notice(t('assets.none'), 'info'));
}
