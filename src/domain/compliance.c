/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compliance as data; see compliance.h and docs/compliance.md. */
#include "domain/compliance.h"
#include "domain/allocation.h"
#include "domain/gate.h"
#include "domain/review.h"
#include "domain/system.h"
#include "engine/rulepack.h"
#include "store/store_compliance.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/timeutil.h"
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- resources ---------------------------------------------------------- */

static const char *const azEventKind[] = {"change", "incident", NULL};
static const FieldDef aEventField[] = {
    ID_FIELD,
    {"system_id", FT_REF, F_FILTER, 1, 9e15, NULL, "ai_system",
     "the system (the one in the path; set by the server)"},
    {"kind", FT_ENUM, F_REQUIRED | F_FILTER, 0, 0, azEventKind, NULL,
     "change (a filed algorithm changed) or incident (a serious incident)"},
    {"occurred_on", FT_DATE, F_REQUIRED | F_SORT, 0, 0, NULL, NULL,
     "when it happened (incidents: when you became aware)"},
    {"description", FT_TEXT, F_REQUIRED, 1, 4000, NULL, NULL, "what happened"},
    {"account_id", FT_INT, F_READONLY, 0, 9e15, NULL, NULL, "who recorded it"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who recorded it"},
    TIMES,
};
const ResourceDef resource_compliance_event =
    RESOURCE("compliance_event", "compliance_event", aEventField);

static const FieldDef aSoaField[] = {
    ID_FIELD,
    {"control", FT_TEXT, F_FILTER | F_UNIQUE, 1, 40, NULL, NULL,
     "the Annex A control, e.g. A.6.2.4"},
    {"included", FT_BOOL, F_REQUIRED | F_FILTER, 0, 0, NULL, NULL,
     "whether the control applies to the organisation"},
    {"justification", FT_TEXT, F_REQUIRED, 1, 4000, NULL, NULL, "why it is included or excluded"},
    {"implementation", FT_TEXT, F_NULLABLE, 0, 4000, NULL, NULL,
     "how it is implemented (policies, procedures, keel records)"},
    {"owner_id", FT_REF, F_NULLABLE | F_FILTER, 1, 9e15, NULL, "person", "who answers for it"},
    {"account_id", FT_INT, F_READONLY, 0, 9e15, NULL, NULL, "who decided"},
    {"created_by", FT_TEXT, F_READONLY, 0, 0, NULL, NULL, "who decided"},
    TIMES,
};
const ResourceDef resource_soa_entry = RESOURCE("soa_entry", "soa_entry", aSoaField);

/* ---- the packs ---------------------------------------------------------------- */

extern const unsigned char rules_eu_ai_act_json[], rules_china_json[], rules_nist_ai_rmf_json[],
    rules_iso42001_json[], rules_cn_workdays_json[];
extern const unsigned int rules_eu_ai_act_json_len, rules_china_json_len,
    rules_nist_ai_rmf_json_len, rules_iso42001_json_len, rules_cn_workdays_json_len;

static pthread_mutex_t gLock = PTHREAD_MUTEX_INITIALIZER;
static json_t *gPacks;    /* array of packs */
static json_t *gCalendar; /* the working-day calendar */

static int load_text(const char *zName, const char *z, size_t n, json_t **ppOut, int *pbCal,
                     KeelError *e) {
    json_error_t je;
    json_t *j = json_loadb(z, n, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return err_set(e, KEEL_EINVAL, "", "%s: line %d: not valid JSON: %s", zName, je.line,
                       je.text);
    EngineError pe = {0};
    int bCal = json_object_get(j, "calendar") != NULL;
    int rc = bCal ? workdays_check(j, &pe) : rulepack_check(j, &pe);
    if (rc) {
        json_decref(j);
        return err_set(e, KEEL_EINVAL, pe.zField, "%s: %s", zName, pe.zMsg);
    }
    *ppOut = j;
    *pbCal = bCal;
    return 0;
}

/* Put pack (taken) into packs, replacing one of the same name. */
static void put_pack(json_t *packs, json_t *pack) {
    const char *zName = json_get_str(pack, "pack");
    size_t i;
    json_t *p;
    json_array_foreach(packs, i, p) if (strcmp(json_get_str(p, "pack"), zName) == 0) {
        json_array_set_new(packs, i, pack);
        return;
    }
    json_array_append_new(packs, pack);
}

/* Read zDir's *.json into packs / *pCal. */
static int load_dir(const char *zDir, json_t *packs, json_t **pCal, KeelError *e) {
    DIR *d = opendir(zDir);
    if (!d)
        return err_set(e, KEEL_EINVAL, "rules_dir",
                       "cannot open the rules directory %s: check the path", zDir);
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0) continue;
        char zPath[4096];
        snprintf(zPath, sizeof zPath, "%s/%s", zDir, de->d_name);
        FILE *f = fopen(zPath, "rb");
        if (!f) {
            rc = err_set(e, KEEL_EINVAL, "", "%s: cannot be read", zPath);
            break;
        }
        Buf b;
        buf_init(&b, 16 * 1024 * 1024);
        char zChunk[8192];
        size_t k;
        while ((k = fread(zChunk, 1, sizeof zChunk, f)) > 0)
            buf_append(&b, zChunk, k);
        fclose(f);
        json_t *j = NULL;
        int bCal = 0;
        if (buf_err(&b))
            rc = err_set(e, KEEL_EINVAL, "", "%s: larger than 16 MiB", zPath);
        else
            rc = load_text(zPath, b.z ? b.z : "", b.n, &j, &bCal, e);
        buf_reset(&b);
        if (rc) break;
        if (bCal) {
            json_decref(*pCal);
            *pCal = j;
        } else {
            put_pack(packs, j);
        }
    }
    closedir(d);
    return rc;
}

