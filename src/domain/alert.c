/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alert rules, their evaluation, webhook deliveries and switch trips;
 * see alert.h. */
#include "domain/alert.h"
#include "domain/decay.h"
#include "domain/switch.h"
#include "domain/system.h"
#include "engine/evagg.h"
#include "store/store_alert.h"
#include "store/store_audit.h"
#include "store/store_baseline.h"
#include "util/crypto.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const azKind[] = {"threshold", "relative", "drift", "decay", "no_data", NULL};
static const char *const azMetric[] = {"accuracy",   "error_rate", "p50",    "p90", "p99",
                                       "mean_score", "auc",        "events", NULL};
static const char *const azOp[] = {"<", "<=", ">", ">=", NULL};
static const char *const azSeverity[] = {"info", "warning", "critical", NULL};

static int in_list(const char *const *az, const char *z) {
    for (int i = 0; z && az[i]; i++)
        if (strcmp(az[i], z) == 0) return 1;
    return 0;
}

/* ---- rules ------------------------------------------------------------------ */

/* Check the fields of a new rule; the defaults filled into *r. */
static int rule_check(Db *db, const json_t *in, AlertRuleRow *r, KeelError *e) {
    static const char *const azField[] = {"name",    "kind",        "metric", "segment",
                                          "op",      "value",       "for",    "severity",
                                          "webhook", "trip_switch", NULL};
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (!in_list(azField, zKey))
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field '%.40s'; send name, kind, metric, segment, op, value, "
                           "for, severity, webhook, trip_switch",
                           zKey);
    }
    r->zName = json_get_str(in, "name");
    if (!r->zName || !*r->zName || strlen(r->zName) > 100)
        return err_set(e, KEEL_EINVAL, "name", "name is required (1 to 100 characters)");
    r->zKind = json_get_str(in, "kind");
    if (!in_list(azKind, r->zKind))
        return err_set(e, KEEL_EINVAL, "kind",
                       "kind is threshold, relative, drift, decay or no_data");
    r->zMetric = json_get_str(in, "metric");
    int bMetric = !strcmp(r->zKind, "threshold") || !strcmp(r->zKind, "relative");
    if (bMetric && !in_list(azMetric, r->zMetric))
        return err_set(e, KEEL_EINVAL, "metric",
                       "metric is accuracy, error_rate, p50, p90, p99, mean_score, auc or events");
    if (!bMetric)
        r->zMetric = !strcmp(r->zKind, "drift")   ? "psi"
                     : !strcmp(r->zKind, "decay") ? "findings"
                                                  : "minutes";
    r->zSegment = json_get_str(in, "segment");
    if (!r->zSegment) r->zSegment = "*";
    if (strlen(r->zSegment) > 64)
        return err_set(e, KEEL_EINVAL, "segment", "segment is at most 64 bytes ('*': all)");
    r->zOp = json_get_str(in, "op");
    if (!r->zOp)
        r->zOp = !strcmp(r->zKind, "threshold") || !strcmp(r->zKind, "relative") ? NULL : ">";
    if (!in_list(azOp, r->zOp)) return err_set(e, KEEL_EINVAL, "op", "op is <, <=, > or >=");
    json_t *jv = json_object_get(in, "value");
    if (!json_is_number(jv) || !isfinite(json_number_value(jv)))
        return err_set(e, KEEL_EINVAL, "value", "value is required: a number");
    r->value = json_number_value(jv);
    json_t *jf = json_object_get(in, "for");
    if (jf &&
        (!json_is_integer(jf) || json_integer_value(jf) < 0 || json_integer_value(jf) > 7 * 86400))
        return err_set(e, KEEL_EINVAL, "for", "for is whole seconds, 0 to 604800 (a week)");
    r->forS = jf ? json_integer_value(jf) : 0;
    r->zSeverity = json_get_str(in, "severity");
    if (!r->zSeverity) r->zSeverity = "warning";
    if (!in_list(azSeverity, r->zSeverity))
        return err_set(e, KEEL_EINVAL, "severity", "severity is info, warning or critical");
    json_t *jt = json_object_get(in, "trip_switch");
    if (jt && !json_is_boolean(jt))
        return err_set(e, KEEL_EINVAL, "trip_switch", "trip_switch is true or false");
    r->bTrip = json_is_true(jt);
    const char *zHook = json_get_str(in, "webhook");
    r->webhookId = 0;
    if (json_object_get(in, "webhook") && !json_is_null(json_object_get(in, "webhook"))) {
        int rc = zHook ? store_webhook_id(db, zHook, &r->webhookId) : KEEL_ENOTFOUND;
        if (rc == KEEL_ENOTFOUND)
            return err_set(e, KEEL_EINVAL, "webhook",
                           "no webhook is called '%.60s': an admin adds it first",
                           zHook ? zHook : "");
        if (rc) return err_set(e, rc, "", "cannot read the webhooks: %s", db_errmsg(db));
    }
    return 0;
}

