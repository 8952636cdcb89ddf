// SPDX-License-Identifier: GPL-3.0-or-later
// The use-case catalogue: typical AI scenarios by industry and pain point,
// each with the KPIs it usually moves and the data it needs; "create
// initiative from this" derives an initiative backwards from the need.
import { h } from '../lib/dom.js';
import { t, tv, getLocale } from '../lib/i18n.js';
import { get, post, ApiError } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { pageHeader, badge, errorBox } from '../components/ui.js';

// An entry or KPI template in the reader's language: the catalogue ships
// its texts in English with translations under i18n (data/catalogue.json).
export function localised(x) {
  const tr = x && x.i18n && x.i18n[getLocale()];
  return tr ? { ...x, ...tr } : x;
}

export async function render(ctx) {
  const cat = await get('/catalogue');
  const items = cat.items || [];
  const industries = [...new Set(items.map((i) => i.industry))];
  const pain = ctx.query.get('pain') || '';
  const ind = ctx.query.get('industry') || '';
  const mayCreate = can('POST', '/initiatives/from-catalogue');
  const shown = items.filter((i) => (!pain || i.pain_point === pain) && (!ind || i.industry === ind));
  const sel = (name, value, options, label) => {
    const s = h('select', { 'aria-label': label, name },
      h('option', { value: '' }, label + ': ' + t('table.all')),
      options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)));
    s.addEventListener('change', () => {
      const q = new URLSearchParams();
      const p = name === 'pain' ? s.value : pain, n = name === 'industry' ? s.value : ind;
      if (p) q.set('pain', p);
      if (n) q.set('industry', n);
      location.hash = '#/alignment/catalogue' + (q.toString() ? '?' + q : '');
    });
    return s;
  };
  const cards = shown.map((entry) => {
    const c = localised(entry);
    const out = h('div', { 'aria-live': 'polite' });
    // an initiative made from a translated entry takes its translated words
    const words = c === entry ? {} : { title: c.title, problem: c.description, data_needed: c.data_needed.join(t('list.sep')) };
    return h('section', { class: 'panel', dataset: { key: c.key } },
      h('h2', {}, c.title),
      h('div', { class: 'obj-meta' }, badge('industry', c.industry), badge('pain', c.pain_point)),
      h('p', {}, c.description),
      h('div', {}, h('strong', {}, t('catalogue.kpis')), ' ', h('span', { class: 'chips' }, (c.kpi_templates || []).map(localised).map((k) => h('span', { class: 'chip' }, t('catalogue.kpi_chip', { name: k.name, unit: k.unit, direction: tv('direction', k.direction) }))))),
      h('div', {}, h('strong', {}, t('field.data_needed')), ' ', (c.data_needed || []).join(t('list.sep'))),
      out,
      mayCreate ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          const r = await post('/initiatives/from-catalogue', { key: c.key, ...words });
          location.hash = '#/alignment/initiatives/' + r.initiative.id;
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          out.replaceChildren(errorBox(err));
          ev.target.disabled = false;
        }
      } }, t('catalogue.create'))) : null);
  });
  return h('div', {},
    pageHeader(t('page.catalogue'), t('catalogue.lead'),
      sel('industry', ind, industries.map((i) => ({ value: i, label: tv('industry', i) })), t('catalogue.industry')),
      sel('pain', pain, [...new Set(items.map((i) => i.pain_point))].map((p) => ({ value: p, label: tv('pain', p) })), t('field.pain_point'))),
    h('div', { class: 'cat-grid' }, cards));
}
