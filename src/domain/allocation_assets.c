/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Data assets: the catalogue (owner, source system, personal data and its
 * consent basis, labelling status, the initiatives it serves), readiness
 * profiles of uploaded CSV samples by the readiness engine
 * (engine/profile.c), samples kept only when asked and only until their
 * retention ends, and the measured data readiness fed to prioritisation:
 * each initiative's data_readiness criterion gets a score from a system
 * scorer, 1 + floor(lowest asset score / 20) capped at 5, next to the
 * scores people give. */
#include "domain/alignment.h"
#include "domain/allocation.h"
#include "engine/csv.h"
#include "engine/kanon.h"
#include "engine/profile.h"
#include "store/store_alignment.h"
#include "store/store_allocation.h"
#include "store/store_crud.h"
#include "util/timeutil.h"
#include "util/json.h"
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azConsent[] = {"consent",
                                        "contract",
                                        "legal_obligation",
                                        "vital_interests",
                                        "public_task",
                                        "legitimate_interests",
                                        NULL};
static const char *const azLabelling[] = {"none", "partial", "complete", "not_needed", NULL};

static const FieldDef aAssetField[] = {
    {"id", FT_INT, F_READONLY | F_SORT, 1, 9e15, NULL, NULL, "identifier"},
    {"name", FT_TEXT, F_REQUIRED | F_UNIQUE | F_SORT, 1, 200, NULL, NULL, "name"},
    {"description", FT_TEXT, F_NULLABLE, 0, 8000, NULL, NULL, "what it holds"},
    {"owner_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person", "accountable owner"},
    {"source_system", FT_TEXT, F_NULLABLE | F_FILTER, 1, 200, NULL, NULL,
     "system it comes from (ERP, CRM, sensors, ...)"},
    {"personal_data", FT_BOOL, F_FILTER, 0, 0, NULL, NULL, "holds personal data"},
    {"consent_basis", FT_ENUM, F_NULLABLE | F_FILTER, 0, 0, azConsent, NULL,
     "legal basis for personal data (GDPR art. 6 / PIPL art. 13): consent, contract, "
     "legal_obligation, vital_interests, public_task, legitimate_interests"},
    {"labelling_status", FT_ENUM, F_FILTER, 0, 0, azLabelling, NULL,
     "none, partial, complete or not_needed"},
    {"purposes", FT_SET, F_FILTER, 0, 0, azPurpose, NULL,
     "the purposes its data may serve (purpose limitation): an initiative whose purpose is not "
     "among them may not use it; empty: not declared"},
    {"quasi_identifiers", FT_TEXT, F_NULLABLE, 1, 2000, NULL, NULL,
     "the sample's columns that together could single a person out (age, postcode, ...), "
     "comma-separated: what k-anonymity is computed over"},
    {"readiness_score", FT_REAL, F_READONLY | F_SORT, 0, 100, NULL, NULL,
     "readiness 0-100 of the latest profiled sample"},
    {"profiled_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was last profiled"},
    {"created_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it was created"},
    {"updated_at", FT_TIME, F_READONLY | F_SORT, 0, 0, NULL, NULL, "when it last changed"},
};
static const RefBy aAssetRefBy[] = {{"data_asset_link", "asset_id", "initiative links"},
                                    {"data_asset_profile", "asset_id", "readiness profiles"}};
const ResourceDef resource_data_asset =
    RESOURCE_REFBY("data_asset", "data_asset", aAssetField, aAssetRefBy);

/* Owners and engineers change the assets they own; governors any. */
static int may_edit_asset(const Principal *who, int64_t ownerId, KeelError *e) {
    if (auth_is_governor(who)) return 0;
    if (who->personId && who->personId == ownerId) return 0;
    return err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                        "only the asset's owner, the committee or an admin may change it");
}

/* Personal data needs a consent basis (the merged row). */
static int check_consent(const json_t *row, KeelError *e) {
    if (json_is_true(json_object_get(row, "personal_data")) &&
        !json_is_string(json_object_get(row, "consent_basis")))
        return err_set_code(e, KEEL_ERULE, "consent_missing", "consent_basis",
                            "an asset holding personal data needs its consent basis (legal basis "
                            "under GDPR / PIPL)");
    return 0;
}

