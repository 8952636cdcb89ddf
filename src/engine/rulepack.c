/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rule packs and working days; see rulepack.h. */
#include "engine/rulepack.h"
#include "util/timeutil.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const azRuleFlag[] = {
    "risk_tier",      "personal_data",   "sensitive_data", "automated_decisions", "public_facing",
    "generative",     "model_source",    "ethics_domain",  "jurisdictions",       "eu_role",
    "annex_iii_area", "algorithm_types", "public_opinion", "transfer_abroad",     NULL};
const char *const azRuleEvent[] = {"launch", "change", "incident", "retired", NULL};

static const char *const azDueFrom[] = {"last_review", "launch", NULL};
static const char *const azPackKind[] = {"law", "standard", "framework", NULL};
static const char *const azGate[] = {"data_collection", "training",  "pre_launch",
                                     "launch",          "operating", NULL};

/* A JSON path into z (truncated paths are still useful in a message). */
static void pathf(char *z, size_t n, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(z, n, zFmt, ap);
    va_end(ap);
}

static int in_list(const char *const *az, const char *z) {
    for (int i = 0; z && az[i]; i++)
        if (strcmp(az[i], z) == 0) return 1;
    return 0;
}

static int bad(EngineError *e, const char *zPath, const char *zWhy) {
    return engine_fail(e, KEEL_EINVAL, zPath, "%s: %s", zPath, zWhy);
}

/* A {en, zh-CN} pair of non-empty strings. */
static int check_words(const json_t *o, const char *zPath, EngineError *e) {
    if (!json_is_object(o) || !json_is_string(json_object_get(o, "en")) ||
        !json_is_string(json_object_get(o, "zh-CN")) ||
        !*json_string_value(json_object_get(o, "en")) ||
        !*json_string_value(json_object_get(o, "zh-CN")))
        return bad(e, zPath, "must be an object {\"en\": text, \"zh-CN\": text}");
    return 0;
}

static int is_date(const char *z) {
    int y, m, d;
    char c;
    return z && strlen(z) == 10 && sscanf(z, "%4d-%2d-%2d%c", &y, &m, &d, &c) == 3 && m >= 1 &&
           m <= 12 && d >= 1 && d <= 31 && z[4] == '-' && z[7] == '-';
}

static int check_cond(const json_t *c, const char *zPath, EngineError *e) {
    char z[200];
    if (!json_is_object(c))
        return bad(e, zPath, "a condition must be an object {flag, is|in|has|set}");
    const char *zFlag = json_string_value(json_object_get(c, "flag"));
    pathf(z, sizeof z, "%s.flag", zPath);
    if (!in_list(azRuleFlag, zFlag))
        return bad(e, z,
                   "unknown flag (risk_tier, personal_data, sensitive_data, "
                   "automated_decisions, public_facing, generative, model_source, "
                   "ethics_domain, jurisdictions, eu_role, annex_iii_area, "
                   "algorithm_types, public_opinion, transfer_abroad)");
    int nOp = 0;
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)c, zKey, v) {
        pathf(z, sizeof z, "%s.%s", zPath, zKey);
        if (strcmp(zKey, "flag") == 0) continue;
        nOp++;
        if (strcmp(zKey, "is") == 0 || strcmp(zKey, "set") == 0) {
            if (!json_is_boolean(v)) return bad(e, z, "must be true or false");
        } else if (strcmp(zKey, "in") == 0) {
            if (!json_is_array(v) || json_array_size(v) == 0)
                return bad(e, z, "must be a non-empty array of values");
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) if (!json_is_string(x)) return bad(e, z,
                                                                           "values must be text");
        } else if (strcmp(zKey, "has") == 0) {
            if (!json_is_string(v)) return bad(e, z, "must be a value");
        } else {
            return bad(e, z, "unknown operator (is, in, has, set)");
        }
    }
    if (nOp != 1) return bad(e, zPath, "a condition needs exactly one of is, in, has, set");
    return 0;
}

