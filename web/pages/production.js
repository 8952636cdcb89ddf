// SPDX-License-Identifier: GPL-3.0-or-later
// The production overview for the committee (issue 20): every AI system in
// production with its status — healthy, degraded (an alert firing, inputs
// drifting, no data), decaying (a decay or segment failure found) or
// switched off — its switch, and the switch trips awaiting a decision.
import { h } from '../lib/dom.js';
import { t, tv, fmtNumber, fmtDate } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { link } from '../lib/router.js';
import { pageHeader, panel, stat, badge } from '../components/ui.js';
import { tripList } from './sysprod.js';

export async function render(ctx) {
  const ov = await get('/production');
  const by = (s) => ov.items.filter((x) => x.status === s).length;
  return h('div', { class: 'production-page' },
    pageHeader(t('prod.title'), t('prod.lead')),
    h('div', { class: 'stats small', 'data-testid': 'prod-headline' },
      stat(fmtNumber(by('healthy')), tv('pstatus', 'healthy'), 'good'),
      stat(fmtNumber(by('degraded')), tv('pstatus', 'degraded'), by('degraded') ? 'warn' : 'good'),
      stat(fmtNumber(by('decaying')), tv('pstatus', 'decaying'), by('decaying') ? 'bad' : 'good'),
      stat(fmtNumber(by('switched_off')), tv('pstatus', 'switched_off'), null)),
    ov.awaiting_trips.length ? panel(t('prod.trips'), tripList(ov.awaiting_trips, ctx.refresh)) : null,
    panel(t('prod.systems'), h('table', { class: 'table', 'data-testid': 'prod-systems' },
      h('thead', {}, h('tr', {}, [t('prod.system'), t('prod.status'), t('prod.switch'), t('prod.decay'), t('prod.other'), t('prod.firing')].map((x) => h('th', {}, x)))),
      h('tbody', {}, ov.items.map((x) => h('tr', { dataset: { system: x.system, status: x.status } },
        h('td', {}, h('a', { href: link('/risk/systems/' + x.system + '/production') }, x.system)),
        h('td', {}, badge('pstatus', x.status), x.monitored ? null : h('span', { class: 'muted' }, ' ', t('prod.unmonitored'))),
        h('td', {}, tv('swstate', x.switch), ' · ', tv('fallback', x.fallback)),
        h('td', {}, fmtNumber(x.decay_findings)),
        h('td', {}, fmtNumber(x.other_findings)),
        h('td', {}, fmtNumber(x.firing_alerts))))))),
    h('p', { class: 'muted' }, t('prod.rates')));
}