static int load_all(const char *zDir, json_t **ppPacks, json_t **ppCal, KeelError *e) {
    static const struct {
        const char *zName;
        const unsigned char *z;
        const unsigned int *pn;
    } aEmbed[] = {
        {"data/rules/eu_ai_act.json", rules_eu_ai_act_json, &rules_eu_ai_act_json_len},
        {"data/rules/iso42001.json", rules_iso42001_json, &rules_iso42001_json_len},
        {"data/rules/nist_ai_rmf.json", rules_nist_ai_rmf_json, &rules_nist_ai_rmf_json_len},
        {"data/rules/china.json", rules_china_json, &rules_china_json_len},
        {"data/rules/cn_workdays.json", rules_cn_workdays_json, &rules_cn_workdays_json_len},
    };
    json_t *packs = json_array(), *cal = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof aEmbed / sizeof aEmbed[0]; i++) {
        json_t *j = NULL;
        int bCal = 0;
        rc = load_text(aEmbed[i].zName, (const char *)aEmbed[i].z, *aEmbed[i].pn, &j, &bCal, e);
        if (rc) break;
        if (bCal)
            cal = j;
        else
            json_array_append_new(packs, j);
    }
    if (rc == 0 && zDir && *zDir) rc = load_dir(zDir, packs, &cal, e);
    if (rc) {
        json_decref(packs);
        json_decref(cal);
        return rc;
    }
    *ppPacks = packs;
    *ppCal = cal;
    return 0;
}

int compliance_init(const char *zDir, KeelError *e) {
    if (!zDir) zDir = getenv("KEEL_RULES_DIR");
    json_t *packs = NULL, *cal = NULL;
    int rc = load_all(zDir, &packs, &cal, e);
    if (rc) return rc;
    pthread_mutex_lock(&gLock);
    json_decref(gPacks);
    json_decref(gCalendar);
    gPacks = packs;
    gCalendar = cal;
    pthread_mutex_unlock(&gLock);
    return 0;
}

int compliance_check_dir(const char *zDir, json_t **ppSummary, KeelError *e) {
    json_t *packs = NULL, *cal = NULL;
    int rc = load_all(zDir, &packs, &cal, e);
    if (rc) return rc;
    json_t *names = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(packs, i, p) json_array_append_new(
        names, json_pack("{sO sO sI}", "pack", json_object_get(p, "pack"), "version",
                         json_object_get(p, "version"), "obligations",
                         (json_int_t)json_array_size(json_object_get(p, "obligations"))));
    json_t *years = json_object_get(cal, "years");
    *ppSummary =
        json_pack("{so sO}", "packs", names, "calendar_years", years ? years : json_null());
    json_decref(packs);
    json_decref(cal);
    return 0;
}

/* The packs and calendar in force (loaded from the embedded data on first
 * use when compliance_init was not called). New references. */
static void current(json_t **ppPacks, json_t **ppCal) {
    pthread_mutex_lock(&gLock);
    if (!gPacks) {
        KeelError e = {0};
        if (load_all(NULL, &gPacks, &gCalendar, &e)) {
            gPacks = json_array(); /* the embedded packs are checked by unit tests */
            gCalendar = json_object();
        }
    }
    *ppPacks = json_incref(gPacks);
    *ppCal = json_incref(gCalendar);
    pthread_mutex_unlock(&gLock);
}

json_t *compliance_packs(void) {
    json_t *packs, *cal;
    current(&packs, &cal);
    json_t *out = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(packs, i, p) {
        json_t *o = json_deep_copy(p);
        json_object_set_new(
            o, "obligations_count",
            json_integer((json_int_t)json_array_size(json_object_get(p, "obligations"))));
        json_array_append_new(out, o);
    }
    json_t *years = json_array();
    const char *zYear;
    json_t *y;
    json_object_foreach(json_object_get(cal, "years"), zYear, y)
        json_array_append_new(years, json_string(zYear));
    json_t *res = json_pack(
        "{so s{sO sO sO so}}", "packs", out, "calendar", "title",
        json_object_get(cal, "title") ? json_object_get(cal, "title") : json_null(), "source",
        json_object_get(cal, "source") ? json_object_get(cal, "source") : json_null(), "verified",
        json_object_get(cal, "verified") ? json_object_get(cal, "verified") : json_false(), "years",
        years);
    json_decref(packs);
    json_decref(cal);
    return res;
}

/* ---- applicability -------------------------------------------------------------- */

/* ",a,b," or an array -> array. */
static json_t *as_set(const json_t *v) {
    if (json_is_array(v)) return json_incref((json_t *)v);
    json_t *a = json_array();
    const char *z = json_string_value(v);
    while (z && *z) {
        while (*z == ',')
            z++;
        const char *q = strchr(z, ',');
        size_t n = q ? (size_t)(q - z) : strlen(z);
        if (n) json_array_append_new(a, json_stringn(z, n));
        z += n;
    }
    return a;
}

static json_t *bool_of(const json_t *v) {
    return json_boolean(json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0));
}

/* The flags the packs read, from a system row. */
static json_t *flags_of(const json_t *sys) {
    json_t *f = json_object();
    static const char *const azBool[] = {
        "personal_data", "sensitive_data", "automated_decisions", "public_facing",
        "generative",    "public_opinion", "transfer_abroad",     NULL};
    for (int i = 0; azBool[i]; i++)
        json_object_set_new(f, azBool[i], bool_of(json_object_get(sys, azBool[i])));
    static const char *const azText[] = {"risk_tier", "model_source",   "ethics_domain",
                                         "eu_role",   "annex_iii_area", NULL};
    for (int i = 0; azText[i]; i++) {
        json_t *v = json_object_get(sys, azText[i]);
        json_object_set_new(f, azText[i], json_is_string(v) ? json_incref(v) : json_null());
    }
    json_object_set_new(f, "jurisdictions", as_set(json_object_get(sys, "jurisdictions")));
    json_object_set_new(f, "algorithm_types", as_set(json_object_get(sys, "algorithm_types")));
    return f;
}

static int set_contains(const json_t *a, const char *z) {
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) if (strcmp(json_string_value(x), z) == 0) return 1;
    return 0;
}

/* Whether pack p concerns a system with flags f (its jurisdiction is one of
 * the system's; voluntary packs concern every system; organisation-wide
 * packs none). */
