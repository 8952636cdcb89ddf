// SPDX-License-Identifier: GPL-3.0-or-later
// Import many rows at once from CSV (pasted, or read from a chosen file):
// all rows or none; when the server refuses, every bad row is listed with
// its line number and field. Used for KPI values, pool capacity and usage.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { postCsv, ApiError } from '../lib/api.js';
import { form } from './form.js';

const MB = 1048576;

// csvImport({summary, label, placeholder, path, done(result) -> note, testid})
export function csvImport({ summary, label, placeholder, path, done, testid }) {
  const rows = h('ul', { class: 'row-errors', 'aria-live': 'polite' });
  const el = form({
    fields: [{ name: 'csv', type: 'textarea', label, required: true, wide: true, rows: 5, unlimited: true, placeholder }],
    submitLabel: t('kpi.import_submit'),
    onSubmit: async (v) => {
      rows.replaceChildren();
      try {
        const r = await postCsv(path, v.csv.endsWith('\n') ? v.csv : v.csv + '\n');
        return done(r);
      } catch (err) {
        if (err instanceof ApiError && err.rows.length) {
          rows.append(...err.rows.map((x) => h('li', {}, t('kpi.row_error', { row: x.row, field: t('field.' + x.field) === 'field.' + x.field ? x.field : t('field.' + x.field) }),
            h('span', { class: 'detail' }, ' — ', x.message))));
          err.field = '';
        }
        throw err;
      }
    },
  });
  // a file chosen fills the text box (the server still checks every row)
  const area = el.querySelector('textarea');
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'aria-label': t('csv.file'), class: 'csv-file' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    if (f.size > MB) { rows.replaceChildren(h('li', {}, t('form.file_too_big', { mb: 1 }))); return; }
    area.value = await f.text();
  });
  el.querySelector('.fields').prepend(h('div', { class: 'field wide' }, h('label', {}, t('csv.file'), ' ', file)));
  return h('details', { class: 'import-values', 'data-testid': testid || null }, h('summary', {}, summary), el, rows);
}
