// SPDX-License-Identifier: GPL-3.0-or-later
// The one way the UI talks to keel: fetch under /api/v1 with the session
// cookie, JSON in and out, and the CSRF token in X-CSRF-Token on every
// write. A failure throws ApiError carrying the server's error envelope
// (code, field, message, request id), which forms show field by field.

let csrfToken = null;
let onSignedOut = null;

export class ApiError extends Error {
  constructor(status, envelope, retryAfter) {
    const e = (envelope && envelope.error) || {};
    super(e.message || 'HTTP ' + status);
    this.status = status;
    this.code = e.code || (status === 0 ? 'network' : 'internal');
    this.field = e.field || '';
    this.params = e.params && typeof e.params === 'object' ? e.params : null; /* the message's values */
    this.requestId = e.request_id || '';
    this.retryAfter = retryAfter || 0;
    this.rows = Array.isArray(e.rows) ? e.rows : []; /* bad rows of an import: {row, field, message} */
    /* a refused gate: [{id, evidence_kind, state, detail}] */
    this.requirements = Array.isArray(e.requirements) ? e.requirements : [];
  }
}

export function setCsrf(token) { csrfToken = token || null; }

// fn() is called when a request is refused 401 (the session ended).
export function onUnauthenticated(fn) { onSignedOut = fn; }

// api('GET', '/units?limit=1000') -> parsed JSON (null for 204).
export async function api(method, path, body, { quiet401 = false, csv = false } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = csv ? 'text/csv' : 'application/json';
    init.body = csv ? String(body) : JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let r;
  try {
    r = await fetch('/api/v1' + path, init);
  } catch (err) {
    throw new ApiError(0, { error: { code: 'network', message: String(err) } });
  }
  if (r.status === 204) return null;
  let j = null;
  try { j = await r.json(); } catch { j = null; }
  if (!r.ok) {
    const e = new ApiError(r.status, j, Number(r.headers.get('Retry-After')) || 0);
    if (r.status === 401 && !quiet401 && onSignedOut) onSignedOut(e);
    throw e;
  }
  return j;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
// POST a CSV text (for the imports that take text/csv).
export const postCsv = (path, text) => api('POST', path, text, { csv: true });

// Every row of a list endpoint (pages of 1000).
export async function listAll(path) {
  const sep = path.includes('?') ? '&' : '?';
  let items = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await get(`${path}${sep}limit=1000&offset=${offset}`);
    items = items.concat(page.items || []);
    if (items.length >= (page.total || 0) || !(page.items || []).length) break;
  }
  return items;
}
