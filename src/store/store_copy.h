/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copy a whole keel database between back ends (SQLite ↔ PostgreSQL):
 * the schema is created in the empty target, every table is copied row by
 * row with its ids, audit rows verbatim (neither audit log gets an entry),
 * then row counts and the audit head are compared. */
#ifndef KEEL_STORE_COPY_H
#define KEEL_STORE_COPY_H
#include "store/db.h"
#include "util/crypto.h"

/* Called after each batch: rows copied so far, rows in all, the table. */
typedef void (*CopyProgress)(void *pArg, int64_t nDone, int64_t nTotal, const char *zTable);

typedef struct CopyReport {
    int nTable;
    int64_t nRow;
    char zHead[CRYPTO_HEX_LEN]; /* audit head, the same on both sides */
    int64_t nAudit;             /* audit entries */
} CopyReport;

/* Copy src (at this binary's schema version) into dst, which must hold no
 * tables; one transaction on each side. On a mismatch after the copy
 * (KEEL_ECONFLICT) or any error, dst is left as it was and zErr says why. */
int store_copy(Db *src, Db *dst, CopyProgress xProgress, void *pArg, CopyReport *pOut, char *zErr,
               size_t nErr);

#endif