int alert_rule_create(Db *db, const Principal *who, const char *zName, const json_t *in,
                      json_t **ppOut, KeelError *e) {
    *ppOut = NULL;
    int64_t systemId = 0;
    int rc = system_for_edit(db, who, zName, &systemId, e);
    if (rc) return rc;
    AlertRuleRow r = {.system = systemId};
    if ((rc = rule_check(db, in, &r, e))) return rc;
    if (r.bTrip && who->kind != AUTH_NONE &&
        !(who->role & (ROLE_ADMIN | ROLE_COMMITTEE | ROLE_RISK | ROLE_OWNER)))
        return err_set_code(e, KEEL_EFORBIDDEN, "forbidden", "trip_switch",
                            "only those who may flip the switch (risk officers, the committee, "
                            "admins, the system's owner) may let a rule trip it");
    Actor a = auth_actor(who);
    r.zCreatedBy = a.zName;
    char zNow[32];
    time_iso_now(zNow, sizeof zNow);
    int64_t id = 0;
    rc = db_begin(db);
    if (!rc) rc = store_alert_rule_add(db, &r, zNow, &id);
    if (!rc) rc = store_audit_append(db, &a, "create", "alert_rule", id, NULL, in);
    if ((rc = db_end(db, rc))) {
        if (rc == KEEL_ECONFLICT || strstr(db_errmsg(db), "UNIQUE") ||
            strstr(db_errmsg(db), "unique"))
            return err_set(e, KEEL_ECONFLICT, "name", "%s already has a rule called '%.60s'", zName,
                           r.zName);
        return err_set(e, rc, "", "cannot store the rule: %s", db_errmsg(db));
    }
    json_t *rows;
    if ((rc = store_alert_rule_list(db, systemId, &rows))) return rc;
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) if (json_get_id(x, "id") == id) *ppOut = json_incref(x);
    json_decref(rows);
    return *ppOut ? 0 : KEEL_EINTERNAL;
}

int alert_rule_delete(Db *db, const Principal *who, const char *zName, int64_t id, KeelError *e) {
    int64_t systemId = 0;
    int rc = system_for_edit(db, who, zName, &systemId, e);
    if (rc) return rc;
    Actor a = auth_actor(who);
    rc = db_begin(db);
    if (!rc) rc = store_alert_rule_delete(db, systemId, id);
    if (!rc) rc = store_audit_append(db, &a, "delete", "alert_rule", id, NULL, NULL);
    rc = db_end(db, rc);
    if (rc == KEEL_ENOTFOUND)
        return err_set(e, rc, "id", "%s has no alert rule %lld", zName, (long long)id);
    return rc ? err_set(e, rc, "", "cannot delete the rule: %s", db_errmsg(db)) : 0;
}

int alert_rules(Db *db, int64_t systemId, json_t **ppOut) {
    return store_alert_rule_list(db, systemId, ppOut);
}

/* ---- the value a rule watches ------------------------------------------------- */