static int check_applies(const json_t *a, const char *zPath, EngineError *e) {
    char z[200];
    if (!json_is_object(a)) return bad(e, zPath, "must be an object {all?: [...], any?: [...]}");
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)a, zKey, v) {
        pathf(z, sizeof z, "%s.%s", zPath, zKey);
        if (strcmp(zKey, "all") != 0 && strcmp(zKey, "any") != 0)
            return bad(e, z, "unknown key (all, any)");
        if (!json_is_array(v)) return bad(e, z, "must be an array of conditions");
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) {
            pathf(z, sizeof z, "%s.%s[%zu]", zPath, zKey, i);
            int rc = check_cond(c, z, e);
            if (rc) return rc;
        }
    }
    return 0;
}

static int check_due(const json_t *d, const char *zPath, EngineError *e) {
    char z[200];
    if (json_is_null(d)) return 0;
    if (!json_is_object(d)) return bad(e, zPath, "must be null or an object");
    json_t *every = json_object_get(d, "every_months");
    if (every) {
        pathf(z, sizeof z, "%s.every_months", zPath);
        if (!json_is_integer(every) || json_integer_value(every) < 1 ||
            json_integer_value(every) > 120)
            return bad(e, z, "must be a whole number of months from 1 to 120");
        pathf(z, sizeof z, "%s.from", zPath);
        if (!in_list(azDueFrom, json_string_value(json_object_get(d, "from"))))
            return bad(e, z, "must be last_review or launch");
        return 0;
    }
    pathf(z, sizeof z, "%s.event", zPath);
    if (!in_list(azRuleEvent, json_string_value(json_object_get(d, "event"))))
        return bad(e, z, "must be launch, change, incident or retired");
    json_t *cd = json_object_get(d, "calendar_days"), *wd = json_object_get(d, "working_days");
    if (!!cd == !!wd) return bad(e, zPath, "needs exactly one of calendar_days, working_days");
    json_t *n = cd ? cd : wd;
    pathf(z, sizeof z, "%s.%s", zPath, cd ? "calendar_days" : "working_days");
    if (!json_is_integer(n) || json_integer_value(n) < 0 || json_integer_value(n) > 3660)
        return bad(e, z, "must be a whole number of days from 0 to 3660");
    return 0;
}

