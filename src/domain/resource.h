/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Resource definitions: the fields of each stored resource with their type,
 * limits and flags. One definition drives input validation (here), the
 * generic store (store/store_crud.c), list filters and the OpenAPI schema,
 * so a field's rules live in one place. */
#ifndef KEEL_DOMAIN_RESOURCE_H
#define KEEL_DOMAIN_RESOURCE_H
#include "util/err.h"
#include <jansson.h>

typedef enum FieldType {
    FT_TEXT,   /* string, length within [min, max] bytes, valid UTF-8, no NUL */
    FT_INT,    /* integer within [min, max] */
    FT_REAL,   /* number within [min, max] */
    FT_BOOL,   /* true / false */
    FT_ENUM,   /* one of azEnum */
    FT_SET,    /* array of distinct values of azEnum; stored ",a,b," */
    FT_REF,    /* id of a row of table zRef (checked to exist) */
    FT_EMAIL,  /* text shaped like an address, stored lower-case */
    FT_TIME,   /* ISO 8601 timestamp, server-set */
    FT_DATE,   /* calendar date YYYY-MM-DD */
    FT_PERIOD, /* reporting period: fiscal quarter 2026Q3 or month 2026-09 */
} FieldType;

enum {
    F_REQUIRED = 1, /* must be given on create */
    F_READONLY = 2, /* set by the server; refused in input */
    F_FILTER = 4,   /* the list may be filtered by ?name=value */
    F_NULLABLE = 8, /* may be null */
    F_SECRET = 16,  /* stored but never output */
    F_SORT = 32,    /* the list may be sorted by it (?sort=name or -name) */
    F_UNIQUE = 64,  /* no two rows share a value (a UNIQUE column) */
};

typedef struct FieldDef {
    const char *zName; /* JSON member and column name */
    FieldType type;
    unsigned flags;            /* F_* */
    double min, max;           /* numeric range; for text the length range */
    const char *const *azEnum; /* FT_ENUM / FT_SET values, NULL-terminated */
    const char *zRef;          /* FT_REF: referenced table */
    const char *zDoc;          /* one line for the API description */
} FieldDef;

/* Rows of another table that point at this resource; deleting a row they
 * reference is refused (409) naming them. */
typedef struct RefBy {
    const char *zTable;  /* referencing table */
    const char *zColumn; /* its column holding our id */
    const char *zWhat;   /* plural noun for the message, e.g. "people" */
} RefBy;

typedef struct ResourceDef {
    const char *zName;      /* singular name, used in audit entries: "unit" */
    const char *zTable;     /* table name */
    const FieldDef *aField; /* fields; the first is always "id" */
    int nField;
    const RefBy *aRefBy;
    int nRefBy;
} ResourceDef;

/* The resources of the foundation. */
extern const ResourceDef resource_unit;
extern const ResourceDef resource_person;
extern const ResourceDef resource_account;
extern const ResourceDef resource_api_token;

/* Role and skill vocabularies. */
extern const char *const azRole[];  /* admin, committee, owner, engineer, risk, viewer */
extern const char *const azSkill[]; /* business_expert, ml_engineer, ... */

/* The field called zName, or NULL. */
const FieldDef *resource_field(const ResourceDef *r, const char *zName);

/* Check a create (bCreate=1) or update (0) body against r: unknown fields,
 * read-only fields, types, ranges, lengths, enums, required fields (create
 * only). Normalises in place (emails lower-cased, sets de-duplicated).
 * Returns 0 or KEEL_EINVAL with e naming the field. */
int resource_validate(const ResourceDef *r, json_t *in, int bCreate, KeelError *e);

/* Index of z in the NULL-terminated list az, or -1. */
int resource_enum_index(const char *const *az, const char *z);

#endif