/* A metric of m by name (NaN when undefined). */
static double metric_of(const EvMetrics *m, const char *z) {
    if (!strcmp(z, "accuracy")) return m->accuracy;
    if (!strcmp(z, "error_rate")) return m->errorRate;
    if (!strcmp(z, "p50")) return m->p50;
    if (!strcmp(z, "p90")) return m->p90;
    if (!strcmp(z, "p99")) return m->p99;
    if (!strcmp(z, "mean_score")) return m->meanScore;
    if (!strcmp(z, "auc")) return m->auc;
    return m->n ? (double)m->n : NAN; /* events */
}

/* Merge the aggregate texts of rows of segment zSeg into *a; with
 * bAll, "*" takes every row (windows have no "*" row; baselines do). */
static int merge_rows(const json_t *rows, const char *zSeg, int bAll, EvAgg *a) {
    size_t i;
    json_t *w;
    json_array_foreach(rows, i, w) {
        if (!(bAll && !strcmp(zSeg, "*")) && strcmp(json_get_str(w, "segment"), zSeg)) continue;
        const char *z = json_get_str(w, "agg");
        EvAgg x;
        int rc = evagg_read(&x, z, strlen(z));
        if (!rc) rc = evagg_merge(a, &x);
        evagg_free(&x);
        if (rc) return rc;
    }
    return 0;
}

/* The value rule x watches now (NaN: nothing to judge). */
static int rule_value(Db *db, const json_t *x, int64_t nowMs, double *pv) {
    *pv = NAN;
    int64_t sys = json_get_id(x, "system_id"), lastMs;
    const char *zKind = json_get_str(x, "kind"), *zSeg = json_get_str(x, "segment");
    char zVersion[80];
    int rc = store_monitor_latest_version(db, sys, zVersion, sizeof zVersion, &lastMs);
    if (rc == KEEL_ENOTFOUND) return 0;
    if (rc) return rc;
    if (!strcmp(zKind, "no_data")) {
        *pv = (double)(nowMs - lastMs - 60000) / 60000;
        if (*pv < 0) *pv = 0;
        return 0;
    }
    if (!strcmp(zKind, "drift") || !strcmp(zKind, "decay")) {
        json_t *fs;
        if ((rc = decay_findings(db, sys, &fs))) return rc;
        double v = 0;
        size_t i, k;
        json_t *f, *d;
        json_array_foreach(fs, i, f) {
            if (strcmp(zSeg, "*") && strcmp(json_get_str(f, "segment"), zSeg)) continue;
            const char *zK = json_get_str(f, "kind");
            if (!strcmp(zKind, "decay")) {
                v += !strcmp(zK, "decay") || !strcmp(zK, "segment_failure");
                continue;
            }
            json_array_foreach(json_object_get(f, "drifted_inputs"), k, d) {
                double psi = json_number_value(json_object_get(d, "psi"));
                if (psi > v) v = psi;
            }
        }
        json_decref(fs);
        *pv = v;
        return 0;
    }
    json_t *rows;
    if ((rc = store_monitor_window_aggs(db, sys, zVersion, "minute", nowMs - 3600000, &rows)))
        return rc;
    EvAgg cur;
    evagg_init(&cur);
    rc = merge_rows(rows, zSeg, 1, &cur);
    json_decref(rows);
    EvMetrics m;
    evagg_metrics(&cur, &m);
    evagg_free(&cur);
    if (rc) return rc;
    double v = metric_of(&m, json_get_str(x, "metric"));
    if (!strcmp(zKind, "relative") && isfinite(v)) {
        if ((rc = store_baseline_aggs(db, sys, zVersion, &rows))) return rc;
        EvAgg b;
        evagg_init(&b);
        rc = merge_rows(rows, zSeg, 0, &b);
        json_decref(rows);
        evagg_metrics(&b, &m);
        evagg_free(&b);
        if (rc) return rc;
        double base = metric_of(&m, json_get_str(x, "metric"));
        v = isfinite(base) && base != 0 ? (v - base) / fabs(base) : NAN;
    }
    *pv = v;
    return 0;
}

/* ---- firing, resolving, tripping ----------------------------------------------- */

static int holds(double v, const char *zOp, double t) {
    if (!isfinite(v)) return 0;
    return !strcmp(zOp, "<")    ? v < t
           : !strcmp(zOp, "<=") ? v <= t
           : !strcmp(zOp, ">")  ? v > t
                                : v >= t;
}