static int pack_concerns(const json_t *p, const json_t *f, json_t *why) {
    if (json_get_str(p, "scope") && strcmp(json_get_str(p, "scope"), "organisation") == 0) return 0;
    const char *zJur = json_get_str(p, "jurisdiction");
    if (!zJur) return 1;
    if (!set_contains(json_object_get(f, "jurisdictions"), zJur)) return 0;
    char z[80];
    snprintf(z, sizeof z, "jurisdictions include %s", zJur);
    json_array_append_new(why, json_string(z));
    return 1;
}

static const char *source_of(const json_t *p, const json_t *o, char *z, size_t n) {
    const char *zShort = json_get_str(p, "short");
    if (zShort && *zShort)
        snprintf(z, n, "%s %s", zShort, json_get_str(o, "article"));
    else
        snprintf(z, n, "%s", json_get_str(o, "article"));
    return z;
}

/* Every obligation that applies to flags f: [{pack, ob (borrowed), why}]. */
static json_t *applicable(const json_t *packs, const json_t *f) {
    json_t *out = json_array();
    size_t i, j;
    json_t *p, *o;
    json_array_foreach(packs, i, p) {
        json_t *base = json_array();
        if (!pack_concerns(p, f, base)) {
            json_decref(base);
            continue;
        }
        json_array_foreach(json_object_get(p, "obligations"), j, o) {
            json_t *why = json_deep_copy(base);
            if (rulepack_applies(json_object_get(o, "applies"), f, why)) {
                if (json_array_size(why) == 0)
                    json_array_append_new(why, json_string("applies to every system"));
                json_array_append_new(out, json_pack("{sO sO so}", "pack", p, "ob", o, "why", why));
            } else {
                json_decref(why);
            }
        }
        json_decref(base);
    }
    return out;
}

/* Every obligation that does not apply to flags f, with why not (the
 * pack's jurisdiction, or the conditions that do not hold); packs decided
 * organisation-wide (the SoA) are left out. */
static json_t *not_applicable(const json_t *packs, const json_t *f) {
    json_t *out = json_array();
    size_t i, j;
    json_t *p, *o;
    char zSrc[300];
    json_array_foreach(packs, i, p) {
        if (json_get_str(p, "scope") && strcmp(json_get_str(p, "scope"), "organisation") == 0)
            continue;
        json_t *base = json_array();
        int concerns = pack_concerns(p, f, base);
        json_decref(base);
        json_array_foreach(json_object_get(p, "obligations"), j, o) {
            json_t *whyNot = json_array();
            if (!concerns) {
                char z[80];
                snprintf(z, sizeof z, "jurisdictions do not include %s",
                         json_get_str(p, "jurisdiction"));
                json_array_append_new(whyNot, json_string(z));
            } else if (!rulepack_applies(json_object_get(o, "applies"), f, NULL)) {
                rulepack_why_not(json_object_get(o, "applies"), f, whyNot);
            }
            if (json_array_size(whyNot) == 0) {
                json_decref(whyNot);
                continue;
            }
            json_array_append_new(
                out, json_pack("{sO sO sO ss sO so}", "pack", json_object_get(p, "pack"), "id",
                               json_object_get(o, "id"), "article", json_object_get(o, "article"),
                               "source", source_of(p, o, zSrc, sizeof zSrc), "title",
                               json_object_get(o, "title"), "why_not", whyNot));
        }
    }
    return out;
}

static json_t *requirement_of(const json_t *p, const json_t *o) {
    char zSrc[300];
    const json_t *ev = json_object_get(o, "evidence");
    json_t *r = json_pack(
        "{sO ss sO sO* ss}", "id", json_object_get(o, "id"), "evidence_kind",
        json_get_str(ev, "kind"), "label", json_object_get(json_object_get(o, "title"), "en"),
        "title", json_object_get(o, "title"), "source", source_of(p, o, zSrc, sizeof zSrc));
    json_t *age = json_object_get(ev, "max_age_days");
    if (age) json_object_set(r, "max_age_days", age);
    return r;
}

json_t *compliance_gate_requirements(const json_t *sys, const char *zStage) {
    json_t *packs, *cal;
    current(&packs, &cal);
    json_t *f = flags_of(sys), *apps = applicable(packs, f), *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(apps, i, a) {
        const json_t *p = json_object_get(a, "pack"), *o = json_object_get(a, "ob");
        const char *zGate = json_get_str(o, "gate");
        /* voluntary frameworks and standards guide; only law feeds gates */
        if (!zGate || strcmp(zGate, zStage) != 0 || strcmp(json_get_str(p, "kind"), "law") != 0)
            continue;
        json_array_append_new(out, requirement_of(p, o));
    }
    json_decref(apps);
    json_decref(f);
    json_decref(packs);
    json_decref(cal);
    return out;
}

/* ---- deadlines ------------------------------------------------------------------------ */

/* The due date of obligation o for a system with dates (store) and
 * review status: *pzDue (or "" with zReason saying why none), event words. */
static void due_of(const json_t *o, const json_t *cal, const json_t *dates, const json_t *review,
                   char *zDue, size_t nDue, char *zEvent, size_t nEvent, char *zOn, size_t nOn,
                   char *zReason, size_t nReason) {
    zDue[0] = zEvent[0] = zOn[0] = zReason[0] = 0;
    const json_t *d = json_object_get(o, "due");
    if (!json_is_object(d)) return;
    json_t *every = json_object_get(d, "every_months");
    if (every) {
        const char *zFrom = json_get_str(d, "from");
        const char *zBase = strcmp(zFrom, "launch") == 0 ? json_get_str(dates, "launch_on")
                                                         : json_get_str(review, "last_held_on");
        snprintf(zEvent, nEvent, "%s", strcmp(zFrom, "launch") == 0 ? "launch" : "last_review");
        if (!zBase && strcmp(zFrom, "last_review") == 0)
            zBase = json_get_str(dates, "registered_on");
        if (!zBase) return;
        snprintf(zOn, nOn, "%s", zBase);
        date_add_months(zBase, (int)json_integer_value(every), zDue, nDue);
        snprintf(zReason, nReason, "every %lld months from the %s on %s",
                 (long long)json_integer_value(every),
                 strcmp(zFrom, "launch") == 0 ? "launch" : "last review", zBase);
        return;
    }
    const char *zEv = json_get_str(d, "event");
    char zKey[32];
    snprintf(zKey, sizeof zKey, "%s_on", zEv);
    const char *zBase = json_get_str(dates, zKey);
    snprintf(zEvent, nEvent, "%s", zEv);
    if (!zBase) return; /* the event has not happened */
    snprintf(zOn, nOn, "%s", zBase);
    json_t *wd = json_object_get(d, "working_days"), *cd = json_object_get(d, "calendar_days");
    if (wd) {
        int year = 0;
        int n = (int)json_integer_value(wd);
        if (workdays_add(cal, zBase, n, zDue, nDue, &year) == KEEL_ENOTFOUND) {
            zDue[0] = 0;
            snprintf(zReason, nReason,
                     "%d working days after the %s on %s: keel has no Chinese working-day table "
                     "for %d, so it does not guess the date (add the year to cn_workdays.json)",
                     n, zEv, zBase, year);
            return;
        }
        snprintf(zReason, nReason, "%d working days (China) after the %s on %s", n, zEv, zBase);
    } else {
        date_add_days(zBase, (int)json_integer_value(cd), zDue, nDue);
        snprintf(zReason, nReason, "%lld days after the %s on %s",
                 (long long)json_integer_value(cd), zEv, zBase);
    }
}