/* Validate initiative_ids (taken out of in) and return it (new ref) or NULL. */
static int take_links(Db *db, json_t *in, json_t **ppIds, KeelError *e) {
    json_t *ids = json_incref(json_object_get(in, "initiative_ids"));
    json_object_del(in, "initiative_ids");
    *ppIds = NULL;
    if (!ids) return 0;
    if (!json_is_array(ids) || json_array_size(ids) > 500) {
        json_decref(ids);
        return err_set(e, KEEL_EINVAL, "initiative_ids", "initiative_ids is a list of ids");
    }
    size_t i, j;
    json_t *v;
    json_array_foreach(ids, i, v) {
        int64_t n = 0;
        int rc = 0;
        if (json_is_integer(v)) {
            rc = store_crud_exists(db, &resource_initiative, (int64_t)json_integer_value(v));
            if (rc > 0) n = 1, rc = 0;
        }
        for (j = 0; rc == 0 && n && j < i; j++)
            if (json_equal(json_array_get(ids, j), v)) n = 0;
        if (rc || !n) {
            json_decref(ids);
            return rc ? rc
                      : err_set(e, KEEL_EINVAL, "initiative_ids",
                                "initiative_ids[%zu]: no such initiative (or listed twice)", i);
        }
    }
    *ppIds = ids;
    return 0;
}

/* 1 when the asset's purposes (a JSON array, or the stored text ",a,b,")
 * allow zPurpose: no purposes declared allows anything; declared ones
 * allow only themselves, and an initiative without a purpose is outside. */
static int purpose_allowed(const json_t *purposes, const char *zPurpose) {
    json_t *own = json_is_string(purposes) ? json_set_parse(json_string_value(purposes)) : NULL;
    const json_t *set = own ? own : purposes;
    int ok = json_array_size(set) == 0;
    size_t i;
    json_t *v;
    json_array_foreach(set, i, v) {
        if (zPurpose && json_is_string(v) && strcmp(json_string_value(v), zPurpose) == 0) ok = 1;
    }
    json_decref(own);
    return ok;
}

/* Purpose limitation when links are made: each initiative in ids that the
 * asset was not already linked to (old: its current links, may be NULL)
 * must have a purpose among the asset's purposes (row: the merged asset).
 * Links kept from before are not refused here; they are findings. */
static int check_purposes(Db *db, const json_t *row, const json_t *ids, const json_t *old,
                          KeelError *e) {
    const json_t *purposes = json_object_get(row, "purposes");
    size_t i, j;
    json_t *v, *x;
    json_array_foreach(ids, i, v) {
        int64_t id = (int64_t)json_integer_value(v);
        int bKept = 0;
        json_array_foreach(old, j, x) if (json_get_id(x, "initiative_id") == id) bKept = 1;
        if (bKept) continue;
        json_t *init = NULL;
        int rc = store_crud_get(db, &resource_initiative, id, &init);
        if (rc)
            return rc == KEEL_ENOTFOUND ? err_no_id(e, rc, "initiative_ids", "initiative", id) : rc;
        const char *zPurpose = json_get_str(init, "purpose");
        if (!purpose_allowed(purposes, zPurpose)) {
            char zList[640] = "";
            size_t k, off = 0;
            json_t *pv;
            json_array_foreach(purposes, k, pv) {
                off += (size_t)snprintf(zList + off, off < sizeof zList ? sizeof zList - off : 0,
                                        "%s%s", k ? ", " : "", json_string_value(pv));
            }
            if (zPurpose)
                err_set_code(e, KEEL_ERULE, "purpose_outside", "initiative_ids",
                             "initiative_ids[%zu]: initiative %" PRId64
                             " (%.120s) is for %s, which is not among the purposes this asset "
                             "may serve (%s; purpose limitation): add %s to the asset's purposes "
                             "if its legal basis covers it, or do not link it",
                             i, id, json_get_str(init, "title"), zPurpose, zList, zPurpose);
            else
                err_set_code(e, KEEL_ERULE, "purpose_outside", "initiative_ids",
                             "initiative_ids[%zu]: initiative %" PRId64
                             " (%.120s) has no purpose, and this asset may serve only %s "
                             "(purpose limitation): set the initiative's purpose first",
                             i, id, json_get_str(init, "title"), zList);
            /* the same as values, for clients that word it (docs/api.md#sentences) */
            json_t *p =
                json_pack("{sI sI sO sO* so}", "index", (json_int_t)i, "initiative_id",
                          (json_int_t)id, "initiative", json_object_get(init, "title"), "purpose",
                          json_object_get(init, "purpose"), "purposes",
                          json_is_string(purposes) ? json_set_parse(json_string_value(purposes))
                                                   : json_incref((json_t *)purposes));
            json_err_params(e, p);
            json_decref(init);
            return KEEL_ERULE;
        }
        json_decref(init);
    }
    return 0;
}

