// SPDX-License-Identifier: GPL-3.0-or-later
// Forms from a field list. Client-side checks (required, length, range,
// e-mail shape) run first for convenience, with translated messages; then
// onSubmit(values) calls the API, and when the server refuses, its error
// envelope is shown at the field it names (or above the buttons when it
// names none), translated by code. Fields:
//   {name, label, type: text|email|password|number|date|select|textarea|
//    checkbox|checks|file, required, options: [{value, label}], numeric (select
//    values are numbers), min, max, step, maxlength, minlength, value, help,
//    accept and maxBytes for a file, unlimited for a textarea that may
//    exceed the 8000-byte default}
// Empty optional fields give null; checkbox gives a boolean; checks (a set
// of checkboxes) gives an array.
import { h, replace } from '../lib/dom.js';
import { t, errorText } from '../lib/i18n.js';
import { ApiError } from '../lib/api.js';

let seq = 0;

function control(f, id) {
  const common = { id, name: f.name, 'aria-describedby': id + '-err' + (f.help ? ' ' + id + '-help' : '') };
  if (f.type === 'select') {
    const sel = h('select', common,
      f.required ? null : h('option', { value: '' }, f.emptyLabel || t('form.none')),
      (f.options || []).map((o) => h('option', { value: String(o.value), selected: String(o.value) === String(f.value ?? '') }, o.label)));
    if (f.required && (f.value === undefined || f.value === null)) sel.selectedIndex = -1;
    return sel;
  }
  if (f.type === 'textarea') return h('textarea', { ...common, rows: f.rows || 3, maxlength: f.maxlength, placeholder: f.placeholder }, f.value ?? '');
  if (f.type === 'checkbox') return h('input', { ...common, type: 'checkbox', checked: !!f.value });
  if (f.type === 'file') return h('input', { ...common, type: 'file', accept: f.accept });
  if (f.type === 'checks') {
    const set = new Set(f.value || []);
    return h('div', { class: 'checks', id, role: 'group', 'aria-labelledby': id + '-label' },
      (f.options || []).map((o) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: f.name, value: o.value, checked: set.has(o.value) }), ' ', o.label)));
  }
  return h('input', {
    ...common, type: f.type || 'text', value: f.value ?? '', min: f.min, max: f.max, step: f.step,
    maxlength: f.maxlength, autocomplete: f.autocomplete || 'off', placeholder: f.placeholder,
  });
}

function readValue(f, root) {
  if (f.type === 'checks') return [...root.querySelectorAll(`input[name="${f.name}"]:checked`)].map((x) => x.value);
  const el = root.querySelector(`[name="${f.name}"]`);
  if (f.type === 'checkbox') return el.checked;
  if (f.type === 'file') return el.files && el.files[0] ? el.files[0] : null;
  const v = el.value.trim();
  if (v === '') return null;
  if (f.type === 'number' || f.numeric) return Number(v);
  return f.type === 'password' ? el.value : v;
}