/* ---- a system's obligations ----------------------------------------------------------------- */

typedef struct SysCtx {
    json_t *sys, *ver, *dates, *review, *f;
} SysCtx;

static void sysctx_free(SysCtx *s) {
    json_decref(s->sys);
    json_decref(s->ver);
    json_decref(s->dates);
    json_decref(s->review);
    json_decref(s->f);
}

static int sysctx_load(Db *db, const json_t *sysRow, SysCtx *s, KeelError *e) {
    memset(s, 0, sizeof *s);
    s->sys = json_deep_copy(sysRow);
    int64_t id = json_get_id(sysRow, "id");
    int rc = store_compliance_dates(db, id, &s->dates);
    if (rc == 0) rc = review_status(db, s->sys, time_now(), &s->review);
    if (rc) return err_set(e, rc, "", "cannot read the system's dates: %s", db_errmsg(db));
    const char *zCreated = json_get_str(sysRow, "created_at");
    if (zCreated) json_object_set_new(s->dates, "registered_on", json_stringn(zCreated, 10));
    KeelError ve = {0};
    if (system_version_find(db, id, json_get_str(sysRow, "name"), NULL, &s->ver, &ve))
        s->ver = NULL;
    s->f = flags_of(sysRow);
    return 0;
}

/* The obligations of one loaded system as output rows. */
static int obligations_of(Db *db, SysCtx *s, const json_t *packs, const json_t *cal,
                          const char *zToday, json_t **ppOut) {
    json_t *apps = applicable(packs, s->f), *reqs = json_array(), *rows = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(apps, i, a) {
        const json_t *o = json_object_get(a, "ob");
        if (json_is_object(json_object_get(o, "evidence")))
            json_array_append_new(reqs, requirement_of(json_object_get(a, "pack"), o));
    }
    json_t *states = NULL;
    int rc = s->ver ? gate_requirements_state(db, s->sys, s->ver, reqs, &states) : 0;
    size_t k = 0;
    json_array_foreach(rc ? NULL : apps, i, a) {
        const json_t *p = json_object_get(a, "pack"), *o = json_object_get(a, "ob");
        const json_t *ev = json_object_get(o, "evidence");
        char zSrc[300], zDue[16], zEvent[24], zOn[16], zReason[400];
        const char *zStatus = "met", *zDetail = "recorded in the register";
        const char *zSay = "in_register"; /* zDetail's code (docs/api.md#sentences) */
        json_t *st = NULL;
        if (json_is_object(ev)) {
            st = states ? json_array_get(states, k) : NULL;
            k++;
            if (!s->ver) {
                zStatus = "missing";
                zDetail = "no version of the system is registered yet";
                zSay = "no_version_yet";
            } else if (!json_is_object(st)) {
                zStatus = "not_evidenced";
                zDetail = "nothing to check yet";
                zSay = "nothing_to_check";
            } else {
                zStatus = json_get_str(st, "state");
                zDetail = json_get_str(st, "detail");
                zSay = NULL; /* the gate's own detail_code */
            }
        }
        due_of(o, cal, s->dates, s->review, zDue, sizeof zDue, zEvent, sizeof zEvent, zOn,
               sizeof zOn, zReason, sizeof zReason);
        /* an event deadline is done once evidence of its kind arrived after the event */
        int bDone = 0;
        if (zOn[0] && json_is_object(ev) && json_object_get(json_object_get(o, "due"), "event")) {
            int64_t n = 0;
            if (store_compliance_evidence_since(db, json_get_id(s->sys, "id"),
                                                json_get_str(ev, "kind"), zOn, &n) == 0 &&
                n > 0)
                bDone = 1;
        }
        json_t *row = json_pack(
            "{sO sO sO ss sO sO s:s? s:O? ss s:s? sO}", "pack", json_object_get(p, "pack"), "id",
            json_object_get(o, "id"), "article", json_object_get(o, "article"), "source",
            source_of(p, o, zSrc, sizeof zSrc), "title", json_object_get(o, "title"), "why",
            json_object_get(a, "why"), "evidence_kind", json_get_str(ev, "kind"), "gate",
            json_object_get(o, "gate"), "status", zStatus, "detail", zDetail, "verified",
            json_object_get(o, "verified"));
        json_t *dc = zSay ? json_pack("{ss so}", "code", zSay, "params", json_object())
                          : json_incref(json_object_get(st, "detail_code"));
        json_object_set_new(row, "detail_code", dc ? dc : json_null());
        if (json_object_get(o, "note")) json_object_set(row, "note", json_object_get(o, "note"));
        if (zEvent[0] && zOn[0] && !bDone) {
            json_object_set_new(row, "due", zDue[0] ? json_string(zDue) : json_null());
            json_object_set_new(row, "overdue", json_boolean(zDue[0] && strcmp(zDue, zToday) < 0));
            json_object_set_new(row, "due_reason", json_string(zReason));
            json_object_set_new(row, "event", json_string(zEvent));
            json_object_set_new(row, "event_on", json_string(zOn));
        } else {
            json_object_set_new(row, "due", json_null());
            json_object_set_new(row, "overdue", json_false());
            if (bDone)
                json_object_set_new(row, "due_reason",
                                    json_string("done: evidence recorded after the event"));
        }
        json_array_append_new(rows, row);
    }
    json_decref(states);
    json_decref(reqs);
    json_decref(apps);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *ppOut = rows;
    return 0;
}