int alloc_purpose_findings(Db *db, int64_t assetId, json_t **ppOut) {
    json_t *rows;
    int rc = store_alloc_link_purposes(db, assetId, &rows);
    if (rc) return rc;
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *zPurpose = json_get_str(r, "purpose");
        if (purpose_allowed(json_object_get(r, "purposes"), zPurpose)) continue;
        char zMsg[512];
        snprintf(zMsg, sizeof zMsg,
                 "%.200s serves initiative %.120s, %s%s, outside the purposes the asset may "
                 "serve: add the purpose to the asset if its legal basis covers it, or unlink "
                 "the initiative",
                 json_get_str(r, "asset"), json_get_str(r, "initiative"),
                 zPurpose ? "whose purpose is " : "which has no purpose", zPurpose ? zPurpose : "");
        json_array_append_new(
            out,
            json_pack("{ss sI sO sI sO sO so so ss}", "code", "purpose_outside", "asset_id",
                      (json_int_t)json_get_id(r, "asset_id"), "asset", json_object_get(r, "asset"),
                      "initiative_id", (json_int_t)json_get_id(r, "initiative_id"), "initiative",
                      json_object_get(r, "initiative"), "purpose", json_object_get(r, "purpose"),
                      "purposes", json_set_parse(json_get_str(r, "purposes")), "personal_data",
                      json_boolean(json_integer_value(json_object_get(r, "personal_data")) ||
                                   json_is_true(json_object_get(r, "personal_data"))),
                      "message", zMsg));
    }
    json_decref(rows);
    *ppOut = out;
    return 0;
}

/* Refresh the readiness scores of the initiatives in ids (both arrays
 * borrowed; either may be NULL). */
static int refresh_many(Db *db, const Principal *who, const json_t *a, const json_t *b) {
    const json_t *lists[2] = {a, b};
    int rc = 0;
    for (int k = 0; k < 2 && rc == 0; k++) {
        size_t i;
        json_t *v;
        json_array_foreach(lists[k], i, v) {
            int64_t id = json_is_integer(v) ? (int64_t)json_integer_value(v)
                                            : json_get_id(v, "initiative_id");
            if ((rc = alloc_readiness_refresh(db, who, id))) break;
        }
    }
    return rc;
}

int alloc_asset_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e) {
    json_t *ids = NULL;
    if (!auth_is_governor(who) && !json_object_get(in, "owner_id") && who->personId)
        json_object_set_new(in, "owner_id", json_integer(who->personId));
    int rc = take_links(db, in, &ids, e);
    if (rc == 0) rc = resource_validate(&resource_data_asset, in, 1, e);
    if (rc == 0) rc = check_consent(in, e);
    if (rc == 0) rc = may_edit_asset(who, json_get_id(in, "owner_id"), e);
    if (rc == 0 && ids) rc = check_purposes(db, in, ids, NULL, e);
    if (rc == 0) rc = db_begin(db);
    if (rc) {
        json_decref(ids);
        return rc;
    }
    Actor a = auth_actor(who);
    rc = store_crud_create(db, &resource_data_asset, &a, in, pId, e);
    if (rc == 0 && ids) rc = store_alloc_asset_links_replace(db, &a, *pId, ids);
    rc = db_end(db, rc);
    json_decref(ids);
    return rc;
}