/* Trip the switch of rule x's system when it is not off already: flip it
 * off (its fallback), the rule named as the reason, and record the trip.
 * *pbTripped says whether it did. */
static int rule_trip(Db *db, const json_t *x, int64_t eventId, const char *zMsg, const char *zNow,
                     int *pbTripped, json_t **ppAnswer) {
    *pbTripped = 0;
    json_t *cur;
    KeelError e = {0};
    int rc = switch_get(db, json_get_str(x, "system"), &cur, &e);
    if (rc) return rc;
    char zPrior[16];
    snprintf(zPrior, sizeof zPrior, "%s", json_get_str(cur, "state"));
    int64_t prior = json_integer_value(json_object_get(cur, "percent"));
    json_decref(cur);
    if (!strcmp(zPrior, "off")) return 0;
    Principal p;
    memset(&p, 0, sizeof p);
    snprintf(p.zActor, sizeof p.zActor, "alert rule %s", json_get_str(x, "name"));
    char zReason[600], zCause[48];
    snprintf(zReason, sizeof zReason, "alert rule '%s' fired: %s", json_get_str(x, "name"), zMsg);
    snprintf(zCause, sizeof zCause, "alert_rule:%lld", (long long)json_get_id(x, "id"));
    rc = switch_force_off(db, &p, json_get_id(x, "system_id"), json_get_str(x, "system"), zReason,
                          zCause, ppAnswer);
    int64_t tripId;
    if (!rc)
        rc = store_trip_add(db, json_get_id(x, "system_id"), json_get_id(x, "id"), eventId, zPrior,
                            prior, zNow, &tripId);
    if (!rc) *pbTripped = 1;
    return rc;
}

/* Record a firing or resolved event of rule x with value v, queue its
 * webhook delivery, trip the switch when the rule says so. */
