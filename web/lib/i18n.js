// SPDX-License-Identifier: GPL-3.0-or-later
// Internationalisation: t(key, vars) looks a message up in the catalogue of
// the current locale (i18n/en.js, i18n/zh-CN.js), falling back to English;
// {name} in a message is replaced by vars.name. The locale is the one the
// user picked (kept in localStorage), else the browser's language, else the
// organisation's default. Numbers, money and dates go through Intl with
// the locale; server errors are shown translated by their code.
import en from '../i18n/en.js';
import zhCN from '../i18n/zh-CN.js';
import { vars as sayVars } from './sentence.js';

export const LOCALES = { en, 'zh-CN': zhCN };
const STORE_KEY = 'keel.locale';
let locale = 'en';
let currency = 'EUR';
const listeners = [];

export function getLocale() { return locale; }

// Pick the locale: stored choice, then the browser's languages, then the
// organisation default (when known), then English.
export function detectLocale(orgDefault) {
  let stored = null;
  try { stored = localStorage.getItem(STORE_KEY); } catch { stored = null; }
  if (stored && LOCALES[stored]) return stored;
  for (const l of navigator.languages || [navigator.language || '']) {
    const x = String(l).toLowerCase();
    if (x.startsWith('zh')) return 'zh-CN';
    if (x.startsWith('en')) return 'en';
  }
  return orgDefault && LOCALES[orgDefault] ? orgDefault : 'en';
}

// Switch the locale; remember it when the user chose it.
export function setLocale(l, remember) {
  if (!LOCALES[l]) l = 'en';
  locale = l;
  document.documentElement.lang = l;
  if (remember) { try { localStorage.setItem(STORE_KEY, l); } catch { /* private mode */ } }
  for (const fn of listeners) fn(l);
}

export function onLocaleChange(fn) { listeners.push(fn); }

export function setCurrency(c) { if (c) currency = c; }
export function getCurrency() { return currency; }

// vars.count === 1 picks the singular "<key>.one" when the catalogue has it
// ("1 idle resource pool"); Chinese has one form.
export function t(key, vars) {
  if (vars && vars.count === 1 && (LOCALES[locale][key + '.one'] !== undefined || en[key + '.one'] !== undefined)) key += '.one';
  let s = LOCALES[locale][key];
  if (s === undefined) s = en[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

// A sentence the server wrote, in the reader's language: in English the
// server's own words (text); otherwise the catalogue's message `key` with
// the variables vars() gives (called only then) when the catalogue has
// that key, else the server's words. For reasons the server sends both as
// a sentence and as a code with its numbers (reason_codes).
export function tServer(text, key, vars) {
  if (!key || locale === 'en' || (LOCALES[locale][key] === undefined && en[key] === undefined)) return text;
  return t(key, vars());
}

// A translated label for a value of a fixed vocabulary (role, stage, ...),
// or the value itself when the catalogue has none.
export function tv(group, value) {
  if (value === null || value === undefined || value === '') return '';
  const k = `${group}.${value}`;
  const s = t(k);
  return s === k ? String(value) : s;
}

export function fmtNumber(n, opts) {
  if (n === null || n === undefined || n === '' || Number.isNaN(Number(n))) return '–';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, ...opts }).format(Number(n));
}

export function fmtPercent(x, digits = 0) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '–';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(Number(x));
}

// compact: "€3.1M" / "€310万" for narrow columns.
export function fmtMoney(n, cur, digits = 0, compact = false) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  if (compact) return new Intl.NumberFormat(locale, { style: 'currency', currency: cur || currency, notation: 'compact', maximumFractionDigits: 1 }).format(Number(n));
  return new Intl.NumberFormat(locale, { style: 'currency', currency: cur || currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Number(n));
}

// Dates: "2026-11-28" or an ISO timestamp; withTime adds hours and minutes.
export function fmtDate(s, withTime) {
  if (!s) return '–';
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? s + 'T00:00:00Z' : s);
  if (Number.isNaN(d.getTime())) return String(s);
  const o = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale, o).format(d);
}

// A reporting period (2026Q3 or 2026-09) for people.
export function fmtPeriod(p) {
  if (!p) return '–';
  let m = /^(\d{4})Q([1-4])$/.exec(p);
  if (m) return t('period.quarter', { year: m[1], q: m[2] });
  m = /^(\d{4})-(\d{2})$/.exec(p);
  if (m) return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${p}-01T00:00:00Z`));
  return p;
}

// A server error for people: in English the server's own message (it says
// what is wrong and how to fix it); in other locales the translation of
// its code, with the field's label (unless shown at the field itself),
// and the server's words as detail; a refusal that carries its values
// (params, docs/api.md#sentences) worded whole from the catalogue.
export function errorText(err, fieldLabel, atField) {
  const code = err && err.code ? err.code : 'internal';
  const fk = err && err.field ? 'field.' + err.field : '';
  const label = fieldLabel || (fk && t(fk) !== fk ? t(fk) : '');
  if (code === 'rate_limited' && err.retryAfter) return { text: t('error.rate_limited_wait', { seconds: err.retryAfter }), detail: '' };
  if (locale === 'en' && err && err.message && code !== 'network') return { text: err.message.charAt(0).toUpperCase() + err.message.slice(1), detail: '' };
  // a refusal with its values (params) is worded whole by the catalogue:
  // error.say.<code> with them, else error.<code>
  const sayKey = ['error.say.' + code, 'error.' + code].find((k) => LOCALES[locale][k] !== undefined);
  if (err && err.params && sayKey) return { text: t(sayKey, sayVars(err.params, 'error.say')), detail: '' };
  // a code the catalogue lacks reads as its status's generic refusal
  const byStatus = { 400: 'invalid', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'rule_violation' }[err && err.status];
  const base = t('error.' + code) !== 'error.' + code ? t('error.' + code) : t('error.' + (byStatus || 'internal'));
  // generic codes say which field; specific ones (unaligned, ...) say it all
  const generic = ['invalid', 'conflict', 'not_found', 'forbidden', 'too_large', 'rule_violation'].includes(code);
  const text = label && generic && !atField ? t('error.with_field', { field: label, error: base }) : base;
  return { text, detail: err && err.message && err.message !== base ? err.message : '' };
}
