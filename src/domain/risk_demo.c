/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo's path 3 section ("risk" in data/demo.json): data assets
 * profiled from the files the demo ships, AI systems with their versions,
 * evidence (the demo's stored analyses and documents attested by the risk
 * officer), ethics reviews, committee overrides, the stage moves through
 * the gates (a move named blocked_at must be refused, so the demo's story
 * cannot silently stop holding), the switches' flips, and the risk
 * register. Everything goes
 * through the same domain functions as the API; dates are days before the
 * day the demo loads. */
#include "domain/demo.h"
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "domain/analysis.h"
#include "domain/gate.h"
#include "domain/review.h"
#include "domain/risk.h"
#include "domain/switch.h"
#include "domain/system.h"
#include "store/store_account.h"
#include "store/store_crud.h"
#include "util/crypto.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <string.h>

static int who_is(Db *db, const char *zEmail, Principal *p, KeelError *e) {
    AccountRow a;
    int rc = zEmail ? store_account_by_email(db, zEmail, &a) : KEEL_ENOTFOUND;
    if (rc) return err_set(e, rc, "by", "demo: no account %.100s", zEmail ? zEmail : "(none)");
    auth_principal_from_account(&a, AUTH_COOKIE, p);
    return 0;
}

static void days_ago(const json_t *o) {
    time_shift(-json_integer_value(json_object_get(o, "days_ago")) * 86400);
}

static int64_t person(Db *db, const json_t *o, const char *zKey) {
    const char *z = json_get_str(o, zKey);
    return z ? store_crud_id_by(db, &resource_person, "email", z) : 0;
}

static int risk_demo_assets(Db *db, const Principal *by, const json_t *sec, KeelError *e) {
    size_t i, k;
    json_t *x, *t;
    json_array_foreach(json_object_get(sec, "assets"), i, x) {
        json_t *o = json_deep_copy(x), *ids = json_array();
        static const char *const azDrop[] = {"owner", "initiatives", "sample", "label"};
        for (int d = 0; d < 4; d++)
            json_object_del(o, azDrop[d]);
        json_array_foreach(json_object_get(x, "initiatives"), k, t) json_array_append_new(
            ids, json_integer(
                     store_crud_id_by(db, &resource_initiative, "title", json_string_value(t))));
        json_object_set_new(o, "initiative_ids", ids);
        json_object_set_new(o, "owner_id", json_integer(person(db, x, "owner")));
        int64_t id;
        int rc = alloc_asset_create(db, by, o, &id, e);
        json_decref(o);
        size_t n = 0;
        const char *z = demo_file(json_get_str(x, "sample"), &n);
        json_t *out = NULL;
        if (rc == 0 && z)
            rc = alloc_asset_profile(db, by, id, z, n, json_get_str(x, "label"), 0, &out, e);
        json_decref(out);
        if (rc) return rc;
    }
    return 0;
}

/* One version: register it, attach and attest its evidence, record its
 * override, then its moves; the move to blocked_at must be refused. */
