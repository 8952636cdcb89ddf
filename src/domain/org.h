/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The organisation: its settings, business units (a tree) and people. The
 * rules beyond field validation: a unit cannot sit under itself or one of
 * its own descendants. */
#ifndef KEEL_DOMAIN_ORG_H
#define KEEL_DOMAIN_ORG_H
#include "domain/resource.h"
#include "store/db.h"
#include "store/store_audit.h"

extern const ResourceDef resource_settings;

/* Validate and apply a change to unit id (the tree rule included). */
int org_unit_update(Db *db, const Actor *actor, int64_t id, json_t *in, KeelError *e);

/* Check that giving unit id the parent parentId keeps the tree a tree. */
int org_unit_check_parent(Db *db, int64_t id, int64_t parentId, KeelError *e);

struct Principal;
/* The settings as the caller may see them: the smtp_* fields only for
 * admins. */
int org_settings_get(Db *db, const struct Principal *who, json_t **ppOut, KeelError *e);
/* Change the settings: field rules, then smtp_url must be smtp:// or
 * smtps://, public_url http(s)://, smtp_password_file an absolute path. */
int org_settings_update(Db *db, const struct Principal *who, json_t *in, KeelError *e);

#endif
