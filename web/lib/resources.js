// SPDX-License-Identifier: GPL-3.0-or-later
// Shared helpers of the resource pages (path 2): quarter arithmetic, the
// pools report over recorded history and the plan ahead, and amounts in
// each pool's own unit (money, GPU hours, FTE).
import { get } from './api.js';
import { t, fmtNumber, fmtMoney, fmtPeriod, getCurrency } from './i18n.js';

// "2026Q4" shifted by n quarters ("2026Q1" for -3).
export function shiftQuarter(p, n) {
  const m = /^(\d{4})Q([1-4])$/.exec(p || '');
  if (!m) return p;
  const idx = Number(m[1]) * 4 + Number(m[2]) - 1 + n;
  return `${Math.floor(idx / 4)}Q${(idx % 4) + 1}`;
}

// The pools report from `from` (default: the server's, two quarters
// before the current one, so recorded usage and the plan ahead show side
// by side).
export async function poolsReport(from, periods = 8) {
  const start = from && /^\d{4}Q[1-4]$/.test(from) ? from : null;
  const rep = await get(`/pools/report?${start ? `from=${encodeURIComponent(start)}&` : ''}periods=${periods}`);
  rep.from = start || (rep.periods || [])[0];
  return rep;
}

// An amount in the pool's unit.
export function amount(pool, x) {
  if (x === null || x === undefined) return '–';
  if (pool.kind === 'budget') return fmtMoney(x);
  if (pool.kind === 'compute') return t('unit.gpu_hours', { n: fmtNumber(x, { maximumFractionDigits: 0 }) });
  if (pool.kind === 'people') return t('unit.fte', { n: fmtNumber(x, { maximumFractionDigits: 1 }) });
  return fmtNumber(x);
}

// The unit's name for chart axes.
export function unitName(pool) {
  if (pool.kind === 'budget') return getCurrency();
  return t('unit.name.' + pool.kind) === 'unit.name.' + pool.kind ? '' : t('unit.name.' + pool.kind);
}

// Quarters in which planned load or actual use exceeds capacity.
export function overPeriods(pool) {
  return (pool.periods || []).filter((p) => p.capacity !== null && ((p.planned ?? 0) > p.capacity + 1e-9 || (p.actual ?? 0) > p.capacity + 1e-9)).map((p) => p.period);
}

export const shortHash = (s) => (s ? String(s).slice(0, 12) : '–');

// A pool's utilisation ({value, from, to, quarters} from the server: use ÷
// capacity summed over those quarters, keel's one definition) labelled
// with its quarters: key 'pools.use' (recorded) or 'pools.planned_use'.
export function utilisationText(u, key) {
  const from = fmtPeriod(u.from);
  const to = fmtPeriod(u.to);
  return t(key, { quarters: u.quarters > 1 ? t('pools.quarters_range', { from, to }) : from });
}