function check(f, v) {
  if (f.required && (v === null || (Array.isArray(v) && !v.length))) return t('form.required');
  if (v === null) return '';
  if (f.type === 'file') return f.maxBytes && v.size > f.maxBytes ? t('form.file_too_big', { mb: Math.round(f.maxBytes / 1048576) }) : '';
  if (f.type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return t('form.email');
  if (f.type === 'number') {
    if (Number.isNaN(v)) return t('form.number');
    if (f.min !== undefined && v < f.min) return t('form.min', { min: f.min });
    if (f.max !== undefined && v > f.max) return t('form.max', { max: f.max });
    // the server keeps numbers up to 10^15 (money, KPI values)
    if (Math.abs(v) > 1e15) return t('form.too_big');
  }
  if (f.minlength && String(v).length < f.minlength) return t('form.minlength', { n: f.minlength });
  // the server counts UTF-8 bytes: a Chinese character takes three
  const bytes = typeof v === 'string' ? new TextEncoder().encode(v).length : 0;
  const cap = f.maxlength || (f.type === 'textarea' && !f.unlimited ? 8000 : 0);
  if (cap && bytes > cap) return t('form.too_long', { n: cap, over: bytes - cap });
  return '';
}

// A refusal the server made at a field, in the reader's words when the
// field's kind says what was expected (a number, a date, a period).
function fieldWords(f, err) {
  if (err.code !== 'invalid') return '';
  if (f.type === 'number') return t('form.number_range');
  if (f.type === 'date') return t('form.date');
  if (f.period || /^\d{4}Q[1-4]$/.test(f.placeholder || '')) return t('form.period');
  return '';
}

// form({fields, submitLabel, onSubmit, onCancel, onChange, title, class}) -> element.
// onSubmit may return a string to show as a success note.
export function form(opts) {
  const id = 'f' + ++seq;
  const errs = {};
  const general = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const note = h('div', { class: 'form-note', role: 'status' });
  const rows = opts.fields.map((f) => {
    const fid = `${id}-${f.name}`;
    errs[f.name] = h('div', { class: 'field-error', id: fid + '-err' });
    return h('div', { class: ['field', f.type === 'checkbox' ? 'field-check' : '', f.wide ? 'wide' : ''] },
      f.type === 'checkbox'
        ? h('label', { for: fid, id: fid + '-label' }, control(f, fid), ' ', f.label)
        : [h('label', { for: fid, id: fid + '-label' }, f.label, f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
          control(f, fid)],
      f.help ? h('div', { class: 'help', id: fid + '-help' }, f.help) : null,
      errs[f.name]);
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, opts.submitLabel || t('form.save'));
  const el = h('form', { class: ['form', opts.class], novalidate: true, 'aria-label': opts.title || null },
    opts.title ? h('h3', {}, opts.title) : null,
    h('div', { class: 'fields' }, rows),
    general,
    h('div', { class: 'actions' }, submit,
      opts.onCancel ? h('button', { type: 'button', onclick: opts.onCancel }, t('form.cancel')) : null),
    note);

  function clear() {
    for (const f of opts.fields) {
      replace(errs[f.name]);
      const c = el.querySelector(`#${id}-${f.name}`);
      if (c) c.removeAttribute('aria-invalid');
    }
    general.hidden = true;
    replace(general);
    replace(note);
  }
  function fieldError(name, text) {
    replace(errs[name], text);
    const c = el.querySelector(`#${id}-${name}`);
    if (c) { c.setAttribute('aria-invalid', 'true'); }
  }

  // onChange(values, el): the values as typed (unchecked), on every change,
  // e.g. for a preview of what saving would do
  if (opts.onChange) {
    const changed = () => {
      const values = {};
      for (const f of opts.fields) values[f.name] = readValue(f, el);
      opts.onChange(values, el);
    };
    el.addEventListener('input', changed);
    el.addEventListener('change', changed);
    queueMicrotask(changed);
  }

  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear();
    const values = {};
    let bad = null;
    for (const f of opts.fields) {
      values[f.name] = readValue(f, el);
      const msg = check(f, values[f.name]);
      if (msg) { fieldError(f.name, msg); bad = bad || f.name; }
    }
    if (bad) { const c = el.querySelector(`#${id}-${bad}`); if (c && c.focus) c.focus(); return; }
    submit.disabled = true;
    try {
      const msg = await opts.onSubmit(values);
      if (typeof msg === 'string') replace(note, msg);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const f = opts.fields.find((x) => x.name === err.field);
      const words = f ? fieldWords(f, err) : '';
      const { text, detail } = words ? { text: words, detail: '' } : errorText(err, f ? f.label : undefined, !!f);
      if (f) fieldError(f.name, text);
      else { general.hidden = false; replace(general, text); }
      if (detail) (f ? errs[f.name] : general).append(h('div', { class: 'detail' }, detail));
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

// Drop null values (for creating: let the server apply its defaults).
export function compact(values) {
  const o = {};
  for (const [k, v] of Object.entries(values)) if (v !== null) o[k] = v;
  return o;
}
