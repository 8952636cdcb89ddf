// SPDX-License-Identifier: GPL-3.0-or-later
// Organisation settings (admins): name, currency, fiscal year start and
// the default language.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { get, patch } from '../lib/api.js';
import { enumOf } from '../lib/perm.js';
import { session } from '../lib/session.js';
import { setCurrency } from '../lib/i18n.js';
import { form } from '../components/form.js';
import { pageHeader, panel } from '../components/ui.js';

export async function render() {
  const s = await get('/settings');
  const months = Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: t('month.' + (i + 1)) }));
  return h('div', {},
    pageHeader(t('page.settings'), t('settings.lead')),
    panel(null, form({
      fields: [
        { name: 'name', label: t('field.org_name'), required: true, maxlength: 200, value: s.name },
        { name: 'currency', type: 'select', label: t('field.currency'), required: true, value: s.currency,
          options: enumOf('settings', 'currency').map((c) => ({ value: c, label: c })) },
        { name: 'fiscal_year_start_month', type: 'select', numeric: true, required: true, label: t('field.fiscal_year_start_month'),
          value: s.fiscal_year_start_month, options: months },
        { name: 'default_locale', type: 'select', required: true, label: t('field.default_locale'), value: s.default_locale,
          options: enumOf('settings', 'default_locale').map((l) => ({ value: l, label: t('locale.' + l) })) },
      ],
      onSubmit: async (v) => {
        const r = await patch('/settings', v);
        session.settings = r;
        setCurrency(r.currency);
        document.querySelector('.brand .org').textContent = r.name;
        return t('common.saved');
      },
    })));
}
