// SPDX-License-Identifier: GPL-3.0-or-later
// Ethics reviews (path 3): every system's schedule from its risk tier,
// the last review and its decision, when the next falls due; overdue
// reviews and suspensions as findings.
import { h } from '../lib/dom.js';
import { t, tv, fmtDate } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { pageHeader, panel, badge } from '../components/ui.js';

export async function render() {
  const s = await get('/ethics-reviews');
  return h('div', { class: 'reviews-page' },
    pageHeader(t('page.reviews'), t('reviews.lead', Object.fromEntries(Object.entries(s.intervals).map(([k, v]) => [k, v])))),
    s.findings.length ? panel(t('reviews.findings'), h('ul', { class: 'plain-list findings', 'data-testid': 'review-findings' }, s.findings.map((f) => h('li', { dataset: { code: f.code } },
      badge('severity', f.severity), ' ', t(f.code === 'suspended' ? 'reviews.finding_suspended' : 'reviews.finding_overdue', { system: f.system, due: fmtDate(f.due_on) }))))) : null,
    table({ testid: 'schedule', rows: s.items, initialSort: 'due_on', empty: t('systems.none'),
      columns: [
        { key: 'system', label: t('systems.name'), render: (x) => h('a', { href: link('/risk/systems/' + x.system) }, h('code', {}, x.system)) },
        { key: 'title', label: t('field.title'), wide: true },
        { key: 'risk_tier', label: t('systems.tier'), value: (x) => tv('tier', x.risk_tier), render: (x) => badge('tier', x.risk_tier) },
        { key: 'last_held_on', label: t('reviews.last'), render: (x) => (x.last_held_on ? [fmtDate(x.last_held_on), ' ', badge('decision', x.last_decision)] : '–') },
        { key: 'due_on', label: t('reviews.due'), render: (x) => h('span', { class: x.overdue ? 'overdue' : '' }, fmtDate(x.due_on), x.overdue ? [' ', badge('severity', 'warning')] : null) },
      ] }));
}