static json_t *counts_of(const json_t *rows) {
    int64_t nMet = 0, nMissing = 0, nOverdue = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        if (strcmp(json_get_str(r, "status"), "met") == 0)
            nMet++;
        else
            nMissing++;
        if (json_is_true(json_object_get(r, "overdue"))) nOverdue++;
    }
    return json_pack("{sI sI sI sI}", "total", (json_int_t)json_array_size(rows), "met",
                     (json_int_t)nMet, "open", (json_int_t)nMissing, "overdue",
                     (json_int_t)nOverdue);
}

int compliance_system(Db *db, const char *zName, json_t **ppOut, KeelError *e) {
    json_t *row;
    int rc = system_get_row(db, zName, &row, e);
    if (rc) return rc;
    SysCtx s;
    rc = sysctx_load(db, row, &s, e);
    json_decref(row);
    json_t *packs, *cal, *obs = NULL;
    current(&packs, &cal);
    char zToday[16];
    time_date(time_now(), zToday, sizeof zToday);
    if (rc == 0) rc = obligations_of(db, &s, packs, cal, zToday, &obs);
    if (rc == 0)
        *ppOut = json_pack("{sO sO sO so so so}", "system", json_object_get(s.sys, "name"),
                           "jurisdictions", json_object_get(s.f, "jurisdictions"), "flags", s.f,
                           "counts", counts_of(obs), "obligations", obs, "not_applicable",
                           not_applicable(packs, s.f));
    else if (!e->zMsg[0])
        rc = err_set(e, rc, "", "cannot evaluate the obligations: %s", db_errmsg(db));
    sysctx_free(&s);
    json_decref(packs);
    json_decref(cal);
    return rc;
}

int compliance_preview(Db *db, const char *zName, const json_t *changes, json_t **ppOut,
                       KeelError *e) {
    if (!json_is_object(changes))
        return err_set(e, KEEL_EINVAL, "", "send the changed fields as a JSON object");
    json_t *row;
    int rc = system_get_row(db, zName, &row, e);
    if (rc) return rc;
    json_t *probe = json_deep_copy(changes);
    rc = resource_validate(&resource_system, probe, 0, e);
    json_decref(probe);
    if (rc) {
        json_decref(row);
        return rc;
    }
    json_t *after = json_deep_copy(row);
    json_object_update(after, (json_t *)changes);
    json_t *packs, *cal;
    current(&packs, &cal);
    json_t *fb = flags_of(row), *fa = flags_of(after);
    json_t *before = applicable(packs, fb), *now = applicable(packs, fa);
    json_t *appear = json_array(), *disappear = json_array(), *stay = json_array();
    char zSrc[300];
    size_t i, j;
    json_t *a, *b;
    json_array_foreach(now, i, a) {
        int found = 0;
        json_array_foreach(before, j, b) if (json_object_get(a, "ob") == json_object_get(b, "ob"))
            found = 1;
        const json_t *p = json_object_get(a, "pack"), *o = json_object_get(a, "ob");
        if (found)
            json_array_append(stay, json_object_get(o, "id"));
        else
            json_array_append_new(
                appear,
                json_pack("{sO ss sO sO sO}", "id", json_object_get(o, "id"), "source",
                          source_of(p, o, zSrc, sizeof zSrc), "title", json_object_get(o, "title"),
                          "why", json_object_get(a, "why"), "gate", json_object_get(o, "gate")));
    }
    json_array_foreach(before, i, b) {
        int found = 0;
        json_array_foreach(now, j, a) if (json_object_get(a, "ob") == json_object_get(b, "ob"))
            found = 1;
        const json_t *p = json_object_get(b, "pack"), *o = json_object_get(b, "ob");
        if (!found)
            json_array_append_new(disappear,
                                  json_pack("{sO ss sO sO}", "id", json_object_get(o, "id"),
                                            "source", source_of(p, o, zSrc, sizeof zSrc), "title",
                                            json_object_get(o, "title"), "gate",
                                            json_object_get(o, "gate")));
    }
    *ppOut = json_pack("{sO so so so}", "system", json_object_get(row, "name"), "appear", appear,
                       "disappear", disappear, "stay", stay);
    json_decref(before);
    json_decref(now);
    json_decref(fb);
    json_decref(fa);
    json_decref(after);
    json_decref(row);
    json_decref(packs);
    json_decref(cal);
    return 0;
}

/* Each registered system with its obligations as of zToday: x(ctx, the
 * system's row, the loaded system, its obligations (borrowed)) for each in
 * the store's order, until a load or x fails (that code is returned). */
typedef int (*ObligationVisit)(void *ctx, const json_t *sys, const SysCtx *s, const json_t *obs);
static int each_system_obligations(Db *db, const json_t *packs, const json_t *cal,
                                   const char *zToday, ObligationVisit x, void *ctx, KeelError *e) {
    json_t *systems, *sys;
    size_t i;
    int rc = store_compliance_systems(db, &systems);
    if (rc) return err_set(e, rc, "", "cannot read the systems: %s", db_errmsg(db));
    json_array_foreach(systems, i, sys) {
        SysCtx s;
        json_t *obs = NULL;
        rc = sysctx_load(db, sys, &s, e);
        if (rc == 0) rc = obligations_of(db, &s, packs, cal, zToday, &obs);
        if (rc == 0) rc = x(ctx, sys, &s, obs);
        json_decref(obs);
        sysctx_free(&s);
        if (rc) break;
    }
    json_decref(systems);
    return rc;
}

/* ---- the calendar -----------------------------------------------------------------------------
 */

