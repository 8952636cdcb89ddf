// SPDX-License-Identifier: GPL-3.0-or-later
// Sentences the server writes, in the reader's language. Next to each such
// sentence (a gate requirement's detail, an obligation's status detail, a
// slip's cause, a refusal's message) the server sends the same as a stable
// code with its values, {code, params} (docs/api.md#sentences). In English
// the page shows the server's own words; otherwise the catalogue's message
// <prefix>.<code> worded with the params, and the server's words when the
// catalogue has no such code. A value is shown by its param's name: role
// names, stages, purposes, evidence kinds and verdicts through their
// vocabularies, dates and numbers through Intl.
import { t, tv, tServer, fmtDate, fmtNumber, getLocale } from './i18n.js';
import { reasonText } from './reasons.js';

const list = (xs, f) => (Array.isArray(xs) ? xs.map(f).join(t('list.sep')) : '');
const num = (x) => fmtNumber(x, { maximumFractionDigits: 0 });

// How each param is shown (by name); the others as they are.
const FMT = {
  roles: (v) => list(v, (x) => tv('skill', x)),
  kind: (v) => tv('ekind', v),
  verdict: (v) => (v ? tv('verdict', v) : t('say.no_verdict')),
  want: (v) => tv('verdict', v),
  decision: (v) => tv('decision', v),
  stage: (v) => tv('stage', v), from: (v) => tv('stage', v), to: (v) => tv('stage', v),
  departments: (v) => (v && v.length ? list(v, String) : t('say.any_department')),
  system_stage: (v) => tv('sstage', v),
  purpose: (v) => (v ? tv('purpose', v) : t('assets.no_purpose')),
  purposes: (v) => list(v, (x) => tv('purpose', x)),
  missing: (v) => list(v, (x) => tv('signatory', x)),
  basis: (v) => tv('consent', v),
  data: (v) => String(v).slice(0, 12) + '…', expected: (v) => String(v).slice(0, 12) + '…',
  reasons: (v) => (v ? t('say.reasons', { reasons: v }) : ''),
  date: (v) => fmtDate(v), due: (v) => fmtDate(v), last: (v) => fmtDate(v), since: (v) => fmtDate(v),
  days: num, max_days: num, evidence_id: num, analysis_id: num, switch_test_id: num,
  score: num, min: num, initiative_id: num, open: num, total: num, index: (v) => String(v),
};

// Params whose absence has a name ("computed", "not set").
const NAMED_NULL = new Set(['verdict', 'purpose']);

// The values of params for the catalogue's message, nested sentences
// (an exemption's detail, each data asset's reason) worded with prefix.
export function vars(params, prefix) {
  const out = {};
  for (const [k, v] of Object.entries(params || {})) {
    if (k === 'detail' && v && v.code) out.detail = words('', v, prefix);
    else if (k === 'assets') out.assets = (v || []).filter(Boolean).map((a) => t('say.asset', { asset: a.asset, why: words('', a, prefix) })).join(t('say.sep'));
    else if ((v === null || v === undefined) && !NAMED_NULL.has(k)) out[k] = '';
    else out[k] = FMT[k] ? FMT[k](v) : Array.isArray(v) ? v.join(t('list.sep')) : String(v);
  }
  // an analysis's reasons: worded from their codes when the catalogue
  // knows every one, else the server's sentences
  const rc = params && params.reason_codes;
  if (Array.isArray(rc) && rc.length) {
    const ws = rc.map((c) => reasonText('', c, { attributes: params.attributes }));
    if (ws.every(Boolean)) out.reasons = t('say.reasons', { reasons: ws.join(t('say.sep')) });
  }
  delete out.reason_codes;
  delete out.attributes;
  // what a missing title or reviewer reads as
  if (params && 'title' in params && !params.title) out.title = tv('ekind', params.kind);
  if (params && 'reviewer' in params && !params.reviewer) out.reviewer = t('say.its_reviewer');
  if (params && 'owner' in params && !params.owner) out.owner = t('common.none');
  return out;
}

// sc = {code, params}: the catalogue's <prefix>.<code> with the params, or
// text (the server's English sentence) in English or for an unknown code.
// prefix may be a list: the first with the code.
export function words(text, sc, prefix) {
  if (!sc || !sc.code) return text || '';
  const p = [].concat(prefix).find((x) => t(`${x}.${sc.code}`) !== `${x}.${sc.code}`) || [].concat(prefix)[0];
  return tServer(text, `${p}.${sc.code}`, () => vars(sc.params, p));
}

// A gate requirement's detail (r.detail with r.detail_code).
export const reqDetail = (r) => words(r.detail, r.detail_code, 'gate.say');

// An obligation's status detail: its own codes (obl.say), else a gate
// requirement's.
export const oblDetail = (o) => words(o.detail, o.detail_code, ['obl.say', 'gate.say']);

// Sentences keel stored as records before they had codes: an alert
// event's message and the reason of a flip keel made (an alert rule that
// trips the switch, an ethics review's suspension). Worded from their fixed
// grammar (src/domain/alert.c, review.c) in the reader's language; in
// English, or when a sentence does not parse, as stored.
const ALERT = /^(\w+) (\S+) of (\S+) \(segment (.+)\) is (\S+), (holding|no longer) (\S+) (\S+)( for the rule's duration)?( \(resolved\))?$/;

export function alertText(s) {
  const m = getLocale() === 'en' ? null : ALERT.exec(s || '');
  if (!m) return s || '';
  return t(m[6] === 'holding' ? 'say.alert_firing' : 'say.alert_resolved', {
    kind: tv('rkind', m[1]), metric: tv('metric', m[2]), system: m[3], segment: m[4] === '*' ? t('say.all_segments') : m[4],
    value: m[5], op: m[7], threshold: m[8], duration: m[9] ? t('say.for_duration') : '',
  });
}

// x: a flip {reason, cause}.
export function flipReason(x) {
  const r = x.reason || '';
  if (getLocale() === 'en' || !x.cause) return r;
  let m;
  if (x.cause.startsWith('ethics_review:') && (m = /^suspended by the ethics review of (.+) held on (\d{4}-\d{2}-\d{2})$/.exec(r))) return t('say.flip_ethics', { board: m[1], date: fmtDate(m[2]) });
  if (x.cause.startsWith('alert_rule:') && (m = /^alert rule '(.+)' fired: (.+)$/.exec(r))) return t('say.flip_alert', { rule: m[1], what: alertText(m[2]) });
  return r;
}