int rulepack_check(const json_t *pack, EngineError *e) {
    char z[200];
    if (!json_is_object(pack)) return bad(e, "$", "a pack must be a JSON object");
    const char *zId = json_string_value(json_object_get(pack, "pack"));
    if (!zId || !*zId || strlen(zId) > 64) return bad(e, "pack", "must be the pack's name");
    int rc = check_words(json_object_get(pack, "title"), "title", e);
    if (rc) return rc;
    json_t *shortName = json_object_get(pack, "short");
    if (shortName && !json_is_string(shortName))
        return bad(e, "short", "must be the short name that prefixes citations (\"\" for none)");
    if (!in_list(azPackKind, json_string_value(json_object_get(pack, "kind"))))
        return bad(e, "kind", "must be law, standard or framework");
    json_t *jur = json_object_get(pack, "jurisdiction");
    if (!json_is_null(jur) && !json_is_string(jur))
        return bad(e, "jurisdiction", "must be a jurisdiction (eu, cn, ...) or null");
    if (!json_is_string(json_object_get(pack, "source")))
        return bad(e, "source", "must name the source text");
    if (!json_is_string(json_object_get(pack, "version")))
        return bad(e, "version", "must be the pack's version");
    if (!is_date(json_string_value(json_object_get(pack, "published"))))
        return bad(e, "published", "must be a date YYYY-MM-DD");
    if (!json_is_boolean(json_object_get(pack, "verified")))
        return bad(e, "verified", "must be true or false");
    json_t *fig = json_object_get(pack, "figures");
    if (fig) {
        if (!json_is_object(fig)) return bad(e, "figures", "must be an object");
        const char *zKey;
        json_t *f;
        json_object_foreach(fig, zKey, f) {
            pathf(z, sizeof z, "figures.%s", zKey);
            if (!json_is_object(f) || !json_is_number(json_object_get(f, "value")) ||
                !json_is_boolean(json_object_get(f, "verified")) ||
                !json_is_string(json_object_get(f, "source")))
                return bad(e, z, "must be {value: number, source, verified}");
        }
    }
    json_t *obs = json_object_get(pack, "obligations");
    if (!json_is_array(obs) || json_array_size(obs) == 0)
        return bad(e, "obligations", "must be a non-empty array");
    size_t i, j;
    json_t *o, *p;
    json_array_foreach(obs, i, o) {
        pathf(z, sizeof z, "obligations[%zu]", i);
        if (!json_is_object(o)) return bad(e, z, "must be an object");
        const char *zOb = json_string_value(json_object_get(o, "id"));
        pathf(z, sizeof z, "obligations[%zu].id", i);
        if (!zOb || !*zOb || strlen(zOb) > 64) return bad(e, z, "must be the obligation's id");
        json_array_foreach(obs, j, p) {
            if (j >= i) break;
            if (json_is_object(p) && json_is_string(json_object_get(p, "id")) &&
                strcmp(json_string_value(json_object_get(p, "id")), zOb) == 0)
                return bad(e, z, "is used twice in this pack");
        }
        pathf(z, sizeof z, "obligations[%zu].article", i);
        if (!json_is_string(json_object_get(o, "article")))
            return bad(e, z, "must cite the article or control");
        pathf(z, sizeof z, "obligations[%zu].title", i);
        if ((rc = check_words(json_object_get(o, "title"), z, e))) return rc;
        pathf(z, sizeof z, "obligations[%zu].applies", i);
        if ((rc = check_applies(json_object_get(o, "applies"), z, e))) return rc;
        json_t *ev = json_object_get(o, "evidence");
        pathf(z, sizeof z, "obligations[%zu].evidence", i);
        if (!json_is_null(ev) &&
            (!json_is_object(ev) || !json_is_string(json_object_get(ev, "kind"))))
            return bad(e, z, "must be null or {kind, max_age_days?}");
        json_t *age = json_is_object(ev) ? json_object_get(ev, "max_age_days") : NULL;
        if (age && (!json_is_integer(age) || json_integer_value(age) < 1))
            return bad(e, z, "max_age_days must be a positive whole number");
        json_t *gate = json_object_get(o, "gate");
        pathf(z, sizeof z, "obligations[%zu].gate", i);
        if (!json_is_null(gate) && !in_list(azGate, json_string_value(gate)))
            return bad(e, z,
                       "must be null or a stage (data_collection, training, pre_launch, "
                       "launch, operating)");
        if (json_is_string(gate) && json_is_null(ev))
            return bad(e, z, "an obligation that feeds a gate needs evidence");
        pathf(z, sizeof z, "obligations[%zu].due", i);
        if ((rc = check_due(json_object_get(o, "due"), z, e))) return rc;
        pathf(z, sizeof z, "obligations[%zu].verified", i);
        if (!json_is_boolean(json_object_get(o, "verified")))
            return bad(e, z, "must be true or false");
    }
    return 0;
}

/* ---- applicability ------------------------------------------------------ */

static int set_has(const json_t *v, const char *z) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i,
                       x) if (json_is_string(x) && strcmp(json_string_value(x), z) == 0) return 1;
    return 0;
}

static int flag_set(const json_t *v) {
    return json_is_true(v) || (json_is_string(v) && *json_string_value(v)) ||
           (json_is_array(v) && json_array_size(v) > 0);
}