static int cmp_due(const void *pa, const void *pb) {
    const json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    const char *za = json_get_str(a, "due"), *zb = json_get_str(b, "due");
    if (!za && !zb) return 0;
    if (!za) return 1;
    if (!zb) return -1;
    return strcmp(za, zb);
}

/* The calendar's rows: each obligation of a system with an event date,
 * due by zLimit (all when days < 0). */
typedef struct CalCtx {
    int days;
    const char *zLimit;
    json_t *items;
} CalCtx;

static int calendar_rows(void *ctx, const json_t *sys, const SysCtx *s, const json_t *obs) {
    CalCtx *c = ctx;
    size_t j;
    json_t *r;
    (void)s;
    json_array_foreach(obs, j, r) {
        if (!json_object_get(r, "event_on")) continue;
        const char *zDue = json_get_str(r, "due");
        if (c->days >= 0 && zDue && strcmp(zDue, c->zLimit) > 0) continue;
        char zId[200];
        snprintf(zId, sizeof zId, "%s:%s:%s", json_get_str(sys, "name"), json_get_str(r, "id"),
                 json_get_str(r, "event_on"));
        json_array_append_new(
            c->items,
            json_pack("{ss sO sO sO sO sO sO sO sO sO sO}", "id", zId, "system",
                      json_object_get(sys, "name"), "obligation", json_object_get(r, "id"), "pack",
                      json_object_get(r, "pack"), "source", json_object_get(r, "source"), "title",
                      json_object_get(r, "title"), "due", json_object_get(r, "due"), "overdue",
                      json_object_get(r, "overdue"), "reason", json_object_get(r, "due_reason"),
                      "event", json_object_get(r, "event"), "event_on",
                      json_object_get(r, "event_on")));
    }
    return 0;
}

int compliance_calendar(Db *db, int days, json_t **ppOut, KeelError *e) {
    json_t *packs, *cal;
    current(&packs, &cal);
    char zToday[16], zLimit[16];
    time_date(time_now(), zToday, sizeof zToday);
    date_add_days(zToday, days < 0 ? 0 : days, zLimit, sizeof zLimit);
    json_t *items = json_array();
    CalCtx c = {days, zLimit, items};
    int rc = each_system_obligations(db, packs, cal, zToday, calendar_rows, &c, e);
    json_decref(packs);
    json_decref(cal);
    if (rc) {
        json_decref(items);
        return rc;
    }
    size_t i;
    size_t n = json_array_size(items);
    json_t **a = n ? malloc(n * sizeof *a) : NULL;
    if (n && !a) {
        json_decref(items);
        return KEEL_ENOMEM;
    }
    for (i = 0; i < n; i++)
        a[i] = json_incref(json_array_get(items, i));
    if (n > 1) qsort(a, n, sizeof *a, cmp_due); /* qsort(NULL, 0, ...) is undefined */
    json_array_clear(items);
    for (i = 0; i < n; i++)
        json_array_append_new(items, a[i]);
    free(a);
    *ppOut = json_pack("{so ss}", "items", items, "today", zToday);
    return 0;
}

/* Text escaped for an iCalendar value, folded at 75 octets. */
static void ics_text(Buf *b, const char *zName, const char *z) {
    Buf t;
    buf_init(&t, 0);
    buf_puts(&t, zName);
    buf_putc(&t, ':');
    for (; z && *z; z++) {
        if (*z == '\\' || *z == ';' || *z == ',') buf_putc(&t, '\\');
        if (*z == '\n') {
            buf_puts(&t, "\\n");
            continue;
        }
        if ((unsigned char)*z < 0x20) continue;
        buf_putc(&t, *z);
    }
    size_t col = 0;
    for (size_t i = 0; i < t.n; i++) {
        /* fold before 75 octets, never inside a UTF-8 sequence */
        if (col >= 73 && ((unsigned char)t.z[i] & 0xC0) != 0x80) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_putc(b, t.z[i]);
        col++;
    }
    buf_puts(b, "\r\n");
    buf_reset(&t);
}

int compliance_ics(Db *db, Buf *b, KeelError *e) {
    json_t *cal;
    int rc = compliance_calendar(db, -1, &cal, e);
    if (rc) return rc;
    char zStamp[32];
    time_t now = (time_t)time_now();
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(zStamp, sizeof zStamp, "%Y%m%dT%H%M%SZ", &tm);
    buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//keel//compliance calendar//EN\r\n"
                "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:keel compliance\r\n");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(cal, "items"), i, it) {
        const char *zDue = json_get_str(it, "due");
        if (!zDue) continue;
        char zDay[16], zNext[16], zSummary[600], zUid[300];
        snprintf(zDay, sizeof zDay, "%.4s%.2s%.2s", zDue, zDue + 5, zDue + 8);
        date_add_days(zDue, 1, zNext, sizeof zNext);
        char zEnd[16];
        snprintf(zEnd, sizeof zEnd, "%.4s%.2s%.2s", zNext, zNext + 5, zNext + 8);
        snprintf(zSummary, sizeof zSummary, "%s: %s", json_get_str(it, "system"),
                 json_get_str(json_object_get(it, "title"), "en"));
        snprintf(zUid, sizeof zUid, "%s@keel", json_get_str(it, "id"));
        buf_puts(b, "BEGIN:VEVENT\r\n");
        ics_text(b, "UID", zUid);
        buf_printf(b, "DTSTAMP:%s\r\nDTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", zStamp,
                   zDay, zEnd);
        ics_text(b, "SUMMARY", zSummary);
        char zDesc[1200];
        snprintf(zDesc, sizeof zDesc, "%s\n%s", json_get_str(it, "source"),
                 json_get_str(it, "reason") ? json_get_str(it, "reason") : "");
        ics_text(b, "DESCRIPTION", zDesc);
        buf_puts(b, "END:VEVENT\r\n");
    }
    buf_puts(b, "END:VCALENDAR\r\n");
    json_decref(cal);
    return buf_err(b) ? KEEL_ENOMEM : 0;
}

/* ---- events, the SoA, the overview
 * ---------------------------------------------------------------- */

