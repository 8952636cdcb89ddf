// SPDX-License-Identifier: GPL-3.0-or-later
// The signed-in person: who am I (GET /api/v1/session), sign in (POST),
// sign out (DELETE). Keeps the CSRF token for the API client and the role
// for permission checks; the organisation settings come along (currency,
// default locale, name).
import { api, get, del, setCsrf } from './api.js';
import { setRole, loadRoutes } from './perm.js';
import { setCurrency } from './i18n.js';

export const session = { who: null, settings: null };

async function afterSignIn(who) {
  session.who = who;
  setCsrf(who.csrf_token);
  setRole(who.role);
  const [settings] = await Promise.all([get('/settings'), loadRoutes()]);
  session.settings = settings;
  setCurrency(settings.currency);
  return who;
}

// The current session, or null when signed out.
export async function resume() {
  try {
    const who = await get('/session', { quiet401: true });
    return await afterSignIn(who);
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signIn(email, password) {
  const who = await api('POST', '/session', { email, password }, { quiet401: true });
  return afterSignIn(who);
}

export async function signOut() {
  try { await del('/session'); } catch { /* already gone */ }
  session.who = null;
  session.settings = null;
  setCsrf(null);
  setRole(null);
}
