/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organisation queries beyond the generic CRUD. */
#ifndef KEEL_STORE_ORG_H
#define KEEL_STORE_ORG_H
#include "store/db.h"

/* The parent of unit id into *pParent (0 for a root); KEEL_ENOTFOUND. */
int store_unit_parent(Db *db, int64_t id, int64_t *pParent);

/* The organisation's first month of the fiscal year (1-12; 1 if unset). */
int store_org_fiscal_start(Db *db);
/* Number of units plus people (0: the organisation is empty). */
int store_org_size(Db *db, int64_t *pn);

#endif