int compliance_event_add(Db *db, const Principal *who, const char *zName, json_t *in, int64_t *pId,
                         KeelError *e) {
    int64_t systemId = 0;
    int rc = system_for_edit(db, who, zName, &systemId, e);
    if (rc) return rc;
    if (json_object_get(in, "system_id"))
        return err_set(e, KEEL_EINVAL, "system_id", "the system is the one in the path");
    rc = resource_validate(&resource_compliance_event, in, 1, e);
    if (rc) return rc;
    json_object_set_new(in, "system_id", json_integer(systemId));
    json_object_set_new(in, "account_id", json_integer(who->accountId));
    json_object_set_new(in, "created_by", json_string(who->zEmail[0] ? who->zEmail : "system"));
    Actor a = auth_actor(who);
    return store_crud_create(db, &resource_compliance_event, &a, in, pId, e);
}

static const json_t *pack_named(const json_t *packs, const char *zName) {
    size_t i;
    json_t *p;
    json_array_foreach(packs, i, p) if (strcmp(json_get_str(p, "pack"), zName) == 0) return p;
    return NULL;
}

int compliance_soa(Db *db, json_t **ppOut, KeelError *e) {
    json_t *rows, *systems;
    int rc = store_soa_all(db, &rows);
    if (rc == 0) rc = store_compliance_systems(db, &systems);
    if (rc) {
        json_decref(rows);
        return err_set(e, rc, "", "cannot read the Statement of Applicability: %s", db_errmsg(db));
    }
    json_t *packs, *cal;
    current(&packs, &cal);
    const json_t *iso = pack_named(packs, "iso42001");
    json_t *items = json_array();
    int64_t nDecided = 0, nIncluded = 0, nMissing = 0;
    size_t i, j;
    json_t *o, *sys;
    json_array_foreach(iso ? json_object_get(iso, "obligations") : NULL, i, o) {
        const char *zControl = json_get_str(o, "article");
        const json_t *dec = json_find_str(rows, "control", zControl);
        const char *zKind = json_get_str(json_object_get(o, "evidence"), "kind");
        /* the systems that hold evidence of the control's kind */
        json_t *holders = json_array();
        json_array_foreach(zKind ? systems : NULL, j, sys) {
            int64_t n = 0;
            if (store_compliance_evidence_since(db, json_get_id(sys, "id"), zKind, "0000-00-00",
                                                &n) == 0 &&
                n > 0)
                json_array_append(holders, json_object_get(sys, "name"));
        }
        json_t *missing = json_array();
        if (!dec)
            json_array_append_new(
                missing, json_string("no decision: include or exclude it, with a justification"));
        else if (json_is_true(json_object_get(dec, "included")) ||
                 json_integer_value(json_object_get(dec, "included")) == 1) {
            if (!json_get_str(dec, "implementation"))
                json_array_append_new(missing, json_string("how it is implemented"));
            if (zKind && json_array_size(holders) == 0) {
                char z[160];
                snprintf(z, sizeof z, "evidence of kind %s in the register", zKind);
                json_array_append_new(missing, json_string(z));
            }
        }
        if (dec) nDecided++;
        if (dec && (json_is_true(json_object_get(dec, "included")) ||
                    json_integer_value(json_object_get(dec, "included")) == 1))
            nIncluded++;
        if (json_array_size(missing)) nMissing++;
        json_t *row = json_pack("{ss sO s:s? so so}", "control", zControl, "title",
                                json_object_get(o, "title"), "evidence_kind", zKind,
                                "evidence_systems", holders, "missing", missing);
        json_object_set_new(row, "decision", dec ? json_deep_copy(dec) : json_null());
        if (dec)
            json_object_set_new(json_object_get(row, "decision"), "included",
                                bool_of(json_object_get(dec, "included")));
        json_array_append_new(items, row);
    }
    *ppOut = json_pack("{so s{sI sI sI sI}}", "controls", items, "counts", "controls",
                       (json_int_t)json_array_size(items), "decided", (json_int_t)nDecided,
                       "included", (json_int_t)nIncluded, "with_gaps", (json_int_t)nMissing);
    json_decref(rows);
    json_decref(systems);
    json_decref(packs);
    json_decref(cal);
    return 0;
}

int compliance_soa_put(Db *db, const Principal *who, const char *zControl, json_t *in,
                       KeelError *e) {
    json_t *packs, *cal;
    current(&packs, &cal);
    const json_t *iso = pack_named(packs, "iso42001");
    int known = iso && json_find_str(json_object_get(iso, "obligations"), "article", zControl);
    json_decref(packs);
    json_decref(cal);
    if (!known)
        return err_set(e, KEEL_ENOTFOUND, "control",
                       "'%.40s' is not an ISO/IEC 42001 Annex A control (GET "
                       "/api/v1/compliance/soa lists them)",
                       zControl ? zControl : "");
    if (json_object_get(in, "control"))
        return err_set(e, KEEL_EINVAL, "control", "the control is the one in the path");
    Actor a = auth_actor(who);
    int rc = db_begin(db);
    if (rc) return rc;
    int64_t id = 0;
    rc = store_soa_id(db, zControl, &id);
    if (rc == KEEL_ENOTFOUND) {
        rc = resource_validate(&resource_soa_entry, in, 1, e);
        if (rc == 0) {
            json_object_set_new(in, "control", json_string(zControl));
            json_object_set_new(in, "account_id", json_integer(who->accountId));
            json_object_set_new(in, "created_by",
                                json_string(who->zEmail[0] ? who->zEmail : "system"));
            rc = store_crud_create(db, &resource_soa_entry, &a, in, &id, e);
        }
    } else if (rc == 0) {
        rc = resource_validate(&resource_soa_entry, in, 0, e);
        if (rc == 0) rc = store_crud_update(db, &resource_soa_entry, &a, id, in, e);
    }
    return db_end(db, rc);
}