static int rule_event(Db *db, const json_t *x, const char *zState, double v, int64_t nowMs,
                      const char *zNow, json_t **ppAnswer) {
    char zMsg[400];
    snprintf(zMsg, sizeof zMsg, "%s %s of %s (segment %s) is %.4g, %s %s %.4g%s%s",
             json_get_str(x, "kind"), json_get_str(x, "metric"), json_get_str(x, "system"),
             json_get_str(x, "segment"), v, !strcmp(zState, "firing") ? "holding" : "no longer",
             json_get_str(x, "op"), json_number_value(json_object_get(x, "value")),
             json_integer_value(json_object_get(x, "for_s")) ? " for the rule's duration" : "",
             !strcmp(zState, "firing") ? "" : " (resolved)");
    int64_t eventId;
    int rc = store_alert_event_add(db, json_get_id(x, "id"), json_get_id(x, "system_id"), zState, v,
                                   zMsg, zNow, &eventId);
    int bTripped = 0;
    if (!rc && !strcmp(zState, "firing") && json_integer_value(json_object_get(x, "trip_switch")))
        rc = rule_trip(db, x, eventId, zMsg, zNow, &bTripped, ppAnswer);
    if (rc || !json_get_id(x, "webhook_id")) return rc;
    json_t *pay =
        json_pack("{s:s,s:I,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:s,s:b,s:s}", "event", zState,
                  "alert_event_id", (json_int_t)eventId, "system", json_object_get(x, "system"),
                  "rule", json_object_get(x, "name"), "severity", json_object_get(x, "severity"),
                  "kind", json_object_get(x, "kind"), "metric", json_object_get(x, "metric"),
                  "segment", json_object_get(x, "segment"), "op", json_object_get(x, "op"),
                  "threshold", json_object_get(x, "value"), "for_s", json_object_get(x, "for_s"),
                  "message", zMsg, "switch_tripped", bTripped, "at", zNow);
    json_object_set_new(pay, "value", isfinite(v) ? json_real(v) : json_null());
    char *z = json_dumps(pay, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(pay);
    if (!z) return KEEL_ENOMEM;
    int64_t id;
    rc = store_delivery_add(db, json_get_id(x, "webhook_id"), eventId, z, nowMs, zNow, &id);
    free(z);
    return rc;
}

/* Evaluate rule x at nowMs: the state machine of alert.h. */
static int rule_eval(Db *db, const json_t *x, int64_t nowMs, const char *zNow) {
    double v;
    int rc = rule_value(db, x, nowMs, &v);
    if (rc) return rc;
    const char *zState = json_get_str(x, "state");
    json_t *jp = json_object_get(x, "pending_since");
    int64_t since = json_is_integer(jp) ? json_integer_value(jp) : -1;
    int64_t forMs = json_integer_value(json_object_get(x, "for_s")) * 1000;
    int bHolds = holds(v, json_get_str(x, "op"), json_number_value(json_object_get(x, "value")));
    const char *zNew = zState;
    if (bHolds) {
        if (!strcmp(zState, "ok")) since = nowMs;
        zNew = !strcmp(zState, "firing") || nowMs - since >= forMs ? "firing" : "pending";
    } else {
        zNew = "ok";
        since = -1;
    }
    json_t *answer = NULL;
    rc = db_begin(db);
    if (!rc && !strcmp(zNew, "firing") && strcmp(zState, "firing"))
        rc = rule_event(db, x, "firing", v, nowMs, zNow, &answer);
    if (!rc && !strcmp(zState, "firing") && !strcmp(zNew, "ok"))
        rc = rule_event(db, x, "resolved", v, nowMs, zNow, &answer);
    /* the rule's row changes only when its state or value does */
    json_t *jl = json_object_get(x, "last_value"), *jp0 = json_object_get(x, "pending_since");
    double last = json_is_number(jl) ? json_number_value(jl) : NAN;
    int64_t since0 = json_is_integer(jp0) ? json_integer_value(jp0) : -1;
    int bSame =
        !strcmp(zNew, zState) && since == since0 && ((isnan(v) && isnan(last)) || v == last);
    if (!rc && !bSame) rc = store_alert_rule_state(db, json_get_id(x, "id"), zNew, since, v, zNow);
    /* a trip's new switch state goes into the cache once committed */
    if ((rc = db_end(db, rc)) == 0 && answer) rc = switch_cache_put(answer);
    json_decref(answer);
    return rc;
}

int alert_job(Db *db, KeelError *e) {
    json_t *rows;
    int rc = store_alert_rule_list(db, 0, &rows);
    if (rc) return err_set(e, rc, "", "cannot read the alert rules: %s", db_errmsg(db));
    int64_t nowMs = time_now() * 1000;
    char zNow[32];
    time_iso_now(zNow, sizeof zNow);
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) {
        if ((rc = rule_eval(db, x, nowMs, zNow))) {
            err_set(e, rc, "", "rule %s of %s: %s", json_get_str(x, "name"),
                    json_get_str(x, "system"), db_errmsg(db));
            break;
        }
    }
    json_decref(rows);
    return rc ? rc : alert_deliver_job(db, e);
}

/* ---- webhook deliveries ------------------------------------------------------------ */

static size_t deliver_discard(char *p, size_t size, size_t n, void *u) {
    (void)p;
    (void)u;
    return size * n;
}

/* POST zBody to zUrl signed under zSecret; *pStatus the HTTP status (0
 * when there was no answer), zErr what went wrong. */