int alloc_asset_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e) {
    json_t *ids = NULL, *cur = NULL, *old = NULL;
    int rc = take_links(db, in, &ids, e);
    if (rc == 0 && (!ids || json_object_size(in)))
        rc = resource_validate(&resource_data_asset, in, 0, e);
    if (rc == 0) {
        rc = store_crud_get(db, &resource_data_asset, id, &cur);
        if (rc == KEEL_ENOTFOUND) err_no_id(e, rc, "id", "data asset", id);
    }
    if (rc == 0) rc = may_edit_asset(who, json_get_id(cur, "owner_id"), e);
    if (rc == 0 && json_object_get(in, "owner_id") && !auth_is_governor(who) &&
        json_get_id(in, "owner_id") != who->personId)
        rc = err_set_code(e, KEEL_EFORBIDDEN, "not_owner", "owner_id",
                          "only the committee or an admin may hand an asset to someone else");
    if (rc == 0) rc = store_alloc_asset_links(db, id, &old);
    if (rc == 0) {
        json_t *merged = json_deep_copy(cur);
        json_object_update(merged, in);
        rc = check_consent(merged, e);
        if (rc == 0 && ids) rc = check_purposes(db, merged, ids, old, e);
        json_decref(merged);
    }
    if (rc == 0) rc = db_begin(db);
    if (rc == 0) {
        Actor a = auth_actor(who);
        if (json_object_size(in)) rc = store_crud_update(db, &resource_data_asset, &a, id, in, e);
        if (rc == 0 && ids) rc = store_alloc_asset_links_replace(db, &a, id, ids);
        if (rc == 0 && ids) rc = refresh_many(db, who, old, ids);
        rc = db_end(db, rc);
    }
    json_decref(ids);
    json_decref(cur);
    json_decref(old);
    return rc;
}

int alloc_asset_decorate(Db *db, json_t *asset) {
    json_t *links;
    int rc = store_alloc_asset_links(db, json_get_id(asset, "id"), &links);
    if (rc) return rc;
    size_t i;
    json_t *x;
    json_array_foreach(links, i, x) { json_object_del(x, "asset_id"); }
    json_object_set_new(asset, "initiatives", links);
    return 0;
}

/* The asset's warnings (a new array): undeclared_personal_data when the
 * asset is not marked personal_data but its latest profiled sample has
 * columns the personal-data detectors flagged (summary: the profile JSON,
 * borrowed, may be NULL). */
static json_t *asset_warnings(const json_t *a, const json_t *summary) {
    json_t *w = json_array(), *cols = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(summary, "columns"), i, c) {
        json_t *pii = json_object_get(c, "pii");
        if (!json_is_object(pii)) continue;
        json_array_append_new(cols, json_pack("{sO sO sO}", "name", json_object_get(c, "name"),
                                              "kind", json_object_get(pii, "kind"), "share",
                                              json_object_get(pii, "share")));
    }
    if (json_array_size(cols) && !json_is_true(json_object_get(a, "personal_data"))) {
        json_array_append_new(
            w,
            json_pack("{ss so ss}", "code", "undeclared_personal_data", "columns", cols, "message",
                      "the profiled sample holds personal data but the asset is not marked "
                      "personal_data: mark it and record its consent basis, or remove those "
                      "columns from the data"));
    } else {
        json_decref(cols);
    }
    return w;
}

/* A profile is read by every role and kept after its sample is purged, so
 * it names no person: a column the personal-data detectors flagged shows
 * no values at all, and in an asset marked personal_data a value seen in
 * fewer than ALLOC_TOP_MIN rows is left out of a column's top values
 * (k-anonymity's rule: a rarer value can single a person out).
 * "top_withheld" counts the values left out. Changes summary in place. */
#define ALLOC_TOP_MIN 5
static void withhold_identifying(json_t *summary, int bPersonal) {
    size_t i, j;
    json_t *c, *v;
    json_array_foreach(json_object_get(summary, "columns"), i, c) {
        json_t *top = json_object_get(c, "top");
        if (!json_is_array(top)) continue;
        size_t nOut = 0;
        if (json_object_get(c, "pii")) {
            nOut = json_array_size(top);
            json_object_set_new(c, "top", json_null());
        } else if (bPersonal) {
            json_t *keep = json_array();
            json_array_foreach(top, j, v) {
                json_int_t k = json_integer_value(json_object_get(v, "count"));
                if (k >= ALLOC_TOP_MIN)
                    json_array_append(keep, v);
                else
                    nOut++;
            }
            json_object_set_new(c, "top", keep);
        }
        if (nOut) json_object_set_new(c, "top_withheld", json_integer((json_int_t)nOut));
    }
}