int compliance_data_findings(Db *db, json_t **ppOut, KeelError *e) {
    json_t *assets, *out = NULL;
    int rc = store_compliance_assets(db, &assets);
    if (rc == 0) rc = alloc_purpose_findings(db, 0, &out);
    if (rc) {
        json_decref(assets);
        return err_set(e, rc, "", "cannot read the data assets: %s", db_errmsg(db));
    }
    size_t i, j;
    json_t *a, *w;
    json_array_foreach(assets, i, a) {
        if (json_is_null(json_object_get(a, "readiness_score"))) continue;
        json_t *full = NULL;
        if ((rc = alloc_asset_get(db, json_get_id(a, "id"), &full))) break;
        json_array_foreach(json_object_get(full, "warnings"), j, w) {
            if (strcmp(json_get_str(w, "code"), "undeclared_personal_data")) continue;
            json_t *f = json_deep_copy(w);
            json_object_set_new(f, "asset_id", json_integer(json_get_id(a, "id")));
            json_object_set(f, "asset", json_object_get(a, "name"));
            json_array_append_new(out, f);
        }
        json_decref(full);
    }
    json_decref(assets);
    if (rc) {
        json_decref(out);
        return err_set(e, rc, "", "cannot read the data assets: %s", db_errmsg(db));
    }
    *ppOut = out;
    return 0;
}

/* The overview's row of a system: its obligations counted per pack and in
 * all (ctx: the rows). */
static int overview_row(void *ctx, const json_t *sys, const SysCtx *s, const json_t *obs) {
    json_t *per = json_object();
    size_t j;
    json_t *r;
    json_array_foreach(obs, j, r) {
        const char *zPack = json_get_str(r, "pack");
        json_t *c = json_object_get(per, zPack);
        if (!c)
            json_object_set_new(
                per, zPack,
                c = json_pack("{si si si si}", "total", 0, "met", 0, "open", 0, "overdue", 0));
#define BUMP(k)                                                                                    \
    json_object_set_new(c, k, json_integer(json_integer_value(json_object_get(c, k)) + 1))
        BUMP("total");
        BUMP(strcmp(json_get_str(r, "status"), "met") == 0 ? "met" : "open");
        if (json_is_true(json_object_get(r, "overdue"))) BUMP("overdue");
#undef BUMP
    }
    json_array_append_new(ctx, json_pack("{sO sO sO so so}", "system", json_object_get(sys, "name"),
                                         "title", json_object_get(sys, "title"), "jurisdictions",
                                         json_object_get(s->f, "jurisdictions"), "packs", per,
                                         "counts", counts_of(obs)));
    return 0;
}

int compliance_overview(Db *db, json_t **ppOut, KeelError *e) {
    json_t *packs, *cal;
    current(&packs, &cal);
    char zToday[16];
    time_date(time_now(), zToday, sizeof zToday);
    json_t *rows = json_array();
    int rc = each_system_obligations(db, packs, cal, zToday, overview_row, rows, e);
    size_t i;
    json_t *calItems = NULL, *soa = NULL, *findings = NULL;
    if (rc == 0) rc = compliance_calendar(db, 7, &calItems, e);
    if (rc == 0) rc = compliance_soa(db, &soa, e);
    if (rc == 0) rc = compliance_data_findings(db, &findings, e);
    if (rc == 0) {
        json_t *names = json_array();
        json_t *p;
        json_array_foreach(packs, i, p)
            json_array_append_new(names, json_pack("{sO sO sO}", "pack", json_object_get(p, "pack"),
                                                   "title", json_object_get(p, "title"), "verified",
                                                   json_object_get(p, "verified")));
        *ppOut =
            json_pack("{so so sO sO}", "packs", names, "systems", rows, "due_soon",
                      json_object_get(calItems, "items"), "soa", json_object_get(soa, "counts"));
        json_object_set_new(*ppOut, "findings", findings);
        findings = NULL;
    } else {
        json_decref(rows);
    }
    json_decref(calItems);
    json_decref(soa);
    json_decref(findings);
    json_decref(packs);
    json_decref(cal);
    return rc;
}

/* ---- the demo
 * -------------------------------------------------------------------------------------- */

int compliance_demo_load(Db *db, const json_t *doc, KeelError *e) {
    const json_t *sec = json_object_get(doc, "compliance");
    if (!sec) return 0;
    Actor a = {0, "system"};
    const char *zName;
    json_t *flags;
    int rc = 0;
    json_object_foreach((json_t *)json_object_get(sec, "systems"), zName, flags) {
        int64_t id = system_id_by_name(db, zName);
        if (id <= 0) return err_set(e, KEEL_EINVAL, "compliance", "demo: no system %s", zName);
        json_t *in = json_deep_copy(flags);
        rc = resource_validate(&resource_system, in, 0, e);
        if (rc == 0) rc = store_crud_update(db, &resource_system, &a, id, in, e);
        json_decref(in);
        if (rc) return rc;
    }
    /* the change "across the National Day week": Monday-ish 28 September
     * of the latest such date before today */
    char zToday[16], zNational[16];
    time_date(time_now(), zToday, sizeof zToday);
    int year = atoi(zToday);
    if (strcmp(zToday + 5, "10-01") < 0) year--;
    snprintf(zNational, sizeof zNational, "%04d-09-28", year);
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(sec, "events"), i, ev) {
        int64_t id = system_id_by_name(db, json_get_str(ev, "system"));
        if (id <= 0)
            return err_set(e, KEEL_EINVAL, "compliance", "demo: an event of an unknown system");
        const char *zOn = json_get_str(ev, "occurred_on");
        json_t *in = json_pack("{sI sO ss sO sI ss}", "system_id", (json_int_t)id, "kind",
                               json_object_get(ev, "kind"), "occurred_on",
                               strcmp(zOn, "national_day") == 0 ? zNational : zOn, "description",
                               json_object_get(ev, "description"), "account_id", (json_int_t)0,
                               "created_by", "system");
        int64_t newId = 0;
        rc = store_crud_create(db, &resource_compliance_event, &a, in, &newId, e);
        json_decref(in);
        if (rc) return rc;
    }
    json_t *d;
    json_array_foreach(json_object_get(sec, "soa"), i, d) {
        json_t *in = json_deep_copy(d);
        json_object_set_new(in, "account_id", json_integer(0));
        json_object_set_new(in, "created_by", json_string("system"));
        int64_t newId = 0;
        rc = store_crud_create(db, &resource_soa_entry, &a, in, &newId, e);
        json_decref(in);
        if (rc) return rc;
    }
    return 0;
}
