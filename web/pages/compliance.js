// SPDX-License-Identifier: GPL-3.0-or-later
// The compliance overview for the committee (issue 25): systems × rule
// packs (EU AI Act, ISO/IEC 42001, NIST AI RMF, China), each cell the
// obligations met, open and overdue and a link to the system's
// obligations; deadlines overdue or due within 7 days; the Statement of
// Applicability's progress.
import { h } from '../lib/dom.js';
import { t, fmtDate, fmtNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
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

export async function render() {
  const ov = await get('/compliance/overview');
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
    null);
}