int alloc_asset_get(Db *db, int64_t id, json_t **ppOut) {
    json_t *a, *prof = NULL;
    int64_t n;
    int rc = alloc_samples_purge(db, &n);
    if (rc == 0) rc = store_crud_get(db, &resource_data_asset, id, &a);
    if (rc) return rc;
    rc = alloc_asset_decorate(db, a);
    if (rc == 0) rc = store_alloc_profile_latest(db, id, &prof);
    if (rc) {
        json_decref(a);
        return rc;
    }
    if (prof) {
        json_t *r = json_loads(json_string_value(json_object_get(prof, "reasons")), 0, NULL);
        json_t *s = json_loads(json_string_value(json_object_get(prof, "summary")), 0, NULL);
        json_object_set_new(prof, "reasons", r ? r : json_array());
        if (s) withhold_identifying(s, json_is_true(json_object_get(a, "personal_data")));
        json_object_set_new(prof, "summary", s ? s : json_null());
    }
    json_t *w = asset_warnings(a, prof ? json_object_get(prof, "summary") : NULL), *pf = NULL;
    if (alloc_purpose_findings(db, id, &pf) == 0) json_array_extend(w, pf);
    json_decref(pf);
    json_object_set_new(a, "warnings", w);
    json_object_set_new(a, "profile", prof ? prof : json_null());
    *ppOut = a;
    return 0;
}

int alloc_samples_purge(Db *db, int64_t *pn) {
    char zNow[32];
    int64_t nDue = 0;
    *pn = 0;
    time_iso(time_now(), zNow, sizeof zNow);
    int rc = store_alloc_samples_due(db, zNow, &nDue);
    if (rc || nDue == 0) return rc;
    Actor a = {0, "system: sample retention"};
    if ((rc = db_begin(db))) return rc;
    rc = store_alloc_samples_purge(db, &a, zNow, pn);
    rc = db_end(db, rc);
    return rc;
}

int alloc_readiness_refresh(Db *db, const Principal *who, int64_t initiativeId) {
    int64_t crit = 0, sys = 0;
    double score;
    int bFound;
    Actor a = auth_actor(who);
    int rc = store_alloc_criterion_id(db, "data_readiness", &crit);
    if (rc || !crit) return rc;
    rc = store_alloc_asset_min_score(db, initiativeId, &score, &bFound);
    if (rc == 0) rc = store_alloc_system_account(db, &a, &sys);
    if (rc) return rc;
    if (!bFound) return store_alloc_score_clear(db, &a, initiativeId, crit, sys);
    int v = 1 + (int)floor(score / 20);
    if (v > 5) v = 5;
    Actor s = {sys, "keel: measured data readiness"};
    return store_score_put(db, &s, initiativeId, crit, v);
}

/* Deductions as JSON text [{points, reason, code, n?, share?}]. */
static char *reasons_json(const ProfileResult *r) {
    json_t *a = json_array();
    for (size_t i = 0; i < r->nDed; i++) {
        const ProfileDeduction *d = &r->aDed[i];
        json_t *o =
            json_pack("{sf ss ss}", "points", d->points, "reason", d->zWhat, "code", d->zCode);
        if (!isnan(d->n)) json_object_set_new(o, "n", json_real(d->n));
        if (!isnan(d->share)) json_object_set_new(o, "share", json_real(d->share));
        json_array_append_new(a, o);
    }
    char *z = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return z;
}