static void deliver_post(const char *zUrl, const char *zSecret, int64_t id, const char *zBody,
                         long *pStatus, char *zErr, size_t nErr) {
    *pStatus = 0;
    zErr[0] = 0;
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(zErr, nErr, "cannot start an HTTP client");
        return;
    }
    char zTs[32], zSig[CRYPTO_HEX_LEN], zH[3][160];
    snprintf(zTs, sizeof zTs, "%lld", (long long)time(NULL));
    size_t nSigned = strlen(zTs) + 1 + strlen(zBody);
    char *zSigned = malloc(nSigned + 1);
    if (!zSigned) {
        curl_easy_cleanup(c);
        snprintf(zErr, nErr, "out of memory");
        return;
    }
    snprintf(zSigned, nSigned + 1, "%s.%s", zTs, zBody);
    crypto_hmac_sha256_hex(zSecret, zSigned, nSigned, zSig);
    free(zSigned);
    snprintf(zH[0], sizeof zH[0], "X-Keel-Timestamp: %s", zTs);
    snprintf(zH[1], sizeof zH[1], "X-Keel-Signature: sha256=%s", zSig);
    snprintf(zH[2], sizeof zH[2], "X-Keel-Delivery: %lld", (long long)id);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    for (int i = 0; i < 3; i++)
        h = curl_slist_append(h, zH[i]);
    h = curl_slist_append(h, "User-Agent: keel-webhook/1");
    char zCurlErr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, zUrl);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, zBody);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)ALERT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, deliver_discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, zCurlErr);
    CURLcode cc = curl_easy_perform(c);
    if (cc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, pStatus);
        if (*pStatus < 200 || *pStatus > 299)
            snprintf(zErr, nErr, "the endpoint answered %ld", *pStatus);
    } else {
        snprintf(zErr, nErr, "%s", zCurlErr[0] ? zCurlErr : curl_easy_strerror(cc));
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

int alert_deliver_job(Db *db, KeelError *e) {
    int64_t nowMs = time_now() * 1000;
    json_t *rows;
    int rc = store_delivery_due(db, nowMs, &rows);
    if (rc) return err_set(e, rc, "", "cannot read the deliveries: %s", db_errmsg(db));
    size_t i;
    json_t *d;
    json_array_foreach(rows, i, d) {
        long status;
        char zErr[300];
        int64_t id = json_get_id(d, "id");
        deliver_post(json_get_str(d, "url"), json_get_str(d, "secret"), id,
                     json_get_str(d, "payload"), &status, zErr, sizeof zErr);
        int64_t attempts = json_integer_value(json_object_get(d, "attempts")) + 1;
        const char *zStatus = !zErr[0]                         ? "delivered"
                              : attempts >= ALERT_MAX_ATTEMPTS ? "failed"
                                                               : "pending";
        int64_t next = nowMs + (ALERT_BACKOFF_S * 1000LL << (attempts - 1));
        char zNow[32];
        time_iso_now(zNow, sizeof zNow);
        if ((rc = store_delivery_update(db, id, attempts, zStatus, status, zErr[0] ? zErr : NULL,
                                        next, zNow))) {
            err_set(e, rc, "", "cannot log delivery %lld: %s", (long long)id, db_errmsg(db));
            break;
        }
        if (zErr[0])
            log_warn("webhook delivery %lld, attempt %lld: %s", (long long)id, (long long)attempts,
                     zErr);
    }
    json_decref(rows);
    return rc;
}

/* ---- webhooks ------------------------------------------------------------------------ */

int alert_webhook_create(Db *db, const Principal *who, const json_t *in, json_t **ppOut,
                         KeelError *e) {
    *ppOut = NULL;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "name") && strcmp(zKey, "url") && strcmp(zKey, "secret"))
            return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.40s'; send name, url, secret",
                           zKey);
    }
    const char *zName = json_get_str(in, "name"), *zUrl = json_get_str(in, "url");
    const char *zSecret = json_get_str(in, "secret");
    if (!zName || !*zName || strlen(zName) > 100)
        return err_set(e, KEEL_EINVAL, "name", "name is required (1 to 100 characters)");
    if (!zUrl || strlen(zUrl) > 2000 ||
        (strncmp(zUrl, "http://", 7) && strncmp(zUrl, "https://", 8)) || strchr(zUrl, ' '))
        return err_set(e, KEEL_EINVAL, "url",
                       "url is required: an http:// or https:// address (at most 2000 bytes)");
    if (json_object_get(in, "secret") &&
        (!zSecret || strlen(zSecret) < 16 || strlen(zSecret) > 200))
        return err_set(e, KEEL_EINVAL, "secret",
                       "secret is 16 to 200 characters (leave it out and keel makes one)");
    char zGen[80];
    if (!zSecret) {
        crypto_random_secret("whs_", zGen, sizeof zGen);
        zSecret = zGen;
    }
    Actor a = auth_actor(who);
    char zNow[32];
    time_iso_now(zNow, sizeof zNow);
    int64_t id = 0;
    int rc = db_begin(db);
    if (!rc) rc = store_webhook_add(db, zName, zUrl, zSecret, a.zName, zNow, &id);
    json_t *after = json_pack("{s:s,s:s}", "name", zName, "url", zUrl); /* never the secret */
    if (!rc) rc = store_audit_append(db, &a, "create", "webhook", id, NULL, after);
    json_decref(after);
    if ((rc = db_end(db, rc))) {
        int64_t x;
        if (store_webhook_id(db, zName, &x) == 0)
            return err_set(e, KEEL_ECONFLICT, "name", "a webhook is already called '%.60s'", zName);
        return err_set(e, rc, "", "cannot store the webhook: %s", db_errmsg(db));
    }
    *ppOut =
        json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "name", zName, "url", zUrl,
                  "secret", zSecret, "signature_header",
                  "X-Keel-Signature: sha256=HMAC-SHA256(secret, X-Keel-Timestamp + '.' + body)");
    return 0;
}