static int cond_holds(const json_t *c, const json_t *flags, char *zWhy, size_t nWhy) {
    const char *zFlag = json_string_value(json_object_get(c, "flag"));
    const json_t *v = json_object_get(flags, zFlag ? zFlag : "");
    json_t *op;
    if ((op = json_object_get(c, "is"))) {
        int want = json_is_true(op), have = json_is_true(v);
        snprintf(zWhy, nWhy, "%s is %s", zFlag, have ? "true" : "false");
        return want == have;
    }
    if ((op = json_object_get(c, "set"))) {
        int have = flag_set(v);
        snprintf(zWhy, nWhy, have ? "%s is set" : "%s is not set", zFlag);
        return have == json_is_true(op);
    }
    if ((op = json_object_get(c, "has"))) {
        snprintf(zWhy, nWhy, "%s include %s", zFlag, json_string_value(op));
        return json_is_array(v) && set_has(v, json_string_value(op));
    }
    if ((op = json_object_get(c, "in"))) {
        size_t i;
        json_t *x;
        json_array_foreach(op, i, x) {
            const char *zWant = json_string_value(x);
            if ((json_is_string(v) && strcmp(json_string_value(v), zWant) == 0) ||
                (json_is_array(v) && set_has(v, zWant))) {
                snprintf(zWhy, nWhy, "%s is %s", zFlag, zWant);
                return 1;
            }
        }
        return 0;
    }
    return 0;
}

int rulepack_applies(const json_t *applies, const json_t *flags, json_t *why) {
    json_t *all = json_object_get(applies, "all"), *any = json_object_get(applies, "any");
    json_t *reasons = json_array();
    char z[200];
    size_t i;
    json_t *c;
    json_array_foreach(all, i, c) {
        if (!cond_holds(c, flags, z, sizeof z)) {
            json_decref(reasons);
            return 0;
        }
        json_array_append_new(reasons, json_string(z));
    }
    if (json_array_size(any) > 0) {
        int hit = 0;
        json_array_foreach(any, i, c) {
            if (cond_holds(c, flags, z, sizeof z)) {
                json_array_append_new(reasons, json_string(z));
                hit = 1;
            }
        }
        if (!hit) {
            json_decref(reasons);
            return 0;
        }
    }
    if (json_is_array(why)) json_array_extend(why, reasons);
    json_decref(reasons);
    return 1;
}

/* A condition that does not hold, in words: the flag's actual state. */
static void cond_fails(const json_t *c, const json_t *flags, char *z, size_t n) {
    const char *zFlag = json_string_value(json_object_get(c, "flag"));
    const json_t *v = json_object_get(flags, zFlag ? zFlag : "");
    json_t *op;
    if ((op = json_object_get(c, "is"))) {
        snprintf(z, n, "%s is %s", zFlag, json_is_true(v) ? "true" : "false");
    } else if ((op = json_object_get(c, "set"))) {
        snprintf(z, n, flag_set(v) ? "%s is set" : "%s is not set", zFlag);
    } else if ((op = json_object_get(c, "has"))) {
        snprintf(z, n, "%s do not include %s", zFlag, json_string_value(op));
    } else {
        size_t i, k = 0;
        json_t *x;
        k += (size_t)snprintf(z, n, "%s is not one of ", zFlag);
        json_array_foreach(json_object_get(c, "in"), i, x) if (k < n) k +=
            (size_t)snprintf(z + k, n - k, "%s%s", i ? ", " : "", json_string_value(x));
    }
}

void rulepack_why_not(const json_t *applies, const json_t *flags, json_t *whyNot) {
    char z[300];
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(applies, "all"), i, c) {
        if (cond_holds(c, flags, z, sizeof z)) continue;
        cond_fails(c, flags, z, sizeof z);
        json_array_append_new(whyNot, json_string(z));
    }
    json_t *any = json_object_get(applies, "any");
    if (json_array_size(any) == 0) return;
    json_array_foreach(any, i, c) if (cond_holds(c, flags, z, sizeof z)) return;
    json_array_foreach(any, i, c) {
        cond_fails(c, flags, z, sizeof z);
        json_array_append_new(whyNot, json_string(z));
    }
}

/* ---- dates and working days ------------------------------------------------- */

static void civil_from_days(long z, int *py, int *pm, int *pd) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *pd = (int)(doy - (153 * mp + 2) / 5 + 1);
    *pm = (int)(mp < 10 ? mp + 3 : mp - 9);
    *py = (int)(y + (*pm <= 2));
}