int alloc_asset_profile(Db *db, const Principal *who, int64_t assetId, const char *z, size_t n,
                        const char *zLabel, int retainDays, json_t **ppOut, KeelError *e) {
    json_t *asset;
    int rc = store_crud_get(db, &resource_data_asset, assetId, &asset);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "data asset", assetId);
    if (rc) return rc;
    rc = may_edit_asset(who, json_get_id(asset, "owner_id"), e);
    int bPersonal = json_is_true(json_object_get(asset, "personal_data"));
    json_decref(asset);
    if (rc) return rc;
    int64_t nPurged;
    if ((rc = alloc_samples_purge(db, &nPurged))) return rc;
    if (retainDays < 0 || retainDays > 365)
        return err_set(e, KEEL_EINVAL, "retain_days", "retain_days is from 0 to 365");
    /* the same function and options as `keel profile --label` */
    CsvTable *t = NULL;
    ProfileOptions popt = {.zLabel = zLabel, .nThread = 1};
    ProfileResult *pr = NULL;
    EngineError pe;
    rc = profile_csv(z, n, &popt, NULL, 0, 0, &t, &pr, &pe);
    if (rc == KEEL_EINVAL && strcmp(pe.zField, "data") == 0)
        return err_set(e, rc, "body", "the sample is not valid CSV (line %zu): %s", pe.iLine,
                       pe.zMsg);
    if (rc == KEEL_EINVAL) return err_set(e, rc, "label", "%s", pe.zMsg);
    if (rc) return rc;
    if (t->nRow == 0) {
        profile_result_free(pr);
        csv_free(t);
        return err_set(e, KEEL_EINVAL, "body", "the sample has a header but no rows");
    }
    Buf b;
    buf_init(&b, 0);
    char *zReasons = NULL;
    char *zSummary = NULL;
    if (rc == 0) {
        profile_result_json(pr, t, &b);
        zReasons = reasons_json(pr);
        rc = buf_err(&b) ? buf_err(&b) : zReasons ? 0 : KEEL_ENOMEM;
    }
    if (rc == 0) { /* stored without what names a person (withhold_identifying) */
        json_t *sj = json_loadb(b.z, b.n, 0, NULL);
        if (sj) withhold_identifying(sj, bPersonal);
        zSummary = sj ? json_dump_compact(sj) : NULL;
        json_decref(sj);
        if (!zSummary) rc = KEEL_ENOMEM;
    }
    int64_t profileId = 0;
    Actor a = auth_actor(who);
    if (rc == 0) rc = db_begin(db);
    if (rc == 0) {
        rc = store_alloc_profile_add(db, &a, assetId, pr->score, (int64_t)pr->nRow,
                                     (int64_t)pr->nCol, zReasons, zSummary, &profileId);
        char zUntil[32] = "";
        if (rc == 0 && retainDays > 0) {
            time_iso(time_now() + (int64_t)retainDays * 86400, zUntil, sizeof zUntil);
            rc = store_alloc_sample_add(db, &a, assetId, profileId, z, n, zUntil);
        }
        json_t *links = NULL;
        if (rc == 0) rc = store_alloc_asset_links(db, assetId, &links);
        if (rc == 0) rc = refresh_many(db, who, links, NULL);
        json_decref(links);
        rc = db_end(db, rc);
    }
    free(zReasons);
    free(zSummary);
    buf_reset(&b);
    profile_result_free(pr);
    csv_free(t);
    if (rc) return rc;
    return alloc_asset_get(db, assetId, ppOut);
}

/* Split "a, b,c" into at most KANON_MAX_COLUMNS trimmed names in z (a
 * copy the names point into). */
static int split_columns(const char *zList, char *z, size_t nz, const char **az, size_t *pn,
                         KeelError *e) {
    snprintf(z, nz, "%s", zList);
    size_t n = 0;
    for (char *p = z; p;) {
        char *q = strchr(p, ',');
        if (q) *q = 0;
        while (*p == ' ')
            p++;
        size_t l = strlen(p);
        while (l && p[l - 1] == ' ')
            p[--l] = 0;
        if (l == 0)
            return err_set(e, KEEL_EINVAL, "columns",
                           "columns is a comma-separated list of column names, e.g. "
                           "age,postcode,gender (name %zu is empty)",
                           n + 1);
        if (n == KANON_MAX_COLUMNS)
            return err_set(e, KEEL_EINVAL, "columns", "at most %d quasi-identifier columns",
                           KANON_MAX_COLUMNS);
        az[n++] = p;
        p = q ? q + 1 : NULL;
    }
    *pn = n;
    return 0;
}