int alert_webhook_delete(Db *db, const Principal *who, int64_t id, KeelError *e) {
    Actor a = auth_actor(who);
    int rc = db_begin(db);
    if (!rc) rc = store_webhook_delete(db, id);
    if (!rc) rc = store_audit_append(db, &a, "delete", "webhook", id, NULL, NULL);
    rc = db_end(db, rc);
    if (rc == KEEL_ENOTFOUND) return err_set(e, rc, "id", "no webhook %lld", (long long)id);
    return rc ? err_set(e, rc, "", "cannot delete the webhook: %s", db_errmsg(db)) : 0;
}

/* ---- switch trips -------------------------------------------------------------------- */

int alert_trip_decide(Db *db, const Principal *who, int64_t id, int bRevert, const json_t *in,
                      json_t **ppOut, KeelError *e) {
    *ppOut = NULL;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "reason"))
            return err_set(e, KEEL_EINVAL, zKey, "unknown field '%.40s'; send reason", zKey);
    }
    const char *zReason = json_get_str(in, "reason");
    if (zReason && strlen(zReason) > 2000)
        return err_set(e, KEEL_EINVAL, "reason", "reason is at most 2000 characters");
    json_t *t;
    int rc = store_trip_get(db, id, &t);
    if (rc == KEEL_ENOTFOUND) return err_set(e, rc, "id", "no switch trip %lld", (long long)id);
    if (rc) return err_set(e, rc, "", "cannot read the trip: %s", db_errmsg(db));
    if (strcmp(json_get_str(t, "status"), "awaiting")) {
        rc = err_set(e, KEEL_ECONFLICT, "status", "switch trip %lld was already %s by %s",
                     (long long)id, json_get_str(t, "status"), json_get_str(t, "decided_by"));
        json_decref(t);
        return rc;
    }
    char zWhy[2100];
    snprintf(zWhy, sizeof zWhy, "%s switch trip %lld (rule %s)%s%s",
             bRevert ? "reverted" : "confirmed", (long long)id, json_get_str(t, "rule"),
             zReason && *zReason ? ": " : "", zReason ? zReason : "");
    Actor a = auth_actor(who);
    char zNow[32];
    time_iso_now(zNow, sizeof zNow);
    json_t *sw = NULL;
    if (bRevert) {
        /* the switch goes back to what it was, as a flip by this person
         * (switch_set checks that they may flip it) */
        const char *zPrior = json_get_str(t, "prior_state");
        json_t *flip = json_pack("{s:s,s:s}", "state", zPrior, "reason", zWhy);
        if (!strcmp(zPrior, "percent"))
            json_object_set(flip, "percent", json_object_get(t, "prior_percent"));
        rc = switch_set(db, who, json_get_str(t, "system"), flip, &sw, e);
        json_decref(flip);
    } else {
        json_t *sys;
        rc = system_get_row(db, json_get_str(t, "system"), &sys, e);
        if (!rc && who->role == ROLE_OWNER)
            rc = system_may_edit(db, who, json_get_id(sys, "initiative_id"), e);
        if (!rc) json_decref(sys);
    }
    if (!rc) {
        rc = db_begin(db);
        if (!rc) rc = store_trip_decide(db, id, bRevert ? "reverted" : "confirmed", a.zName, zNow);
        json_t *after =
            json_pack("{s:s,s:s}", "status", bRevert ? "reverted" : "confirmed", "reason", zWhy);
        if (!rc)
            rc = store_audit_append(db, &a, bRevert ? "revert" : "confirm", "switch_trip", id, NULL,
                                    after);
        json_decref(after);
        rc = db_end(db, rc);
        if (rc == KEEL_ECONFLICT)
            err_set(e, rc, "status", "switch trip %lld was decided meanwhile", (long long)id);
        else if (rc)
            err_set(e, rc, "", "cannot record the decision: %s", db_errmsg(db));
    }
    json_decref(t);
    json_decref(sw);
    if (rc) return rc;
    return store_trip_get(db, id, ppOut);
}

