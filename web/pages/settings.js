// SPDX-License-Identifier: GPL-3.0-or-later
// Organisation settings (admins): name, currency, fiscal year start and
// the default language; e-mail (the SMTP server keel sends through, the
// address people open keel at, the digest hour) with a test send that
// shows the SMTP conversation.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { get, patch, post } from '../lib/api.js';
import { enumOf } from '../lib/perm.js';
import { session } from '../lib/session.js';
import { setCurrency } from '../lib/i18n.js';
import { form } from '../components/form.js';
import { pageHeader, panel, notice } from '../components/ui.js';
import { replace } from '../lib/dom.js';

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
        { name: 'definition_dispute_days', type: 'number', required: true, min: 1, max: 365, step: 1,
          label: t('field.definition_dispute_days'), help: t('field.definition_dispute_days_hint'), value: s.definition_dispute_days },
      ],
      onSubmit: async (v) => {
        const r = await patch('/settings', v);
        session.settings = r;
        setCurrency(r.currency);
        document.querySelector('.brand .org').textContent = r.name;
        return t('common.saved');
      },
    })),
    panel(t('settings.mail'), h('p', { class: 'sub' }, t('settings.mail_lead')), form({
      fields: [
        { name: 'smtp_url', label: t('field.smtp_url'), value: s.smtp_url, maxlength: 300, placeholder: 'smtp://mail.example.com:587', help: t('settings.smtp_url_help') },
        { name: 'smtp_tls', type: 'select', required: true, label: t('field.smtp_tls'), value: s.smtp_tls,
          options: enumOf('settings', 'smtp_tls').map((v) => ({ value: v, label: t('settings.tls.' + v) })) },
        { name: 'smtp_from', type: 'email', label: t('field.smtp_from'), value: s.smtp_from, maxlength: 254 },
        { name: 'smtp_user', label: t('field.smtp_user'), value: s.smtp_user, maxlength: 200 },
        { name: 'smtp_password_file', label: t('field.smtp_password_file'), value: s.smtp_password_file, maxlength: 500,
          placeholder: '/etc/keel/smtp-password', help: t('settings.password_help') },
        { name: 'public_url', label: t('field.public_url'), value: s.public_url, maxlength: 300, placeholder: 'https://keel.example.com' },
        { name: 'digest_hour', type: 'number', required: true, min: 0, max: 23, label: t('field.digest_hour'), value: s.digest_hour },
      ],
      onSubmit: async (v) => { await patch('/settings', v); return t('common.saved'); },
    })),
    panel(t('settings.test'), testSend()));
}

// Send a test message and show how the conversation went.
function testSend() {
  const out = h('div', { class: 'smtp-test-out', dataset: { testid: 'smtp-test-out' } });
  const f = form({
    submitLabel: t('settings.test_send'),
    fields: [{ name: 'to', type: 'email', label: t('settings.test_to'), value: session.who.email, maxlength: 254 }],
    onSubmit: async (v) => {
      replace(out);
      const r = await post('/settings/smtp-test', { to: v.to });
      replace(out,
        notice(t('settings.outcome.' + r.outcome, { to: r.to, code: r.smtp_code || '–' }) + (r.error ? ' — ' + r.error : ''),
          r.outcome === 'sent' ? 'good' : 'error'),
        r.transcript.length ? h('pre', { class: 'transcript' }, r.transcript.join('\n')) : null);
      return '';
    },
  });
  return h('div', {}, f, out);
}
