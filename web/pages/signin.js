// SPDX-License-Identifier: GPL-3.0-or-later
// Sign-in: e-mail and password against POST /api/v1/session. Wrong
// credentials, throttling (with the wait) and an ended session are said in
// words; the language can be switched before signing in.
import { h } from '../lib/dom.js';
import { t, getLocale, setLocale, LOCALES } from '../lib/i18n.js';
import { signIn } from '../lib/session.js';
import { form } from '../components/form.js';
import { ApiError } from '../lib/api.js';

let expiredNote = false;

// The next sign-in page says that the session ended.
export function expired() { expiredNote = true; }

export function render({ onSignedIn }) {
  const note = expiredNote ? h('div', { class: 'notice notice-warn', role: 'status' }, t('signin.expired')) : null;
  expiredNote = false;
  const f = form({
    class: 'signin-form',
    fields: [
      { name: 'email', type: 'email', label: t('field.email'), required: true, autocomplete: 'username' },
      { name: 'password', type: 'password', label: t('field.password'), required: true, autocomplete: 'current-password' },
    ],
    submitLabel: t('signin.submit'),
    onSubmit: async (v) => {
      try {
        await signIn(v.email, v.password);
      } catch (err) {
        // A wrong address and a wrong password get the same answer.
        if (err instanceof ApiError && err.status === 401) {
          err.field = '';
          err.code = 'signin_failed';
          err.message = t('error.signin_failed');
        }
        throw err;
      }
      onSignedIn();
    },
  });
  const sel = h('select', { 'aria-label': t('header.language'), class: 'locale', id: 'locale' },
    Object.keys(LOCALES).map((l) => h('option', { value: l, selected: l === getLocale() }, t('locale.' + l))));
  sel.addEventListener('change', () => setLocale(sel.value, true));
  return h('div', { class: 'signin' },
    h('main', { class: 'signin-card', id: 'main' },
      h('div', { class: 'signin-brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('span', {}, 'keel')),
      h('h1', {}, t('signin.title')),
      h('p', { class: 'sub' }, t('signin.tagline')),
      note, f,
      h('div', { class: 'signin-foot' }, sel)));
}
