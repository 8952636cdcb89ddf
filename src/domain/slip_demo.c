/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's schedules ("schedule" in data/demo.json): stage plans and
 * business deadlines of a few initiatives, dated from the load day, so
 * that one initiative has missed its sales season (and says why) and
 * another is stuck past its plan; set through the domain function the API
 * calls, as each initiative's owner. */
#include "domain/demo.h"
#include "domain/alignment.h"
#include "domain/slip.h"
#include "store/store_crud.h"
#include "util/json.h"

int slip_demo_load(Db *db, const json_t *doc, KeelError *e) {
    const json_t *sec = json_object_get(doc, "schedule");
    size_t i;
    json_t *s;
    int rc = 0;
    json_array_foreach(sec, i, s) {
        Principal by;
        if ((rc = demo_as(db, json_get_str(s, "by"), &by, e))) break;
        const char *zTitle = json_get_str(s, "initiative");
        int64_t id = store_crud_id_by(db, &resource_initiative, "title", zTitle ? zTitle : "");
        json_t *in = json_pack("{sO sO}", "plan", json_object_get(s, "plan"), "deadlines",
                               json_object_get(s, "deadlines"));
        rc = id ? slip_schedule_put(db, &by, id, in, e)
                : err_set(e, KEEL_EINVAL, "initiative", "no initiative '%.100s'",
                          zTitle ? zTitle : "");
        json_decref(in);
        if (rc) break;
    }
    return demo_section_error(rc, e, "schedule");
}