int alloc_asset_kanon(Db *db, const Principal *who, int64_t assetId, const char *zCsv, size_t n,
                      const char *zColumns, int threshold, json_t **ppOut, KeelError *e) {
    json_t *asset, *sample = NULL;
    int rc = store_crud_get(db, &resource_data_asset, assetId, &asset);
    if (rc == KEEL_ENOTFOUND) return err_no_id(e, rc, "id", "data asset", assetId);
    if (rc) return rc;
    rc = may_edit_asset(who, json_get_id(asset, "owner_id"), e);
    const char *zList = zColumns ? zColumns : json_get_str(asset, "quasi_identifiers");
    if (rc == 0 && !zList)
        rc = err_set(e, KEEL_EINVAL, "columns",
                     "name the quasi-identifier columns (?columns=age,postcode) or declare them "
                     "on the asset (quasi_identifiers)");
    char zBuf[2048];
    const char *az[KANON_MAX_COLUMNS];
    size_t nName = 0;
    if (rc == 0) rc = split_columns(zList, zBuf, sizeof zBuf, az, &nName, e);
    if (rc == 0 && (threshold < 2 || threshold > 1000000))
        rc = err_set(e, KEEL_EINVAL, "threshold", "threshold is a whole number from 2 to 1000000");
    if (rc == 0 && !zCsv) {
        char zNow[32];
        time_iso(time_now(), zNow, sizeof zNow);
        rc = store_alloc_sample_latest(db, assetId, zNow, &sample);
        if (rc == 0 && !sample)
            rc = err_set(e, KEEL_ENOTFOUND, "sample",
                         "no sample of this asset is kept: send one as text/csv (POST), or "
                         "profile it with retain_days above 0");
        if (rc == 0) {
            zCsv = json_get_str(sample, "content");
            n = strlen(zCsv);
        }
    }
    json_decref(asset);
    if (rc) {
        json_decref(sample);
        return rc;
    }
    CsvTypeOverride aOver[KANON_MAX_COLUMNS];
    for (size_t i = 0; i < nName; i++)
        aOver[i] = (CsvTypeOverride){az[i], CSV_CATEGORICAL};
    CsvOptions opt = {.nThread = 1, .aOverride = aOver, .nOverride = nName};
    CsvTable *t = NULL;
    EngineError pe;
    KanonResult r;
    rc = csv_parse(zCsv, n, &opt, &t, &pe);
    if (rc == KEEL_EINVAL)
        rc = err_set(e, rc, zColumns || !sample ? "body" : "sample",
                     "the sample is not valid CSV (line %zu): %s", pe.iLine, pe.zMsg);
    if (rc == 0) {
        rc = kanon_compute(t, az, nName, (size_t)threshold, &r, &pe);
        if (rc == KEEL_EINVAL)
            err_set(e, rc, strcmp(pe.zField, "data") == 0 ? "body" : pe.zField, "%s", pe.zMsg);
    }
    if (rc == 0) {
        json_t *cols = json_array(), *rare = json_object();
        char zCell[512];
        for (size_t i = 0; i < r.nCol; i++) {
            json_array_append_new(cols, json_string(az[i]));
            kanon_cell(t, r.aCol[i], r.iRarest, zCell, sizeof zCell);
            json_object_set_new(rare, az[i], json_string(zCell));
        }
        *ppOut = json_pack("{sI so ss sI sI sI sI sI sI s{so sI}}", "asset_id", (json_int_t)assetId,
                           "columns", cols, "source", sample ? "kept_sample" : "upload", "rows",
                           (json_int_t)r.nRow, "classes", (json_int_t)r.nClass, "k",
                           (json_int_t)r.k, "threshold", (json_int_t)threshold, "classes_below",
                           (json_int_t)r.nBelow, "rows_below", (json_int_t)r.nRowBelow, "rarest",
                           "values", rare, "size", (json_int_t)r.k);
        if (sample)
            json_object_set(*ppOut, "sample_created_at", json_object_get(sample, "created_at"));
    }
    csv_free(t);
    json_decref(sample);
    return rc;
}
