// SPDX-License-Identifier: GPL-3.0-or-later
// The programme's schedule slips (path 4): every initiative stuck past
// the plan for a stage, past (or at risk of) a business deadline it names,
// with a pilot past its end or a rollout past its planned dates — each
// with what blocks the next move. Readable by every role.
import { h } from '../lib/dom.js';
import { t, tv } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { link } from '../lib/router.js';
import { table } from '../components/table.js';
import { pageHeader, badge, stat } from '../components/ui.js';
import { slipText, causeList } from '../lib/slips.js';

export async function render() {
  const res = await get('/slips');
  const c = res.counts;
  return h('div', { class: 'slips-page' },
    pageHeader(t('page.slips'), t('slip.lead')),
    h('div', { class: 'stats' },
      stat(String(c.initiatives_scheduled), t('slip.scheduled')),
      stat(String(c.initiatives_slipping), t('slip.slipping'), c.initiatives_slipping ? 'warn' : 'good'),
      stat(String(c.slips), t('slip.count'), c.slips ? 'warn' : 'good')),
    table({ testid: 'slips', rows: res.items, empty: t('slip.none'),
      columns: [
        { key: 'title', label: t('slip.initiative'), render: (s) => h('a', { href: link('/alignment/initiatives/' + s.initiative_id) }, s.title) },
        { key: 'stage', label: t('slip.current'), value: (s) => tv('stage', s.stage), render: (s) => badge('stage', s.stage) },
        { key: 'state', label: t('slip.state'), value: (s) => tv('slipstate', s.state), render: (s) => badge('slipstate', s.state) },
        { key: 'what', label: t('slip.what'), value: (s) => s.what, render: (s) => slipText(s) },
        { key: 'days', label: t('slip.days'), value: (s) => s.days },
        { key: 'causes', label: t('slip.causes'), value: (s) => (s.causes || []).map((x) => x.code).join(' '), render: (s) => causeList(s.causes) },
      ] }));
}
