// SPDX-License-Identifier: GPL-3.0-or-later
// The AI system register (path 3): every system with its initiative, risk
// tier, scope flags and latest version's stage; registering a system for
// the roles that may.
import { h } from '../lib/dom.js';
import { t, tv } from '../lib/i18n.js';
import { listAll, post } from '../lib/api.js';
import { can } from '../lib/perm.js';
import { link, navigate } from '../lib/router.js';
import { table } from '../components/table.js';
import { form, compact } from '../components/form.js';
import { pageHeader, badge } from '../components/ui.js';

export const FLAGS = ['personal_data', 'sensitive_data', 'automated_decisions', 'public_facing', 'generative'];

export function scopeBadges(s) {
  const on = FLAGS.filter((f) => s[f]);
  if (s.model_source && s.model_source !== 'own') on.push('model_' + s.model_source);
  if (s.ethics_domain) on.push('domain_' + s.ethics_domain);
  return on.length ? h('span', { class: 'scope' }, on.map((f) => h('span', { class: 'badge badge-scope' }, tv('scope', f)))) : '–';
}

export async function render() {
  const [items, inits] = await Promise.all([listAll('/systems'), can('POST', '/systems') ? listAll('/initiatives') : []]);
  const reg = can('POST', '/systems') ? form({
    title: t('systems.new'), submitLabel: t('systems.register'), class: 'collapsible',
    fields: [
      { name: 'name', label: t('systems.name'), required: true, maxlength: 64, help: t('systems.name_help') },
      { name: 'title', label: t('field.title'), required: true, maxlength: 200 },
      { name: 'initiative_id', label: t('systems.initiative'), type: 'select', numeric: true, required: true, options: inits.map((i) => ({ value: i.id, label: i.title })) },
      { name: 'risk_tier', label: t('systems.tier'), type: 'select', required: true, options: ['prohibited', 'high', 'limited', 'minimal'].map((x) => ({ value: x, label: tv('tier', x) })) },
      { name: 'tier_reason', label: t('systems.tier_reason'), required: true, maxlength: 2000, wide: true },
      ...FLAGS.map((f) => ({ name: f, label: tv('scope', f), type: 'checkbox' })),
    ],
    onSubmit: async (v) => { const r = await post('/systems', compact(v)); navigate('/risk/systems/' + r.name); },
  }) : null;
  return h('div', { class: 'systems-page' },
    pageHeader(t('page.systems'), t('systems.lead')),
    table({ testid: 'systems', rows: items, initialSort: 'name', empty: t('systems.none'),
      filters: [{ key: 'risk_tier', label: t('systems.tier'), options: ['prohibited', 'high', 'limited', 'minimal'].map((x) => ({ value: x, label: tv('tier', x) })) }],
      columns: [
        { key: 'name', label: t('systems.name'), render: (s) => h('a', { href: link('/risk/systems/' + s.name) }, h('code', {}, s.name)) },
        { key: 'title', label: t('field.title'), wide: true },
        { key: 'initiative_title', label: t('systems.initiative'), render: (s) => h('a', { href: link('/alignment/initiatives/' + s.initiative_id) }, s.initiative_title) },
        { key: 'risk_tier', label: t('systems.tier'), value: (s) => tv('tier', s.risk_tier), render: (s) => badge('tier', s.risk_tier) },
        { key: 'scope', label: t('systems.scope'), value: () => '', render: scopeBadges },
        { key: 'latest_version', label: t('systems.version'), render: (s) => s.latest_version || '–' },
        { key: 'latest_stage', label: t('systems.stage'), value: (s) => tv('sstage', s.latest_stage), render: (s) => badge('sstage', s.latest_stage) },
      ] }),
    reg);
}
