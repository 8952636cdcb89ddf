/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for stored analyses; see store_analysis.h. */
#include "store/store_analysis.h"
#include "util/err.h"

int store_analysis_payload(Db *db, int64_t id, json_t **ppSpec, json_t **ppResult) {
    json_t *r;
    int rc = db_select_json_row(db, &r, "SELECT spec, result FROM analysis WHERE id = ?", "i", id);
    if (rc) return rc;
    *ppSpec = json_loads(json_string_value(json_object_get(r, "spec")), 0, NULL);
    *ppResult = json_loads(json_string_value(json_object_get(r, "result")), 0, NULL);
    json_decref(r);
    return 0;
}
