// SPDX-License-Identifier: GPL-3.0-or-later
// What the signed-in role may call, read from the server's own route table
// (the OpenAPI document lists each route's roles as x-roles), so the UI
// offers exactly what the server allows and never keeps a second copy of
// the rules. Also tells which API routes exist, so pages of paths whose API
// is not built yet can say so.
import { get } from './api.js';

let spec = null;
let role = null;

export async function loadRoutes() {
  if (!spec) spec = await get('/openapi.json');
  return spec;
}

export function setRole(r) { role = r; }
export function getRole() { return role; }

// can('POST', '/objectives') -> whether this role may call it.
export function can(method, pattern) {
  if (!spec || !role) return false;
  const item = spec.paths['/api/v1' + pattern];
  const op = item && item[method.toLowerCase()];
  if (!op) return false;
  const roles = op['x-roles'] || [];
  return roles.includes('public') || roles.includes(role);
}

// The roles that may call a route (from its x-roles).
export function rolesFor(method, pattern) {
  const item = spec && spec.paths['/api/v1' + pattern];
  const op = item && item[method.toLowerCase()];
  return op ? (op['x-roles'] || []) : [];
}

// has('/objectives') -> the route exists (any method).
export function has(pattern, method) {
  if (!spec) return false;
  const item = spec.paths['/api/v1' + pattern];
  return !!item && (!method || !!item[method.toLowerCase()]);
}

// The enum of a schema property (e.g. enumOf('initiative', 'stage')).
export function enumOf(schema, prop) {
  const s = spec && spec.components && spec.components.schemas && spec.components.schemas[schema];
  const p = s && s.properties && s.properties[prop];
  if (!p) return [];
  if (p.enum) return p.enum;
  if (p.items && p.items.enum) return p.items.enum;
  return [];
}