static int parse_date(const char *z, long *pDays) {
    int y, m, d;
    if (!is_date(z) || sscanf(z, "%4d-%2d-%2d", &y, &m, &d) != 3) return KEEL_EINVAL;
    static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > aDays[m - 1] + (m == 2 && leap)) return KEEL_EINVAL;
    *pDays = (long)time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

static void fmt_date(long days, char *zOut, size_t nOut) {
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(zOut, nOut, "%04d-%02d-%02d", y, m, d);
}

int date_add_days(const char *zDate, int n, char *zOut, size_t nOut) {
    long d;
    if (parse_date(zDate, &d)) return KEEL_EINVAL;
    fmt_date(d + n, zOut, nOut);
    return 0;
}

int date_add_months(const char *zDate, int n, char *zOut, size_t nOut) {
    long days;
    if (parse_date(zDate, &days)) return KEEL_EINVAL;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int t = y * 12 + (m - 1) + n;
    y = t / 12;
    m = t % 12 + 1;
    static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int last = aDays[m - 1] + (m == 2 && leap);
    if (d > last) d = last;
    snprintf(zOut, nOut, "%04d-%02d-%02d", y, m, d);
    return 0;
}

int workdays_check(const json_t *cal, EngineError *e) {
    char z[200];
    if (!json_is_object(cal)) return bad(e, "$", "a calendar must be a JSON object");
    json_t *years = json_object_get(cal, "years");
    if (!json_is_object(years) || json_object_size(years) == 0)
        return bad(e, "years", "must be an object of years, e.g. {\"2026\": {holidays, workdays}}");
    const char *zYear;
    json_t *y;
    json_object_foreach(years, zYear, y) {
        int year = atoi(zYear);
        pathf(z, sizeof z, "years.%s", zYear);
        if (year < 2000 || year > 2100 || strlen(zYear) != 4)
            return bad(e, z, "must be a year from 2000 to 2100");
        static const char *const azList[] = {"holidays", "workdays"};
        for (int k = 0; k < 2; k++) {
            json_t *a = json_object_get(y, azList[k]);
            pathf(z, sizeof z, "years.%s.%s", zYear, azList[k]);
            if (!json_is_array(a)) return bad(e, z, "must be an array of dates");
            size_t i;
            json_t *d;
            json_array_foreach(a, i, d) {
                long days;
                pathf(z, sizeof z, "years.%s.%s[%zu]", zYear, azList[k], i);
                const char *zd = json_string_value(d);
                if (!zd || parse_date(zd, &days) || strncmp(zd, zYear, 4) != 0)
                    return bad(e, z, "must be a date YYYY-MM-DD within its year");
            }
        }
    }
    return 0;
}

static int listed(const json_t *a, const char *zDate) {
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x) if (strcmp(json_string_value(x), zDate) == 0) return 1;
    return 0;
}

int workdays_add(const json_t *cal, const char *zDate, int n, char *zOut, size_t nOut, int *pYear) {
    long d;
    if (parse_date(zDate, &d)) return KEEL_EINVAL;
    json_t *years = json_object_get(cal, "years");
    int left = n;
    while (left > 0) {
        d++;
        char zd[16], zy[8];
        fmt_date(d, zd, sizeof zd);
        memcpy(zy, zd, 4);
        zy[4] = 0;
        json_t *y = json_object_get(years, zy);
        if (!y) {
            if (pYear) *pYear = atoi(zy);
            return KEEL_ENOTFOUND;
        }
        int wd = (int)(((d % 7) + 7 + 3) % 7); /* 0 = Monday (1970-01-01 was a Thursday) */
        int works = listed(json_object_get(y, "workdays"), zd) ||
                    (wd < 5 && !listed(json_object_get(y, "holidays"), zd));
        if (works) left--;
    }
    fmt_date(d, zOut, nOut);
    return 0;
}
