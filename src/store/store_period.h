/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A value per period of an owner row, written one way for every table of
 * that shape: a KPI's values (kpi_value), a pool's capacity and usage
 * (pool_capacity, pool_usage). Each such table has id, the owner's column,
 * period, period_index, the value's column, note, created_at and
 * updated_at, and one row per (owner, period). Internal to store/. */
#ifndef KEEL_STORE_PERIOD_H
#define KEEL_STORE_PERIOD_H
#include "store/db.h"
#include "store/store_audit.h"
#include <stdint.h>

/* The names of one such table (static strings: they go into SQL). */
typedef struct PeriodTable {
    const char *zTable, *zOwner, *zValue;
} PeriodTable;

/* Set the value (and note, period index) of ownerId for zPeriod: update
 * the row if there is one, else insert it; then an audit entry of the
 * table ("update" from the old row, or "create"). Call inside a
 * transaction. */
int store_period_value_put(Db *db, const Actor *actor, const PeriodTable *t, int64_t ownerId,
                           const char *zPeriod, int64_t periodIndex, double value,
                           const char *zNote);

#endif
