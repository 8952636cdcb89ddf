// SPDX-License-Identifier: GPL-3.0-or-later
// One AI system's obligations (issue 25): per rule pack, each obligation
// that applies with its source and article, why it applies (the scope flag
// or tier), its status against the register (met, missing, stale, failing,
// overdue), the evidence that satisfies it and how fresh it must be, the
// due date and why; those that do not apply, folded, each with why not.
// The scope flags and tier, for the roles that may change them, with what
// a change would add or remove shown before it is saved.
import { h, replace } from '../lib/dom.js';
import { t, tv, fmtNumber } from '../lib/i18n.js';
import { get, post, patch } from '../lib/api.js';
import { can, rolesFor, enumOf } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { form } from '../components/form.js';
import { pageHeader, panel, badge, stat, notice } from '../components/ui.js';
import { loc, whyText, statusBadges, dueCell } from '../lib/compliance.js';
import { oblDetail } from '../lib/sentence.js';

const BOOLS = ['personal_data', 'sensitive_data', 'automated_decisions', 'public_facing', 'generative', 'public_opinion', 'transfer_abroad'];

function obligationRow(o, ob) {
  const ev = ob && ob.evidence;
  return h('tr', { dataset: { ob: o.id, status: o.status, overdue: o.overdue ? '1' : '' } },
    h('td', { class: 'wide', 'data-label': t('obl.obligation') }, h('strong', {}, loc(o.title)),
      h('div', {}, h('code', {}, o.source)), o.verified === false ? h('span', { class: 'pill pill-off', title: t('obl.unverified_help') }, t('obl.unverified')) : null,
      o.note ? h('div', { class: 'muted small' }, loc(o.note)) : null),
    h('td', { 'data-label': t('obl.why') }, h('ul', { class: 'plain-list why' }, o.why.map((w) => h('li', {}, whyText(w))))),
    h('td', { 'data-label': t('field.status') }, statusBadges(o), o.detail ? h('div', { class: 'muted small' }, oblDetail(o)) : null),
    h('td', { 'data-label': t('obl.evidence') }, o.evidence_kind ? [tv('ekind', o.evidence_kind),
      ev && ev.max_age_days ? h('div', { class: 'muted small' }, t('obl.fresh', { days: fmtNumber(ev.max_age_days) })) : null] : h('span', { class: 'muted' }, t('obl.register'))),
    h('td', { 'data-label': t('obl.due') }, o.due || o.due_reason ? dueCell(o) : '–'),
    h('td', { 'data-label': t('obl.gate') }, o.gate ? tv('sstage', o.gate) : h('span', { class: 'muted' }, t('obl.guides'))));
}

