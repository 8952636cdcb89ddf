// SPDX-License-Identifier: GPL-3.0-or-later
// The reasons of an analysis's verdict in the reader's language: the
// server writes each as an English sentence (reasons) and as a code with
// its numbers (reason_codes, docs/abtest.md and docs/fairness.md); the
// analysis page and the gates' details word them from the catalogue.
import { t, tv, tServer, fmtNumber, fmtPercent } from './i18n.js';

const num = (x, d = 3) => fmtNumber(x, { maximumFractionDigits: d });
const pct = (x) => fmtPercent(x, 1);
const signed = (x, f) => (x === null || x === undefined ? '–' : (x > 0 ? '+' : '') + f(x));

// The numbers of a reason code (see docs/abtest.md and docs/fairness.md,
// reason_codes) as the words of the catalogue's reason.* messages.
function reasonVars(c, res) {
  // a fairness gap names its two groups' rates (tpr or fpr)
  const attr = ((res && res.attributes) || []).find((a) => a.attribute === c.attribute);
  const rate = (g) => { const x = attr && (attr.groups || []).find((y) => y.group === g); return x && c.gap ? pct(x[c.gap]) : '–'; };
  const [g0, g1] = c.groups || [];
  return {
    g0, g1, r0: rate(g0), r1: rate(g1),
    metric: c.metric, arm: c.arm, attr: c.attribute,
    effect: c.relative === null || c.relative === undefined ? signed(c.diff, (x) => num(x, 4))
      : `${signed(c.diff, (x) => num(x, 4))} (${signed(c.relative, (x) => fmtPercent(x, 2))})`,
    pkind: t('reason.pkind.' + (c.p_kind || 'p')),
    p: c.p === null || c.p === undefined ? '= –' : c.p < 0.0001 ? '< 0.0001' : '= ' + num(c.p, 4),
    units: fmtNumber(c.units), min_units: fmtNumber(c.min_units),
    mde: c.mde_relative ? fmtPercent(c.mde, 2) : num(c.mde, 4),
    n: fmtNumber(c.units_per_arm, { maximumFractionDigits: 0 }),
    more: fmtNumber(c.more_units_per_arm, { maximumFractionDigits: 0 }), power: pct(c.power),
    fmetric: tv('fmetric', c.metric), value: num(c.value), threshold: num(c.threshold),
    groups: (c.groups || []).join(t('list.sep')),
  };
}

// A reason in the reader's language: in English the server's sentence;
// otherwise worded from its code and numbers when the catalogue has the
// code (reason.<code>[.<next>]), else the server's sentence.
export function reasonText(text, code, res) {
  const key = code && code.code ? 'reason.' + code.code + (code.next ? '.' + code.next : code.gap ? '.' + code.gap : '') : null;
  return tServer(text, key, () => reasonVars(code, res));
}

