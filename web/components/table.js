// SPDX-License-Identifier: GPL-3.0-or-later
// A sortable, filterable table. Columns: {key, label, value(row) (for
// sorting and filtering; default row[key]), render(row) (a node or text;
// default the value), numeric (right-aligned, numeric sort), wide (a wider column for
// titles), sort (default true)}. Sorting is by clicking (or Enter on) a header; a text box filters
// on every column's value; selects filter on chosen columns:
// filters: [{key, label, options: [{value, label}]}]. compact: headers wrap
// and cells pad less (wide tables that must fit a laptop screen).
import { h, replace } from '../lib/dom.js';
import { t, getLocale } from '../lib/i18n.js';

export function table({ columns, rows, filters = [], empty, caption, initialSort, search = true, testid, compact = false }) {
  let sortKey = initialSort ? initialSort.replace(/^-/, '') : null;
  let sortDir = initialSort && initialSort.startsWith('-') ? -1 : 1;
  const fvals = {};
  const val = (c, r) => (c.value ? c.value(r) : r[c.key]);
  const tbody = h('tbody');
  const count = h('span', { class: 'count', role: 'status' });
  const q = search ? h('input', { type: 'search', class: 'filter', placeholder: t('table.filter'), 'aria-label': t('table.filter') }) : null;
  const heads = columns.map((c) => {
    const th = h('th', { scope: 'col', class: [c.numeric ? 'num' : '', c.wide ? 'wide' : ''] });
    if (c.sort === false) { th.append(c.label); return th; }
    const b = h('button', { type: 'button', class: 'sort' }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }));
    b.addEventListener('click', () => {
      if (sortKey === c.key) sortDir = -sortDir; else { sortKey = c.key; sortDir = 1; }
      draw();
    });
    th.append(b);
    return th;
  });
  const selects = filters.map((f) => {
    const s = h('select', { 'aria-label': f.label, dataset: { key: f.key } },
      h('option', { value: '' }, f.label + ': ' + t('table.all')),
      f.options.map((o) => h('option', { value: String(o.value) }, o.label)));
    s.addEventListener('change', () => { fvals[f.key] = s.value; draw(); });
    return s;
  });
  if (q) q.addEventListener('input', draw);

  function draw() {
    const needle = q ? q.value.trim().toLowerCase() : '';
    let list = rows.filter((r) => {
      for (const f of filters) {
        const want = fvals[f.key];
        if (!want) continue;
        const v = f.value ? f.value(r) : r[f.key];
        if (Array.isArray(v) ? !v.map(String).includes(want) : String(v ?? '') !== want) return false;
      }
      if (!needle) return true;
      return columns.some((c) => String(val(c, r) ?? '').toLowerCase().includes(needle));
    });
    if (sortKey) {
      const c = columns.find((x) => x.key === sortKey);
      const coll = new Intl.Collator(getLocale(), { numeric: true });
      list = list.slice().sort((a, b) => {
        const x = val(c, a), y = val(c, b);
        if (x === y) return 0;
        if (x === null || x === undefined || x === '') return 1;
        if (y === null || y === undefined || y === '') return -1;
        return sortDir * (c.numeric ? Number(x) - Number(y) : coll.compare(String(x), String(y)));
      });
    }
    heads.forEach((th, i) => {
      const c = columns[i];
      th.setAttribute('aria-sort', c.key === sortKey ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
    replace(tbody, list.length ? list.map((r) => h('tr', { dataset: { id: r.id ?? '' } },
      columns.map((c) => {
        const v = c.render ? c.render(r) : val(c, r);
        return h('td', { class: [c.numeric ? 'num' : '', c.wide ? 'wide' : ''], dataset: { label: c.label } }, v ?? '–');
      }))) : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty || t('table.empty'))));
    replace(count, t('table.count', { shown: list.length, total: rows.length }));
  }
  draw();
  return h('div', { class: 'table-wrap', dataset: { testid: testid || '' } },
    (q || selects.length) ? h('div', { class: 'table-tools' }, q, selects, count) : null,
    h('div', { class: 'scroll' }, h('table', { class: ['data', compact ? 'compact' : ''] }, caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, heads)), tbody)));
}
