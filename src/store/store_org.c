/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for the organisation beyond the generic CRUD; see store_org.h. */
#include "store/store_org.h"
#include "util/err.h"

static int parent_row(DbStmt *s, void *pv) {
    *(int64_t *)pv = db_column_type(s, 0) == DB_NULL ? 0 : db_column_int(s, 0);
    return 0;
}

int store_unit_parent(Db *db, int64_t id, int64_t *pParent) {
    return db_query_row(db, parent_row, pParent, "SELECT parent_id FROM unit WHERE id = ?", "i",
                        id);
}

int store_org_fiscal_start(Db *db) {
    int64_t m = 1;
    if (db_query_int(db, &m, "SELECT fiscal_year_start_month FROM org_settings WHERE id = 1",
                     NULL) ||
        m < 1 || m > 12)
        m = 1;
    return (int)m;
}

int store_org_size(Db *db, int64_t *pn) {
    return db_query_int(db, pn,
                        "SELECT (SELECT count(*) FROM unit) + (SELECT count(*) FROM person)", NULL);
}
