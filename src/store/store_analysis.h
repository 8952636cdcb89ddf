/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for stored analyses beyond the generic CRUD. */
#ifndef KEEL_STORE_ANALYSIS_H
#define KEEL_STORE_ANALYSIS_H
#include "store/db.h"
#include <jansson.h>

/* The spec and result of analysis id, parsed (new references); ENOTFOUND. */
int store_analysis_payload(Db *db, int64_t id, json_t **ppSpec, json_t **ppResult);

#endif
