/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Generic storage of the resources described by a ResourceDef: get, list
 * (filter, sort, page), create, update, delete. Every change runs in one
 * transaction with its audit entry; references are checked so that a
 * dangling id is refused (400) and deleting a referenced row is refused
 * (409) naming what references it. Column names come only from the static
 * definitions; values are always bound. */
#ifndef KEEL_STORE_CRUD_H
#define KEEL_STORE_CRUD_H
#include "store/db.h"
#include "store/resdef.h"
#include "store/store_audit.h"
#include "util/err.h"
#include <jansson.h>

#define CRUD_MAX_FILTER 8

typedef struct ListQuery {
    int64_t limit;     /* rows per page (1..1000) */
    int64_t offset;    /* rows skipped */
    const char *zSort; /* field name, optional leading '-' for descending; NULL: id */
    int nFilter;
    struct {
        const FieldDef *f;  /* the filtered field (F_FILTER) */
        const char *zValue; /* value as typed in the query string */
    } aFilter[CRUD_MAX_FILTER];
    /* > 0: only rows of resources with an initiative_id whose initiative
     * this person owns (a business owner's view); < 0: no rows */
    int64_t initiativeOwner;
} ListQuery;

/* Row id as JSON object (new reference) into *ppOut; KEEL_ENOTFOUND. */
int store_crud_get(Db *db, const ResourceDef *r, int64_t id, json_t **ppOut);
/* A page of rows: *ppItems a new array, *pTotal the count of all rows
 * matching the filters. Filter values are checked here (KEEL_EINVAL in e). */
int store_crud_list(Db *db, const ResourceDef *r, const ListQuery *q, json_t **ppItems,
                    int64_t *pTotal, KeelError *e);
/* Insert the fields present in `in` (already validated; the caller may add
 * read-only fields such as a password hash). created_at / updated_at are
 * set when defined. Audited as "create". */
int store_crud_create(Db *db, const ResourceDef *r, const Actor *actor, const json_t *in,
                      int64_t *pId, KeelError *e);
/* Change the fields present in `in`. Audited as "update" with before and
 * after. KEEL_ENOTFOUND when the row does not exist. */
int store_crud_update(Db *db, const ResourceDef *r, const Actor *actor, int64_t id,
                      const json_t *in, KeelError *e);
/* Delete the row unless referenced (KEEL_ECONFLICT naming the referrers). */
int store_crud_delete(Db *db, const ResourceDef *r, const Actor *actor, int64_t id, KeelError *e);
/* The id of the row of r whose text field zField equals z (0 when none;
 * zField must be a field of r). */
int64_t store_crud_id_by(Db *db, const ResourceDef *r, const char *zField, const char *z);
/* 1 when row id of r exists, 0 when not, or a negative error. */
int store_crud_exists(Db *db, const ResourceDef *r, int64_t id);
/* Every column r names exists in the open database: its fields, the table
 * of each FT_REF field and each referencing table and column. 0, or
 * KEEL_EINTERNAL with e naming the first one missing. */
int store_crud_check_def(Db *db, const ResourceDef *r, KeelError *e);
/* Count rows of zTable whose zColumn equals id. */
int store_crud_count_refs(Db *db, const char *zTable, const char *zColumn, int64_t id, int64_t *pn);

#endif
