// SPDX-License-Identifier: GPL-3.0-or-later
// My preferences: the language keel writes to me in (e-mail; the page's
// own language is the switch in the header), and how I am told of each
// kind of item: inbox only, e-mail at once, a daily digest, or off. Kinds
// that must reach someone cannot be off (the server says so too).
import { h } from '../lib/dom.js';
import { t, tv } from '../lib/i18n.js';
import { get, patch } from '../lib/api.js';
import { form } from '../components/form.js';
import { pageHeader, panel } from '../components/ui.js';

export async function render() {
  const p = await get('/me/preferences');
  const fields = [
    { name: 'locale', type: 'select', label: t('prefs.locale'), value: p.locale || '', emptyLabel: t('prefs.locale_org'),
      options: ['en', 'zh-CN'].map((l) => ({ value: l, label: t('locale.' + l) })), help: t('prefs.locale_help') },
    ...p.kinds.map((k) => ({
      name: k.kind, type: 'select', required: true, label: tv('notif.kind', k.kind), value: k.mode,
      options: k.modes.map((m) => ({ value: m, label: tv('notif.mode', m) })),
      help: (k.must_reach ? t('prefs.must_reach') + ' ' : '') + t('prefs.default', { mode: tv('notif.mode', k.default_mode) }),
    })),
  ];
  return h('div', {},
    pageHeader(t('page.preferences'), t('prefs.lead')),
    panel(null, form({
      fields,
      onSubmit: async (v) => {
        const notifications = {};
        for (const k of p.kinds) notifications[k.kind] = v[k.kind];
        await patch('/me/preferences', { locale: v.locale, notifications });
        return t('common.saved');
      },
    })));
}
