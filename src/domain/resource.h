/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resource definitions: the fields of each stored resource with their type,
 * limits and flags (the types are store/resdef.h's). One definition drives
 * input validation (here), the generic store (store/store_crud.c), list
 * filters and the OpenAPI schema, so a field's rules live in one place. */
#ifndef KEEL_DOMAIN_RESOURCE_H
#define KEEL_DOMAIN_RESOURCE_H
#include "store/db.h"
#include "store/resdef.h"
#include "util/err.h"
#include <jansson.h>
#include <stdint.h>

/* Every resource definition of keel, NULL-terminated: the tests check each
 * against the migrated schema and the request fuzzer validates against
 * each. A new resource is added here (a unit test checks that every
 * route's resource is listed). */
extern const ResourceDef *const resource_all[];

/* The resources of the foundation. */
extern const ResourceDef resource_unit;
extern const ResourceDef resource_person;
extern const ResourceDef resource_account;
extern const ResourceDef resource_api_token;

/* Role and skill vocabularies. */
extern const char *const azRole[];  /* admin, committee, owner, engineer, risk, viewer */
extern const char *const azSkill[]; /* business_expert, ml_engineer, ... */

struct Principal;
/* The generic changes of a resource as who: validated, stored and audited
 * (auth_actor) in one transaction; used by the API's generic handlers and
 * by anything else that changes a plain resource. */
int resource_create(Db *db, const struct Principal *who, const ResourceDef *r, json_t *in,
                    int64_t *pId, KeelError *e);
int resource_update(Db *db, const struct Principal *who, const ResourceDef *r, int64_t id,
                    json_t *in, KeelError *e);
int resource_delete(Db *db, const struct Principal *who, const ResourceDef *r, int64_t id,
                    KeelError *e);

/* Check a create (bCreate=1) or update (0) body against r: unknown fields,
 * read-only fields, types, ranges, lengths, enums, required fields (create
 * only). Normalises in place (emails lower-cased, sets de-duplicated).
 * Returns 0 or KEEL_EINVAL with e naming the field. */
int resource_validate(const ResourceDef *r, json_t *in, int bCreate, KeelError *e);
/* Row id of r, which a body refers to by field zField, into *ppRow (the
 * caller releases it; ppRow NULL: only check that it exists). A missing
 * row is the body's error: KEEL_EINVAL "<zWhat> <id> does not exist". */
int resource_get_ref(Db *db, const ResourceDef *r, int64_t id, const char *zField,
                     const char *zWhat, json_t **ppRow, KeelError *e);
/* KEEL_EINVAL naming the first member of object in that is not in the
 * NULL-terminated list az (the message lists az), else 0. */
int resource_only_keys(const json_t *in, const char *const *az, KeelError *e);
/* Turn row's FT_BOOL fields of r that a plain SELECT gave as 0/1 into
 * JSON booleans in place (as store_crud answers them). */
void resource_row_bools(const ResourceDef *r, json_t *row);

#endif