static int risk_demo_version(Db *db, const Principal *by, const Principal *reviewer,
                             const Principal *chair, const char *zName, const json_t *v,
                             KeelError *e) {
    json_t *o = json_pack("{sO}", "version", json_object_get(v, "version"));
    static const char *const azCopy[] = {"algorithm", "purpose", "deployment", "callers", NULL};
    for (int k = 0; azCopy[k]; k++)
        if (json_object_get(v, azCopy[k]))
            json_object_set(o, azCopy[k], json_object_get(v, azCopy[k]));
    if (json_get_str(v, "training_asset"))
        json_object_set_new(o, "training_asset_id",
                            json_integer(store_crud_id_by(db, &resource_data_asset, "name",
                                                          json_get_str(v, "training_asset"))));
    if (person(db, v, "owner"))
        json_object_set_new(o, "owner_id", json_integer(person(db, v, "owner")));
    size_t n = 0;
    const char *zEval = demo_file(json_get_str(v, "evaluation_file"), &n);
    if (zEval) {
        char zSha[CRYPTO_HEX_LEN];
        crypto_sha256_hex(zEval, n, zSha);
        json_object_set_new(o, "evaluation_sha256", json_string(zSha));
    }
    int64_t id;
    int rc = system_version_create(db, by, zName, o, &id, e);
    json_decref(o);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(v, "evidence"), i, x) {
        if (rc) break;
        json_t *ev;
        if (json_get_str(x, "analysis")) {
            int64_t aid =
                store_crud_id_by(db, &resource_analysis, "title", json_get_str(x, "analysis"));
            if (!aid)
                return err_set(e, KEEL_EINVAL, "analysis", "demo: no analysis titled %.100s",
                               json_get_str(x, "analysis"));
            ev = json_pack("{sO sI}", "version", json_object_get(v, "version"), "analysis_id",
                           (json_int_t)aid);
        } else {
            ev = json_pack("{sO sO sO sO sI}", "version", json_object_get(v, "version"), "kind",
                           json_object_get(x, "kind"), "title", json_object_get(x, "title"),
                           "reference", json_object_get(x, "reference"), "reviewer_id",
                           (json_int_t)reviewer->accountId);
        }
        days_ago(x);
        int64_t evId;
        rc = system_evidence_add(db, by, zName, ev, &evId, e);
        json_decref(ev);
        if (rc == 0 && !json_get_str(x, "analysis"))
            rc = system_evidence_attest(db, reviewer, evId, e);
        time_shift(0);
    }
    const json_t *ov = json_object_get(v, "override");
    if (rc == 0 && ov) {
        char zExp[32];
        time_iso(time_now() + json_integer_value(json_object_get(ov, "expires_in_days")) * 86400,
                 zExp, sizeof zExp);
        json_t *in = json_pack("{sO sO ss}", "stage", json_object_get(ov, "stage"), "reason",
                               json_object_get(ov, "reason"), "expires_at", zExp);
        days_ago(ov);
        int64_t oid;
        rc = gate_override_add(db, chair, zName, 0, in, &oid, e);
        time_shift(0);
        json_decref(in);
    }
    json_array_foreach(json_object_get(v, "moves"), i, x) {
        if (rc) break;
        json_t *in =
            json_pack("{sO sO ss}", "to", json_object_get(x, "to"), "version",
                      json_object_get(v, "version"), "reason", "the gate's evidence is in");
        json_t *gate = NULL;
        days_ago(x);
        rc = gate_system_transition(db, by, zName, in, &gate, e);
        time_shift(0);
        json_decref(in);
        json_decref(gate);
    }
    const char *zBlocked = json_get_str(v, "blocked_at");
    if (rc == 0 && zBlocked) {
        json_t *in = json_pack("{ss sO ss}", "to", zBlocked, "version",
                               json_object_get(v, "version"), "reason", "try the gate");
        json_t *gate = NULL;
        KeelError e2;
        int rc2 = gate_system_transition(db, by, zName, in, &gate, &e2);
        json_decref(in);
        json_decref(gate);
        if (rc2 != KEEL_ECONFLICT || strcmp(e2.zCode, "gate_refused") != 0)
            rc = err_set(e, KEEL_EINTERNAL, "blocked_at",
                         "demo: %s was to be blocked at %s, but the gate did not refuse", zName,
                         zBlocked);
    }
    return rc;
}

