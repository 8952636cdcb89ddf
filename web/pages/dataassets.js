// SPDX-License-Identifier: GPL-3.0-or-later
// Data assets (path 2): each asset's readiness score (0–100) with the
// reasons it lost points and how to fix them, personal data and its
// consent basis, labelling, and the initiatives it serves.
import { h } from '../lib/dom.js';
import { t, tv, tServer, fmtNumber, fmtPercent, fmtDate } from '../lib/i18n.js';
import { get, listAll } from '../lib/api.js';
import { link } from '../lib/router.js';
import { pageHeader, panel, progress, facts, notice } from '../components/ui.js';

// A readiness deduction in the reader's language: in English the server's
// sentence; otherwise worded from its code and numbers when the catalogue
// has the code (readiness.<code>), else the server's sentence.
function deduction(r) {
  return tServer(r.reason, r.code ? 'readiness.' + r.code : null,
    () => ({ n: fmtNumber(r.n, { maximumFractionDigits: 0 }), share: fmtPercent(r.share, 1) }));
}

const tone = (s) => (s === null || s === undefined ? null : s >= 80 ? 'on_track' : s >= 50 ? 'at_risk' : 'off_track');

// The undeclared-personal-data warning: the columns and what they hold.
function piiWarning(w) {
  const cols = (w.columns || []).map((c) => t('assets.pii_column', { name: c.name, kind: tv('pii', c.kind) || c.kind, share: fmtPercent(c.share, 0) }));
  return notice(t('assets.pii_undeclared', { columns: cols.join(t('assets.pii_sep')) }), 'warn');
}

function assetCard(a, profile, warnings) {
  return h('section', { class: 'panel asset', 'aria-label': a.name, dataset: { asset: a.id } },
    h('h2', {}, a.name),
    a.description ? h('p', { class: 'muted' }, a.description) : null,
    h('div', { class: 'asset-score' },
      a.readiness_score === null || a.readiness_score === undefined
        ? h('p', { class: 'muted' }, t('assets.not_profiled'))
        : [h('span', { class: 'score' }, t('assets.score', { score: fmtNumber(a.readiness_score, { maximumFractionDigits: 0 }) })),
          progress(a.readiness_score / 100, fmtNumber(a.readiness_score, { maximumFractionDigits: 0 }) + ' / 100', tone(a.readiness_score))]),
    (warnings || []).filter((w) => w.code === 'undeclared_personal_data').map(piiWarning),
    profile && (profile.reasons || []).length ? [h('h3', {}, t('assets.reasons')),
      h('ul', { class: 'plain-list reasons' }, profile.reasons.map((r) => h('li', {},
        h('strong', {}, t('assets.points', { n: fmtNumber(r.points, { maximumFractionDigits: 1 }) })), ' ', deduction(r))))]
      : profile ? h('p', { class: 'muted' }, t('assets.no_reasons')) : null,
    facts([
      [t('assets.source'), a.source_system || '–'],
      [t('assets.personal'), a.personal_data ? t('assets.personal_yes', { basis: a.consent_basis ? tv('consent', a.consent_basis) : t('assets.no_basis') }) : t('common.no')],
      [t('assets.labelling'), tv('labelling', a.labelling_status) || '–'],
      profile ? [t('assets.profiled'), t('assets.profiled_at', { rows: fmtNumber(profile.n_rows), cols: fmtNumber(profile.n_columns), when: fmtDate(profile.created_at) })] : null,
      [t('assets.serves'), (a.initiatives || []).length ? h('span', {}, a.initiatives.map((i, k) => [k ? ', ' : '', h('a', { href: link('/alignment/initiatives/' + i.initiative_id) }, i.title)])) : t('common.none')],
    ]));
}

export async function render() {
  const assets = await listAll('/data-assets');
  const profiled = assets.filter((a) => a.readiness_score !== null && a.readiness_score !== undefined);
  const details = await Promise.all(profiled.map((a) => get('/data-assets/' + a.id).catch(() => null)));
  const prof = new Map(profiled.map((a, i) => [a.id, details[i] && details[i].profile]));
  const warn = new Map(profiled.map((a, i) => [a.id, details[i] && details[i].warnings]));
  assets.sort((a, b) => (a.readiness_score ?? 101) - (b.readiness_score ?? 101));
  return h('div', { class: 'assets-page' },
    pageHeader(t('page.assets'), t('assets.lead')),
    assets.length ? h('div', { class: 'grid2 assets', 'data-testid': 'assets' }, assets.map((a) => assetCard(a, prof.get(a.id), warn.get(a.id))))
      : notice(t('assets.none'), 'info'));
}
