/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel's error codes. Functions return 0 on success or a negative KEEL_E*
 * value; results come back through out-parameters. Each code has a stable
 * wire name (err_code_name) and an HTTP status (err_http_status) so the API
 * maps errors to the one envelope in exactly one place. */
#ifndef KEEL_UTIL_ERR_H
#define KEEL_UTIL_ERR_H

enum {
    KEEL_OK = 0,
    KEEL_EINVAL = -1,     /* bad input: "invalid" (400) */
    KEEL_ENOTFOUND = -2,  /* no such resource (404) */
    KEEL_ECONFLICT = -3,  /* state conflict, e.g. referenced or duplicate (409) */
    KEEL_EAUTH = -4,      /* not authenticated (401) */
    KEEL_EFORBIDDEN = -5, /* authenticated but not allowed (403) */
    KEEL_ENOMEM = -6,     /* out of memory (500) */
    KEEL_EIO = -7,        /* storage or file I/O failed (500) */
    KEEL_ETOOBIG = -8,    /* over a size cap (413) */
    KEEL_ERULE = -9,      /* a domain rule refuses the change (422) */
    KEEL_EBUSY = -10,     /* database busy / try later (503) */
    KEEL_EINTERNAL = -11, /* a bug or unexpected state (500) */
    KEEL_ERATE = -12,     /* slowed down: too many attempts (429) */
    KEEL_EVERSION = -13,  /* database schema newer than binary */
    KEEL_EMETHOD = -14,   /* the path exists with other methods (405) */
    KEEL_ELENGTH = -15,   /* a body without a length (411) */
    KEEL_EMEDIA = -16,    /* a body of a type the route does not take (415) */
    KEEL_EFULL = -17,     /* the disk (or the database's size limit) is full (507) */
    KEEL_EUNIMPL =
        -18, /* a request feature keel does not implement, e.g. a transfer coding (501) */
};

/* Stable machine-readable name of an error code ("invalid", "not_found",
 * ...). Never NULL. */
const char *err_code_name(int rc);

/* The HTTP status that the API answers for an error code. */
int err_http_status(int rc);

/* An error with its detail, as the API's envelope carries it: the code,
 * the field it concerns (may be empty) and a message saying what is wrong
 * and how to fix it. Filled by err_set(); rc is also returned. */
typedef struct KeelError {
    int rc;            /* KEEL_E* */
    char zField[64];   /* the input field at fault, or "" */
    char zMsg[320];    /* one or two sentences for a person */
    char zCode[32];    /* a specific wire code ("unaligned", ...), or "" for err_code_name(rc) */
    char zParams[512]; /* the message's values as a JSON object (clients word the code
                        * with them, docs/api.md#sentences), or "" */
} KeelError;

/* Fill e (may be NULL) and return rc. The wire code is err_code_name(rc). */
int err_set(KeelError *e, int rc, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "no <zWhat> with id <id>" in e for zField; returns rc (KEEL_ENOTFOUND for
 * the row asked for, KEEL_EINVAL for an id given in the input). */
int err_no_id(KeelError *e, int rc, const char *zField, const char *zWhat, long long id);
/* The same with a specific wire code (a stable name clients may translate,
 * e.g. "illegal_transition"). */
int err_set_code(KeelError *e, int rc, const char *zCode, const char *zField, const char *zFmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Attach the values of e's message as JSON object text (zJson; too long or
 * NULL: none), for the envelope's params. */
void err_set_params(KeelError *e, const char *zJson);

#endif