function packTable(pack, rows, obs) {
  return h('section', { class: 'panel', 'aria-label': loc(pack.title), dataset: { pack: pack.pack } },
    h('h2', {}, loc(pack.title), ' ', pack.verified === false ? h('span', { class: 'pill pill-off' }, t('obl.unverified')) : null),
    pack.note ? h('p', { class: 'muted small' }, loc(pack.note)) : null,
    h('div', { class: 'scroll' }, h('table', { class: 'data obligations stack' },
      h('thead', {}, h('tr', {}, [t('obl.obligation'), t('obl.why'), t('field.status'), t('obl.evidence'), t('obl.due'), t('obl.gate')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.map((o) => obligationRow(o, obs.get(o.id)))))));
}

function notApplicable(list) {
  if (!list.length) return null;
  return h('details', { class: 'panel not-applicable', 'data-testid': 'not-applicable' },
    h('summary', {}, t('obl.not_applicable', { n: list.length })),
    h('ul', { class: 'plain-list' }, list.map((o) => h('li', { dataset: { ob: o.id } },
      h('strong', {}, loc(o.title)), ' · ', h('code', {}, o.source), ' — ',
      h('span', { class: 'muted' }, o.why_not.map(whyText).join(t('why.and')))))));
}

// The preview of a change of flags: what would appear and disappear.
function previewView(out, r) {
  if (!r.appear.length && !r.disappear.length) { replace(out, h('p', { class: 'muted' }, t('obl.preview_none'))); return; }
  replace(out, h('div', { class: 'preview', 'data-testid': 'flag-preview' },
    r.appear.length ? [h('h4', {}, t('obl.preview_appear', { n: r.appear.length })), h('ul', { class: 'plain-list appear' }, r.appear.map((x) =>
      h('li', { dataset: { ob: x.id } }, '+ ', loc(x.title), ' · ', h('code', {}, x.source))))] : null,
    r.disappear.length ? [h('h4', {}, t('obl.preview_disappear', { n: r.disappear.length })), h('ul', { class: 'plain-list disappear' }, r.disappear.map((x) =>
      h('li', { dataset: { ob: x.id } }, '− ', loc(x.title), ' · ', h('code', {}, x.source))))] : null));
}

function scopeForm(sys, refresh) {
  const opts = (prop, group) => enumOf('system', prop).map((v) => ({ value: v, label: tv(group, v) }));
  const out = h('div', { class: 'preview-out', role: 'status', 'aria-live': 'polite' });
  let timer = null, seq = 0;
  const changes = (v) => {
    const o = {};
    for (const [k, x] of Object.entries(v)) {
      const before = sys[k] ?? null;
      const same = Array.isArray(x) ? JSON.stringify([...x].sort()) === JSON.stringify([...(before || [])].sort()) : (typeof x === 'boolean' ? x === !!before : x === before);
      if (!same) o[k] = x;
    }
    return o;
  };
  const f = form({
    title: t('obl.edit_scope'), submitLabel: t('form.save'), class: 'scope-form',
    fields: [
      { name: 'risk_tier', label: t('systems.tier'), type: 'select', required: true, value: sys.risk_tier, options: opts('risk_tier', 'tier') },
      { name: 'tier_reason', label: t('systems.tier_reason'), required: true, maxlength: 2000, wide: true, value: sys.tier_reason },
      { name: 'jurisdictions', label: tv('cflag', 'jurisdictions'), type: 'checks', value: sys.jurisdictions || [], options: opts('jurisdictions', 'jur') },
      { name: 'eu_role', label: tv('cflag', 'eu_role'), type: 'select', value: sys.eu_role, options: opts('eu_role', 'eurole') },
      { name: 'annex_iii_area', label: tv('cflag', 'annex_iii_area'), type: 'select', value: sys.annex_iii_area, options: opts('annex_iii_area', 'annex3') },
      { name: 'model_source', label: tv('cflag', 'model_source'), type: 'select', required: true, value: sys.model_source || 'own', options: opts('model_source', 'msource') },
      { name: 'ethics_domain', label: tv('cflag', 'ethics_domain'), type: 'select', value: sys.ethics_domain, options: opts('ethics_domain', 'edomain') },
      { name: 'algorithm_types', label: tv('cflag', 'algorithm_types'), type: 'checks', value: sys.algorithm_types || [], options: opts('algorithm_types', 'algotype'), wide: true },
      ...BOOLS.map((b) => ({ name: b, label: tv('cflag', b), type: 'checkbox', value: !!sys[b] })),
    ],
    onChange: (v) => {
      clearTimeout(timer);
      const c = changes(v);
      delete c.tier_reason;
      if (!Object.keys(c).length) { replace(out); return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        try {
          const r = await post('/systems/' + sys.name + '/obligations/preview', c);
          if (mine === seq) previewView(out, r);
        } catch { if (mine === seq) replace(out); /* the save shows the refusal at its field */ }
      }, 250);
    },
    onSubmit: async (v) => {
      const c = changes(v);
      if (!Object.keys(c).length) return t('obl.no_change');
      await patch('/systems/' + sys.name, c);
      refresh();
      return t('form.saved');
    },
  });
  return h('details', { class: 'panel', 'data-testid': 'scope-edit' }, h('summary', {}, t('obl.edit_scope')),
    sys.you && sys.you.may_edit === false ? notice(t('obl.not_yours'), 'info') : null, f, out);
}

export async function render(ctx) {
  const name = ctx.params.name;
  const [sys, res, packs] = await Promise.all([get('/systems/' + name), get('/systems/' + name + '/obligations'), get('/compliance/packs')]);
  const obs = new Map();
  for (const p of packs.packs) for (const o of p.obligations || []) obs.set(o.id, o);
  const c = res.counts;
  const groups = packs.packs.map((p) => ({ pack: p, rows: res.obligations.filter((o) => o.pack === p.pack) })).filter((g) => g.rows.length);
  const mayEdit = can('PATCH', '/systems/{system}');
  return h('div', { class: 'obligations-page' },
    pageHeader(t('obl.title', { system: sys.title }), t('obl.lead'),
      h('a', { href: link('/risk/systems/' + name) }, t('obl.back')), ' ', h('a', { href: link('/risk/calendar') }, t('page.calendar'))),
    h('div', { class: 'stats small', 'data-testid': 'obl-counts' },
      stat(fmtNumber(c.total), t('obl.total')),
      stat(fmtNumber(c.met), t('cstatus.met'), 'good'),
      stat(fmtNumber(c.open), t('obl.open'), c.open ? 'warn' : 'good'),
      stat(fmtNumber(c.overdue), t('cstatus.overdue'), c.overdue ? 'bad' : 'good')),
    panel(null, h('p', {}, h('span', { class: 'muted' }, t('obl.scope_now'), ' '),
      badge('tier', sys.risk_tier), ' ', (sys.jurisdictions || []).map((j) => [h('span', { class: 'badge badge-scope' }, tv('jur', j)), ' ']),
      BOOLS.filter((b) => sys[b]).map((b) => [h('span', { class: 'badge badge-scope' }, tv('cflag', b)), ' ']),
      sys.eu_role ? h('span', { class: 'badge badge-scope' }, tv('cflag', 'eu_role'), ': ', tv('eurole', sys.eu_role)) : null),
    mayEdit ? scopeForm(sys, ctx.refresh) : h('p', { class: 'muted' }, t('obl.who_edits', { roles: rolesFor('PATCH', '/systems/{system}').map((r) => tv('role', r)).join(t('why.list_sep')) }))),
    groups.length ? groups.map((g) => packTable(g.pack, g.rows, obs)) : notice(t('obl.none'), 'info'),
    notApplicable(res.not_applicable || []));
}