int risk_demo_load(Db *db, const json_t *doc, KeelError *e) {
    const json_t *sec = json_object_get(doc, "risk");
    if (!sec) return 0;
    Principal reviewer, chair;
    int rc = who_is(db, json_get_str(sec, "reviewer"), &reviewer, e);
    if (rc == 0) rc = who_is(db, json_get_str(sec, "chair"), &chair, e);
    if (rc == 0) rc = risk_demo_assets(db, &chair, sec, e);
    size_t i, k;
    json_t *x, *v;
    /* reviews are held before the moves that read them */
    json_array_foreach(json_object_get(sec, "systems"), i, x) {
        if (rc) break;
        Principal by;
        if ((rc = who_is(db, json_get_str(x, "by"), &by, e))) break;
        json_t *o = json_deep_copy(x);
        json_object_del(o, "by");
        json_object_del(o, "versions");
        json_object_del(o, "initiative");
        json_object_set_new(o, "initiative_id",
                            json_integer(store_crud_id_by(db, &resource_initiative, "title",
                                                          json_get_str(x, "initiative"))));
        time_shift(-70 * 86400); /* registered ten weeks ago, before its first move */
        int64_t id;
        rc = system_create(db, &by, o, &id, e);
        time_shift(0);
        json_decref(o);
    }
    json_array_foreach(json_object_get(sec, "reviews"), i, x) {
        if (rc) break;
        json_t *o = json_deep_copy(x);
        char zName[SYSTEM_NAME_MAX + 1], zDay[32];
        snprintf(zName, sizeof zName, "%s", json_get_str(x, "system"));
        json_object_del(o, "system");
        json_object_del(o, "days_ago");
        days_ago(x);
        time_iso(time_now(), zDay, sizeof zDay);
        zDay[10] = 0;
        json_object_set_new(o, "held_on", json_string(zDay));
        int64_t id;
        rc = review_create(db, &reviewer, zName, o, &id, e);
        time_shift(0);
        json_decref(o);
    }
    json_array_foreach(json_object_get(sec, "systems"), i, x) {
        Principal by;
        if (rc == 0) rc = who_is(db, json_get_str(x, "by"), &by, e);
        json_array_foreach(json_object_get(x, "versions"), k, v) {
            if (rc) break;
            rc = risk_demo_version(db, &by, &reviewer, &chair, json_get_str(x, "name"), v, e);
        }
        if (rc) {
            char zMsg[sizeof e->zMsg];
            snprintf(zMsg, sizeof zMsg, "%s", e->zMsg);
            return err_set(e, rc, "risk", "demo: system %s: %.200s", json_get_str(x, "name"), zMsg);
        }
    }
    /* the switches, flipped once the versions have passed their gates */
    json_array_foreach(json_object_get(sec, "switches"), i, x) {
        if (rc) break;
        Principal by;
        if ((rc = who_is(db, json_get_str(x, "by"), &by, e))) break;
        json_t *o = json_deep_copy(x), *out = NULL;
        static const char *const azDrop[] = {"system", "by", "days_ago"};
        for (int d = 0; d < 3; d++)
            json_object_del(o, azDrop[d]);
        days_ago(x);
        rc = switch_set(db, &by, json_get_str(x, "system"), o, &out, e);
        time_shift(0);
        json_decref(out);
        json_decref(o);
    }
    json_array_foreach(json_object_get(sec, "risks"), i, x) {
        if (rc) break;
        json_t *o = json_deep_copy(x);
        json_object_del(o, "system");
        json_object_del(o, "owner");
        json_object_del(o, "due_in_days");
        json_object_set_new(o, "system_id",
                            json_integer(system_id_by_name(db, json_get_str(x, "system"))));
        if (person(db, x, "owner"))
            json_object_set_new(o, "owner_id", json_integer(person(db, x, "owner")));
        if (json_object_get(x, "due_in_days")) {
            char zDay[32];
            time_iso(time_now() + json_integer_value(json_object_get(x, "due_in_days")) * 86400,
                     zDay, sizeof zDay);
            zDay[10] = 0;
            json_object_set_new(o, "due_date", json_string(zDay));
        }
        int64_t id;
        rc = risk_create(db, &reviewer, o, &id, e);
        json_decref(o);
    }
    return rc;
}
