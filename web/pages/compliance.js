// SPDX-License-Identifier: GPL-3.0-or-later
// The compliance overview for the committee (issue 25): systems × rule
// packs (EU AI Act, ISO/IEC 42001, NIST AI RMF, China), each cell the
// obligations met, open and overdue and a link to the system's
// obligations; deadlines overdue or due within 7 days; the Statement of
// Applicability's progress; the regulatory exports as downloads.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate, fmtNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { can, rolesFor } from '../lib/perm.js';
import { link } from '../lib/router.js';
import { pageHeader, panel, badge, stat, progress } from '../components/ui.js';
import { loc, dueReasonText } from '../lib/compliance.js';

function cell(sys, p, soa) {
  const c = sys.packs[p.pack];
  if (p.pack === 'iso42001') {
    return h('td', { class: 'cell-org', dataset: { pack: p.pack } }, h('a', { href: link('/risk/soa') }, t('ov.org_wide')));
  }
  if (!c) return h('td', { class: 'cell-na muted', dataset: { pack: p.pack } }, t('ov.na'));
  const tone = c.overdue ? 'bad' : c.open ? 'warn' : 'good';
  return h('td', { class: ['cell', 'cell-' + tone], dataset: { pack: p.pack } },
    h('a', { href: link('/risk/systems/' + sys.system + '/obligations'), 'aria-label': t('ov.cell_label', { system: sys.title, pack: loc(p.title), met: c.met, total: c.total, open: c.open, overdue: c.overdue }) },
      h('span', { class: 'cell-met' }, t('ov.met', { met: fmtNumber(c.met), total: fmtNumber(c.total) })),
      c.open ? h('span', { class: 'cell-open' }, t('ov.open', { n: fmtNumber(c.open) })) : null,
      c.overdue ? h('span', { class: 'cell-overdue' }, t('ov.overdue', { n: fmtNumber(c.overdue) })) : null));
}

// One export kind: its title, the system it is drawn for (when it is per
// system) and a download link per format, in the reader's language and the
// other one. The files come from GET /compliance/exports/{kind}.
function exportRow(k, mayExport) {
  const sel = k.per_system ? h('select', { 'aria-label': t('ex.system_for', { kind: loc(k.title) }), dataset: { testid: 'ex-system' } },
    (k.systems || []).map((s) => h('option', { value: s }, s))) : null;
  const href = (fmt, lang) => {
    const q = new URLSearchParams({ format: fmt, lang });
    if (sel && sel.value) q.set('system', sel.value);
    return '/api/v1/compliance/exports/' + encodeURIComponent(k.kind) + '?' + q.toString();
  };
  const noSystem = k.per_system && !(k.systems || []).length;
  const anchors = [];
  const links = (lang) => h('span', { class: 'ex-links' }, h('span', { class: 'muted small' }, t('ex.lang.' + lang), ' '),
    k.formats.map((f) => {
      const a = h('a', { class: 'ex-link', download: '', dataset: { format: f, lang }, href: href(f, lang) }, f.toUpperCase());
      anchors.push([a, f, lang]);
      return [a, ' '];
    }));
  if (sel) sel.addEventListener('change', () => anchors.forEach(([a, f, lang]) => { a.href = href(f, lang); }));
  return h('tr', { dataset: { kind: k.kind } },
    h('th', { scope: 'row' }, loc(k.title), h('div', { class: 'muted small' }, h('code', {}, k.kind))),
    h('td', {}, k.per_system ? (noSystem ? h('span', { class: 'muted' }, t('ex.no_system')) : sel) : h('span', { class: 'muted' }, t('ex.whole'))),
    h('td', {}, !mayExport ? h('span', { class: 'muted' }, '–') : noSystem ? null : [links('en'), h('br'), links('zh-CN')]));
}

function exportsPanel(ex) {
  const mayExport = can('GET', '/compliance/exports/{kind}');
  return panel(t('ex.title'), h('p', { class: 'muted' }, t('ex.lead')),
    h('div', { class: 'scroll' }, h('table', { class: 'data', 'data-testid': 'ov-exports' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('ex.kind')), h('th', { scope: 'col' }, t('ex.for')), h('th', { scope: 'col' }, t('ex.download')))),
      h('tbody', {}, ex.kinds.map((k) => exportRow(k, mayExport))))),
    mayExport ? null : h('p', { class: 'muted', 'data-testid': 'ex-readonly' }, t('ex.who', { roles: rolesFor('GET', '/compliance/exports/{kind}').map((r) => tv('role', r)).join(t('why.list_sep')) })));
}

export async function render() {
  const [ov, ex] = await Promise.all([get('/compliance/overview'), get('/compliance/exports')]);
  const tot = ov.systems.reduce((a, s) => ({ open: a.open + s.counts.open, overdue: a.overdue + s.counts.overdue, met: a.met + s.counts.met }), { open: 0, overdue: 0, met: 0 });
  return h('div', { class: 'compliance-page' },
    pageHeader(t('page.compliance'), t('ov.lead')),
    h('div', { class: 'stats small', 'data-testid': 'ov-counts' },
      stat(fmtNumber(tot.met), t('cstatus.met'), 'good'),
      stat(fmtNumber(tot.open), t('obl.open'), tot.open ? 'warn' : 'good'),
      stat(fmtNumber(tot.overdue), t('cstatus.overdue'), tot.overdue ? 'bad' : 'good', link('/risk/calendar')),
      stat(t('soa.decided_of', { n: fmtNumber(ov.soa.decided), total: fmtNumber(ov.soa.controls) }), t('page.soa'), null, link('/risk/soa'))),
    panel(t('ov.grid'), h('div', { class: 'scroll' }, h('table', { class: 'data ov-grid', 'data-testid': 'ov-grid' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('cal.system')), ov.packs.map((p) => h('th', { scope: 'col', dataset: { pack: p.pack } }, loc(p.title),
        p.verified === false ? [' ', h('span', { class: 'pill pill-off' }, t('obl.unverified'))] : null)))),
      h('tbody', {}, ov.systems.map((s) => h('tr', { dataset: { system: s.system } },
        h('th', { scope: 'row' }, h('a', { href: link('/risk/systems/' + s.system + '/obligations') }, s.title), h('div', { class: 'muted small' }, h('code', {}, s.system))),
        ov.packs.map((p) => cell(s, p, ov.soa))))))),
      h('p', { class: 'muted small' }, t('ov.legend'))),
    panel(t('ov.due_soon'), ov.due_soon.length ? h('ul', { class: 'plain-list findings', 'data-testid': 'ov-due' }, ov.due_soon.map((x) => h('li', {},
      badge('cstatus', x.overdue ? 'overdue' : 'due_soon'), ' ', h('a', { href: link('/risk/systems/' + x.system + '/obligations') }, x.system), ': ',
      loc(x.title), ' · ', h('code', {}, x.source), ' · ', t('due.on', { due: fmtDate(x.due) }), h('div', { class: 'muted small' }, dueReasonText(x.reason)))))
      : h('p', { class: 'muted' }, t('cal.none')), h('p', {}, h('a', { href: link('/risk/calendar') }, t('ov.to_calendar')))),
    panel(t('page.soa'), progress(ov.soa.controls ? ov.soa.decided / ov.soa.controls : 0, t('soa.progress', { n: ov.soa.decided, total: ov.soa.controls })),
      h('p', {}, t('ov.soa_gaps', { n: ov.soa.with_gaps }), ' ', h('a', { href: link('/risk/soa') }, t('ov.to_soa')))),
    exportsPanel(ex));
}
