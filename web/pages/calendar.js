// SPDX-License-Identifier: GPL-3.0-or-later
// The compliance calendar (issue 25): every open deadline, overdue first,
// then those due within 7 days, then later ones, then those keel cannot
// date (with the reason, never a guess); filtered by system and framework;
// how to subscribe to the iCalendar feed with a token of one's own (made on
// the tokens page; no token is ever shown here).
import { h, replace } from '../lib/dom.js';
import { t, fmtDate, fmtNumber } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { link } from '../lib/router.js';
import { pageHeader, panel, badge, stat } from '../components/ui.js';
import { loc, dueReasonText, bucketOf, BUCKETS } from '../lib/compliance.js';

function itemRow(x) {
  return h('tr', { dataset: { id: x.id, system: x.system, pack: x.pack } },
    h('td', { 'data-label': t('obl.due') }, x.due ? h('span', { class: x.overdue ? 'overdue' : '' }, fmtDate(x.due)) : h('span', { class: 'muted' }, t('due.none')),
      x.overdue ? [' ', badge('cstatus', 'overdue')] : null),
    h('td', { 'data-label': t('cal.system') }, h('a', { href: link('/risk/systems/' + x.system + '/obligations') }, h('code', {}, x.system))),
    h('td', { class: 'wide', 'data-label': t('obl.obligation') }, loc(x.title)),
    h('td', { 'data-label': t('cal.source') }, h('code', {}, x.source)),
    h('td', { 'data-label': t('cal.reason') }, h('span', { class: 'muted' }, dueReasonText(x.reason))));
}

function subscribe() {
  const url = location.origin + '/api/v1/calendar.ics?token=';
  return h('details', { class: 'panel subscribe', 'data-testid': 'subscribe' },
    h('summary', {}, t('cal.subscribe')),
    h('ol', {},
      h('li', {}, t('cal.sub_step1'), ' ', h('a', { href: link('/admin/tokens?scope=calendar:read'), 'data-testid': 'make-token' }, t('cal.sub_make'))),
      h('li', {}, t('cal.sub_step2'), h('div', {}, h('code', { class: 'feed-url' }, url, h('em', {}, t('cal.your_token'))))),
      h('li', {}, t('cal.sub_step3'))),
    h('p', { class: 'muted small' }, t('cal.sub_note')));
}

export async function render(ctx) {
  const [cal, ov] = await Promise.all([get('/compliance/calendar'), get('/compliance/overview')]);
  const want = { system: ctx.query.get('system') || '', pack: ctx.query.get('pack') || '' };
  const body = h('div', { 'data-testid': 'calendar' });
  const count = h('span', { class: 'count', role: 'status' });
  const pick = (key, label, options) => {
    const s = h('select', { 'aria-label': label, dataset: { key } }, h('option', { value: '' }, label + ': ' + t('table.all')),
      options.map((o) => h('option', { value: o.value, selected: o.value === want[key] }, o.label)));
    s.addEventListener('change', () => { want[key] = s.value; draw(); });
    return s;
  };
  const systems = [...new Set(cal.items.map((x) => x.system))].sort();
  const tools = h('div', { class: 'table-tools' },
    pick('system', t('cal.system'), systems.map((s) => ({ value: s, label: s }))),
    pick('pack', t('cal.framework'), ov.packs.map((p) => ({ value: p.pack, label: loc(p.title) }))), count);
  function draw() {
    const list = cal.items.filter((x) => (!want.system || x.system === want.system) && (!want.pack || x.pack === want.pack));
    replace(count, t('table.count', { shown: list.length, total: cal.items.length }));
    replace(body, list.length ? BUCKETS.map((b) => {
      const rows = list.filter((x) => bucketOf(x, cal.today) === b);
      return rows.length ? h('section', { class: ['cal-bucket', 'cal-' + b], dataset: { bucket: b } },
        h('h2', {}, t('cal.bucket.' + b, { n: rows.length })),
        h('div', { class: 'scroll' }, h('table', { class: 'data cal stack' },
          h('thead', {}, h('tr', {}, [t('obl.due'), t('cal.system'), t('obl.obligation'), t('cal.source'), t('cal.reason')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, rows.map(itemRow))))) : null;
    }) : h('p', { class: 'muted empty' }, t('cal.none')));
  }
  draw();
  const n = (b) => cal.items.filter((x) => bucketOf(x, cal.today) === b).length;
  return h('div', { class: 'calendar-page' },
    pageHeader(t('page.calendar'), t('cal.lead', { today: fmtDate(cal.today) })),
    h('div', { class: 'stats small', 'data-testid': 'cal-counts' },
      stat(fmtNumber(n('overdue')), t('cstatus.overdue'), n('overdue') ? 'bad' : 'good'),
      stat(fmtNumber(n('week')), t('home.compliance_week'), n('week') ? 'warn' : 'good'),
      stat(fmtNumber(n('later') + n('undated')), t('cal.later'))),
    panel(null, tools, body),
    subscribe());
}
