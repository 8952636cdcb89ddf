/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The types of a resource definition: the fields of a stored resource with
 * their type, limits and flags, the table they live in, and the rows of
 * other tables that point at it. They describe tables, so they sit in
 * store/ (the generic CRUD reads them) below domain/, which defines the
 * resources themselves (domain/resource.h) and validates input against
 * them. RESOURCE() counts the fields itself, and ID_FIELD / TIMES are the
 * fields most resources share. */
#ifndef KEEL_STORE_RESDEF_H
#define KEEL_STORE_RESDEF_H
#include "util/mem.h"

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

/* The field called zName, or NULL. */
const FieldDef *resource_field(const ResourceDef *r, const char *zName);
/* Index of z in the NULL-terminated list az, or -1 (also for z NULL). */
int resource_enum_index(const char *const *az, const char *z);

/* A definition over the array aField (its size counted, never typed), and
 * the same with the array of rows that reference it. */
#define RESOURCE(zName, zTable, aField)                                                            \
    { zName, zTable, aField, (int)ARRAY_SIZE(aField), NULL, 0 }
#define RESOURCE_REFBY(zName, zTable, aField, aRefBy)                                              \
    { zName, zTable, aField, (int)ARRAY_SIZE(aField), aRefBy, (int)ARRAY_SIZE(aRefBy) }

/* The fields most resources share: the id first, the two timestamps last. */
#define ID_FIELD                                                                                   \
    { "id", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "identifier" }
#define TIMES                                                                                      \
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was created"}, {       \
        "updated_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it last changed"       \
    }

#endif