/* ---- the production overview ------------------------------------------------------ */

/* Count rows of a (borrowed) array whose key zKey equals zVal for system
 * zSystem. */
static int count_for(const json_t *rows, const char *zSystem, const char *zKey, const char *zVal) {
    int n = 0;
    size_t i;
    json_t *x;
    json_array_foreach((json_t *)rows, i, x) {
        const char *zs = json_get_str(x, "system"), *zv = json_get_str(x, zKey);
        n += zs && zv && !strcmp(zs, zSystem) && (!zVal || !strcmp(zv, zVal));
    }
    return n;
}

int alert_production(Db *db, json_t **ppOut) {
    json_t *board = NULL, *findings = NULL, *rules = NULL, *trips = NULL, *mon = NULL;
    int rc = switch_board(db, &board);
    if (!rc) rc = store_monitor_systems(db, &mon);
    if (!rc) rc = decay_findings(db, 0, &findings);
    if (!rc) rc = store_alert_rule_list(db, 0, &rules);
    if (!rc) rc = store_trip_list(db, 0, "awaiting", &trips);
    json_t *items = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(rc ? NULL : json_object_get(board, "items"), i, s) {
        const char *zName = json_get_str(s, "system"), *zState = json_get_str(s, "state");
        int64_t sid = system_id_by_name(db, zName);
        int bMon = 0;
        size_t k;
        json_t *m;
        json_array_foreach(mon, k, m) bMon |= json_get_id(m, "system_id") == sid;
        int nDecay = count_for(findings, zName, "kind", "decay") +
                     count_for(findings, zName, "kind", "segment_failure");
        int nOther = count_for(findings, zName, "kind", NULL) - nDecay;
        int nFiring = count_for(rules, zName, "state", "firing");
        int nTrips = count_for(trips, zName, "status", NULL);
        int bServed = 0, bOff = zState && (!strcmp(zState, "off") || !strcmp(zState, "shadow"));
        if (bOff) store_switch_ever_on(db, sid, &bServed);
        /* off after serving: switched off; never served and no events:
         * not in production; else what the findings and alerts say */
        const char *zStatus = bOff && bServed     ? "switched_off"
                              : bOff && !bMon     ? "not_in_production"
                              : nDecay            ? "decaying"
                              : nFiring || nOther ? "degraded"
                                                  : "healthy";
        json_array_append_new(items, json_pack("{s:s,s:s,s:b,s:O,s:O,s:i,s:i,s:i,s:i}", "system",
                                               zName, "status", zStatus, "monitored", bMon,
                                               "switch", json_object_get(s, "state"), "fallback",
                                               json_object_get(s, "fallback"), "decay_findings",
                                               nDecay, "other_findings", nOther, "firing_alerts",
                                               nFiring, "awaiting_trips", nTrips));
    }
    json_decref(board);
    json_decref(findings);
    json_decref(rules);
    json_decref(mon);
    if (rc) {
        json_decref(items);
        json_decref(trips);
        return rc;
    }
    *ppOut = json_pack("{s:o,s:o}", "items", items, "awaiting_trips", trips);
    return 0;
}
