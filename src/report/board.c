/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack as a document (see board.h): one function per section
 * turns the gathered content into blocks in the reader's language. Block
 * shapes, read by pdf.c and html_doc.c:
 *   {"k":"section", "id", "text", "newpage"}   a numbered section (in the contents)
 *   {"k":"h2", "text"}                          a sub-heading
 *   {"k":"p", "text", "muted"?}                 a paragraph
 *   {"k":"table", "cols":[{"w", "right"?}], "head":[text], "rows":[row]}
 *       a row is [cell] (a cell is text, {"text", "tone": good|warn|bad} or
 *       {"chart": chart}) or {"group": text}
 *   {"k":"chart", "chart": chart}               a chart (chart.h) */
#include "report/board.h"
#include "domain/allocation.h"
#include "domain/board.h"
#include "domain/quarterly.h"
#include "report/words.h"
#include "util/json.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define REPORT_FONT "Noto Sans CJK SC"
#define CONTENT_W 499.0 /* A4 width less the margins, in points */

ReportFormat report_format_named(const char *zName) {
    if (!zName) return 0;
    if (strcmp(zName, "pdf") == 0) return REPORT_PDF;
    if (strcmp(zName, "html") == 0) return REPORT_HTML;
    return 0;
}

/* ---- building blocks ------------------------------------------------------------ */

typedef struct DocCtx {
    const char *zLang;
    json_t *blocks; /* the document's block array (borrowed) */
    const char *zCurrency;
} DocCtx;

static const char *W(DocCtx *c, const char *zKey) { return words_get(c->zLang, zKey); }

static void add(DocCtx *c, json_t *block) { json_array_append_new(c->blocks, block); }

static void para(DocCtx *c, int bMuted, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));
static void para(DocCtx *c, int bMuted, const char *zFmt, ...) {
    char z[2048];
    va_list ap;
    va_start(ap, zFmt);
    vsnprintf(z, sizeof z, zFmt, ap);
    va_end(ap);
    add(c, json_pack("{ss ss sb}", "k", "p", "text", z, "muted", bMuted));
}

static void section(DocCtx *c, const char *zId, int bNewPage) {
    char zKey[48];
    snprintf(zKey, sizeof zKey, "sec.%s", zId);
    add(c, json_pack("{ss ss ss sb}", "k", "section", "id", zId, "text", W(c, zKey), "newpage",
                     bNewPage));
}

static void h2(DocCtx *c, const char *zText) {
    add(c, json_pack("{ss ss}", "k", "h2", "text", zText));
}

/* A number for people: up to two decimals, trailing zeros dropped;
 * thousands grouped from 10,000. */
static void fmt_num(double v, char *z, size_t n) {
    if (isnan(v)) {
        snprintf(z, n, "-");
        return;
    }
    if (fabs(v) >= 10000) {
        char t[64];
        snprintf(t, sizeof t, "%.0f", fabs(v));
        size_t len = strlen(t), k = 0;
        if (v < 0 && k + 1 < n) z[k++] = '-';
        for (size_t i = 0; i < len && k + 2 < n; i++) {
            if (i > 0 && (len - i) % 3 == 0) z[k++] = ',';
            z[k++] = t[i];
        }
        z[k] = 0;
        return;
    }
    snprintf(z, n, "%.2f", v);
    char *p = strchr(z, '.');
    if (p) {
        char *e = z + strlen(z) - 1;
        while (e > p && *e == '0')
            *e-- = 0;
        if (e == p) *e = 0;
    }
}

/* Money in the organisation's currency, shortened: 18.2M, 740k. */
static void fmt_money(DocCtx *c, double v, char *z, size_t n) {
    const char *zCur = c->zCurrency ? c->zCurrency : "";
    if (isnan(v))
        snprintf(z, n, "-");
    else if (fabs(v) >= 1e6)
        snprintf(z, n, "%s %.1fM", zCur, v / 1e6);
    else if (fabs(v) >= 1e3)
        snprintf(z, n, "%s %.0fk", zCur, v / 1e3);
    else
        snprintf(z, n, "%s %.0f", zCur, v);
}

static double num(const json_t *o, const char *zKey) {
    const json_t *v = json_object_get(o, zKey);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static json_t *chart(const char *zKind, const char *zId, double w, double h, json_t *data) {
    return json_pack("{ss ss sf sf so}", "kind", zKind, "id", zId, "w", w, "h", h, "data", data);
}

/* A table block with columns (width fractions; right-aligned when the
 * flag is set) and a header. Rows are appended to the returned block's
 * "rows" (borrowed). */
static json_t *table(DocCtx *c, int nCol, const double *aW, const int *aRight,
                     const char **azHead) {
    json_t *cols = json_array(), *head = json_array();
    for (int i = 0; i < nCol; i++) {
        json_array_append_new(cols, json_pack("{sf sb}", "w", aW[i], "right", aRight[i]));
        json_array_append_new(head, json_string(azHead[i]));
    }
    json_t *t = json_pack("{ss so so s[]}", "k", "table", "cols", cols, "head", head, "rows");
    add(c, t);
    return t;
}

static void row_add(json_t *t, json_t *row) {
    json_array_append_new(json_object_get(t, "rows"), row);
}

/* A text cell with a tone (good, warn, bad) that both formats colour. */
static json_t *toned(const char *zText, const char *zTone) {
    return zTone ? json_pack("{ss ss}", "text", zText, "tone", zTone) : json_string(zText);
}

static int is_str(const char *z, const char *zWant) { return z && strcmp(z, zWant) == 0; }

/* The tone of a KPI status, a pool state or a severity. */
static const char *tone_of(const char *z) {
    if (!z) return NULL;
    if (!strcmp(z, "on_track") || !strcmp(z, "achieved") || !strcmp(z, "pass")) return "good";
    if (!strcmp(z, "at_risk") || !strcmp(z, "warning") || !strcmp(z, "idle") ||
        !strcmp(z, "overridden"))
        return "warn";
    if (!strcmp(z, "off_track") || !strcmp(z, "critical") || !strcmp(z, "error") ||
        !strcmp(z, "over_committed") || !strcmp(z, "refuse"))
        return "bad";
    return NULL;
}

/* A sentence keel wrote (zMessage, English), in the reader's language:
 * the word "<zPrefix>.<zKind>" is a template with one %s for zName. When
 * there is no such word (or no name) the message stays as it is. */
static const char *worded(DocCtx *c, const char *zPrefix, const char *zKind, const char *zName,
                          const char *zMessage, char *z, size_t n) {
    if (!zKind || !zName) return zMessage;
    char zKey[96];
    snprintf(zKey, sizeof zKey, "%s.%s", zPrefix, zKind);
    const char *zT = words_get(c->zLang, zKey);
    if (zT == zKey || !*zT) return zMessage;
    snprintf(z, n, zT, zName);
    return z;
}

/* The causes of a slip [{code, message, message_code: {code, params}}]
 * appended to z as "; blocked: ..." in the reader's language (a cause
 * without words stays as keel wrote it). */
static void slip_causes(DocCtx *c, const json_t *causes, char *z, size_t n) {
    if (json_array_size(causes) == 0) return;
    size_t len = strlen(z), i;
    snprintf(z + len, n - len, "%s", W(c, "slip.blocked"));
    json_t *x;
    json_array_foreach(causes, i, x) {
        const json_t *mc = json_object_get(x, "message_code"), *pa = json_object_get(mc, "params");
        char zKey[64], zC[400];
        snprintf(zKey, sizeof zKey, "cause.%s",
                 json_get_str(mc, "code") ? json_get_str(mc, "code") : "");
        const char *zT = W(c, zKey);
        if (zT == zKey || !*zT)
            snprintf(zC, sizeof zC, "%s",
                     json_get_str(x, "message") ? json_get_str(x, "message") : "");
        else if (!strcmp(zKey, "cause.gate_refused"))
            snprintf(zC, sizeof zC, zT, words_of(c->zLang, "stage", json_get_str(pa, "from")),
                     words_of(c->zLang, "stage", json_get_str(pa, "to")));
        else if (!strcmp(zKey, "cause.definition_disputed"))
            snprintf(zC, sizeof zC, zT, json_get_str(pa, "definition"), json_get_str(pa, "by"),
                     json_get_str(pa, "since"));
        else
            snprintf(zC, sizeof zC, "%s", zT);
        len = strlen(z);
        snprintf(z + len, n - len, "%s%s", i ? W(c, "slip.and") : "", zC);
    }
}

/* The names of the units in a [{name}] list, joined. */
static void join_names(DocCtx *c, const json_t *a, char *z, size_t n) {
    size_t i, len;
    json_t *x;
    z[0] = 0;
    json_array_foreach(a, i, x) {
        len = strlen(z);
        snprintf(z + len, n - len, "%s%s", i ? W(c, "list.sep") : "",
                 json_is_string(x) ? json_string_value(x) : json_get_str(x, "name"));
    }
}

/* The definition and schedule findings (disputed or unagreed
 * definitions, schedule slips, missed deadlines, with what blocks them)
 * worded from their fields in the reader's language; NULL when the
 * language keeps keel's own sentence. */
static const char *worded_rich(DocCtx *c, const json_t *f, char *z, size_t n) {
    const char *zKind = json_get_str(f, "kind"), *zName = json_get_str(f, "name");
    if (!zKind || !zName) return NULL;
    char zKey[96], zL[256];
    snprintf(zKey, sizeof zKey, "finding.%s", zKind);
    const char *zT = W(c, zKey);
    if (zT == zKey || !*zT) return NULL;
    const json_t *sl = json_object_get(f, "slip");
    if (!strcmp(zKind, "definition_disputed")) {
        join_names(c, json_object_get(f, "disputed_by"), zL, sizeof zL);
        snprintf(z, n, zT, zName, json_get_str(f, "definition"), zL);
    } else if (!strcmp(zKind, "definition_unagreed")) {
        join_names(c, json_object_get(f, "missing"), zL, sizeof zL);
        snprintf(z, n, zT, zName, json_get_str(f, "definition"), zL);
    } else if (!strcmp(zKind, "schedule_slip") && sl) {
        snprintf(z, n, zT, zName, (int)json_integer_value(json_object_get(sl, "days")),
                 words_of(c->zLang, "stage", json_get_str(sl, "what")),
                 json_get_str(sl, "planned_on"));
        slip_causes(c, json_object_get(sl, "causes"), z, n);
    } else if (!strcmp(zKind, "deadline_missed") && sl) {
        snprintf(z, n, zT, zName, json_get_str(sl, "what"), json_get_str(sl, "planned_on"),
                 (int)json_integer_value(json_object_get(sl, "days")),
                 words_of(c->zLang, "stage", json_get_str(sl, "stage_needed")));
        slip_causes(c, json_object_get(sl, "causes"), z, n);
    } else {
        return NULL;
    }
    return z;
}

/* Findings [{severity, kind, name, message}] as a two-column table, or
 * "None." */
static void findings_table(DocCtx *c, const json_t *findings) {
    if (json_array_size(findings) == 0) {
        para(c, 1, "%s", W(c, "none"));
        return;
    }
    static const double aW[] = {0.14, 0.86};
    static const int aR[] = {0, 0};
    const char *azH[] = {W(c, "col.status"), W(c, "col.finding")};
    json_t *t = table(c, 2, aW, aR, azH);
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        char z[1024];
        const char *zSev = json_get_str(f, "severity");
        const char *zText = worded_rich(c, f, z, sizeof z);
        if (!zText)
            zText = worded(c, "finding", json_get_str(f, "kind"), json_get_str(f, "name"),
                           json_get_str(f, "message"), z, sizeof z);
        row_add(t, json_pack("[o s*]", toned(words_of(c->zLang, "severity", zSev), tone_of(zSev)),
                             zText));
    }
}

/* ---- the sections ----------------------------------------------------------------- */

static void sec_scorecard(DocCtx *c, const json_t *s) {
    section(c, "scorecard", 1);
    para(c, 1, "%s", W(c, "score.intro"));
    int nK = 0, aN[4] = {0};
    size_t i, k;
    json_t *o, *kp;
    json_array_foreach(json_object_get(s, "objectives"), i, o)
        json_array_foreach(json_object_get(o, "kpis"), k, kp) {
        const char *z = json_get_str(kp, "status");
        nK++;
        aN[!z                            ? 3
           : strcmp(z, "on_track") == 0  ? 0
           : strcmp(z, "at_risk") == 0   ? 1
           : strcmp(z, "off_track") == 0 ? 2
                                         : 3]++;
    }
    para(c, 0, W(c, "score.summary"), nK, aN[0], aN[1], aN[2], aN[3]);
    static const double aW[] = {0.30, 0.11, 0.11, 0.11, 0.09, 0.10, 0.18};
    static const int aR[] = {0, 1, 1, 1, 1, 0, 0};
    const char *azH[] = {W(c, "col.kpi"),    W(c, "col.baseline"), W(c, "col.latest"),
                         W(c, "col.target"), W(c, "col.progress"), W(c, "col.status"),
                         W(c, "col.trend")};
    json_t *t = table(c, 7, aW, aR, azH);
    json_array_foreach(json_object_get(s, "objectives"), i, o) {
        row_add(t, json_pack("{ss*}", "group", json_get_str(o, "title")));
        json_array_foreach(json_object_get(o, "kpis"), k, kp) {
            char zB[40], zL[40], zT[48], zP[16], zId[32], zName[300];
            fmt_num(num(kp, "baseline"), zB, sizeof zB);
            fmt_num(num(kp, "latest"), zL, sizeof zL);
            char zTv[40];
            fmt_num(num(kp, "target"), zTv, sizeof zTv);
            snprintf(zT, sizeof zT, "%s (%s)", zTv,
                     json_get_str(kp, "target_period") ? json_get_str(kp, "target_period") : "-");
            snprintf(zP, sizeof zP, "%.0f%%", num(kp, "progress"));
            snprintf(zName, sizeof zName, "%s (%s)", json_get_str(kp, "name"),
                     json_get_str(kp, "unit") ? json_get_str(kp, "unit") : "");
            snprintf(zId, sizeof zId, "kpi-%lld", (long long)json_get_id(kp, "id"));
            json_t *vals = json_array();
            size_t j;
            json_t *v;
            json_array_foreach(json_object_get(kp, "values"), j, v)
                json_array_append(vals, json_object_get(v, "value"));
            json_t *spark = chart("spark", zId, 84, 20,
                                  json_pack("{so sO* sO*}", "values", vals, "baseline",
                                            json_object_get(kp, "baseline"), "target",
                                            json_object_get(kp, "target")));
            const char *zSt = json_get_str(kp, "status");
            row_add(t, json_pack("[s s s s s o {so}]", zName, zB, zL, zT, zP,
                                 toned(words_of(c->zLang, "kpistatus", zSt), tone_of(zSt)), "chart",
                                 spark));
        }
    }
    h2(c, W(c, "findings"));
    findings_table(c, json_object_get(s, "findings"));
}

static void sec_portfolio(DocCtx *c, const json_t *p) {
    section(c, "portfolio", 1);
    h2(c, W(c, "port.ranking"));
    static const double aW[] = {0.05, 0.43, 0.12, 0.09, 0.14, 0.17};
    static const int aR[] = {1, 0, 0, 1, 0, 1};
    const char *azH[] = {W(c, "col.rank"),  W(c, "col.initiative"), W(c, "col.stage"),
                         W(c, "col.score"), W(c, "col.quadrant"),   W(c, "col.value")};
    json_t *t = table(c, 6, aW, aR, azH);
    json_t *points = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(p, "ranking"), i, x) {
        char zRank[16] = "-", zTot[16] = "-", zVal[40];
        if (json_is_integer(json_object_get(x, "rank")))
            snprintf(zRank, sizeof zRank, "%lld", (long long)json_get_id(x, "rank"));
        if (!isnan(num(x, "total"))) snprintf(zTot, sizeof zTot, "%.2f", num(x, "total"));
        fmt_money(c, num(x, "expected_value"), zVal, sizeof zVal);
        row_add(t, json_pack("[s s* s s s s]", zRank, json_get_str(x, "title"),
                             words_of(c->zLang, "stage", json_get_str(x, "stage")), zTot,
                             words_of(c->zLang, "quadrant", json_get_str(x, "quadrant")), zVal));
        const json_t *sc = json_object_get(x, "scores");
        if (json_is_integer(json_object_get(x, "rank")) &&
            json_is_number(json_object_get(sc, "feasibility")) &&
            json_is_number(json_object_get(sc, "business_value")))
            json_array_append_new(
                points, json_pack("{sO sO ss sO*}", "x", json_object_get(sc, "feasibility"), "y",
                                  json_object_get(sc, "business_value"), "label", zRank, "quadrant",
                                  json_object_get(x, "quadrant")));
    }
    h2(c, W(c, "port.matrix"));
    add(c, json_pack(
               "{ss so}", "k", "chart", "chart",
               chart("scatter", "matrix", 300, 220,
                     json_pack("{so ss ss sO*}", "points", points, "x_label", W(c, "port.x"),
                               "y_label", W(c, "port.y"), "mid", json_object_get(p, "midpoint")))));
    h2(c, W(c, "port.plan"));
    const json_t *plan = json_object_get(p, "plan");
    if (!json_is_object(plan)) {
        para(c, 0, "%s", W(c, "port.no_plan"));
        return;
    }
    char zVal[40];
    fmt_money(c, num(plan, "value"), zVal, sizeof zVal);
    const json_t *funded = json_object_get(plan, "funded"),
                 *unfunded = json_object_get(plan, "unfunded");
    para(c, 0, W(c, "port.plan_summary"), (long long)json_get_id(plan, "id"),
         words_of(c->zLang, "planstatus", json_get_str(plan, "status")),
         (int)json_array_size(funded), (int)json_array_size(unfunded), zVal);
    h2(c, W(c, "port.roadmap"));
    json_t *items = json_array();
    json_array_foreach(funded, i, x) json_array_append_new(
        items, json_pack("{ss* sO* sO* sb}", "label", json_get_str(x, "name"), "start",
                         json_object_get(x, "start"), "duration", json_object_get(x, "duration"),
                         "under_way", num(x, "start") < 0));
    double h = 24 + 14.0 * json_array_size(items);
    add(c, json_pack("{ss so}", "k", "chart", "chart",
                     chart("roadmap", "roadmap", CONTENT_W, h,
                           json_pack("{sO* so}", "periods", json_object_get(plan, "periods"),
                                     "items", items))));
    para(c, 1, "%s", W(c, "port.roadmap_note"));
    h2(c, W(c, "port.unfunded"));
    if (json_array_size(unfunded) == 0) {
        para(c, 1, "%s", W(c, "none"));
        return;
    }
    static const double aW2[] = {0.35, 0.13, 0.52};
    static const int aR2[] = {0, 0, 0};
    const char *azH2[] = {W(c, "col.initiative"), W(c, "col.stage"), W(c, "col.reason")};
    t = table(c, 3, aW2, aR2, azH2);
    json_array_foreach(unfunded, i, x) {
        char z[512];
        row_add(
            t, json_pack("[s* s s*]", json_get_str(x, "name"),
                         words_of(c->zLang, "stage", json_get_str(x, "stage")),
                         worded(c, "unfunded", json_get_str(x, "reason_code"),
                                json_get_str(x, "other"), json_get_str(x, "reason"), z, sizeof z)));
    }
}

/* The pool's row of period zPeriod in a pools report, or NULL. */
static const json_t *pool_period(const json_t *pool, const char *zPeriod) {
    return json_find_str(json_object_get(pool, "periods"), "period", zPeriod);
}

/* The pool's latest row with an actual use recorded, or NULL. */
static const json_t *pool_latest_actual(const json_t *pool) {
    const json_t *a = json_object_get(pool, "periods");
    for (size_t i = json_array_size(a); i-- > 0;)
        if (json_is_number(json_object_get(json_array_get(a, i), "actual")))
            return json_array_get(a, i);
    return NULL;
}

static void sec_resources(DocCtx *c, const json_t *r, const char *zPeriod) {
    section(c, "resources", 1);
    para(c, 1, W(c, "res.intro"), zPeriod, ALLOC_IDLE_DEFAULT * 100);
    static const double aW[] = {0.34, 0.14, 0.14, 0.22, 0.16};
    static const int aR[] = {0, 1, 1, 1, 0};
    const char *azH[] = {W(c, "col.pool"), W(c, "col.capacity"), W(c, "col.planned"),
                         W(c, "col.actual"), W(c, "col.status")};
    json_t *t = table(c, 5, aW, aR, azH);
    json_t *items = json_array();
    size_t i;
    json_t *pool;
    json_array_foreach(json_object_get(r, "pools"), i, pool) {
        const json_t *pp = pool_period(pool, zPeriod), *pa = pool_latest_actual(pool);
        char zC[40], zP[40], zA[40], zAct[64] = "-";
        fmt_num(num(pp, "capacity"), zC, sizeof zC);
        fmt_num(num(pp, "planned"), zP, sizeof zP);
        if (pa) {
            fmt_num(num(pa, "actual"), zA, sizeof zA);
            snprintf(zAct, sizeof zAct, "%s (%s)", zA, json_get_str(pa, "period"));
        }
        int bIdle = json_is_true(json_object_get(pool, "idle"));
        int bOver = json_is_true(json_object_get(pool, "over_committed"));
        row_add(t, json_pack("[s* s s s o]", json_get_str(pool, "name"), zC, zP, zAct,
                             toned(W(c, bIdle   ? "res.idle"
                                        : bOver ? "res.over"
                                                : "res.ok"),
                                   tone_of(bIdle   ? "idle"
                                           : bOver ? "over_committed"
                                                   : NULL))));
        /* actual use against the capacity of its own quarter */
        double cap = num(pp, "capacity"), capA = num(pa, "capacity");
        double actual = pa && capA > 0 && cap > 0 ? num(pa, "actual") * cap / capA : NAN;
        json_t *it =
            json_pack("{ss* sO* sO*}", "label", json_get_str(pool, "name"), "planned",
                      json_object_get(pp, "planned"), "capacity", json_object_get(pp, "capacity"));
        if (!isnan(actual)) json_object_set_new(it, "actual", json_real(actual));
        json_array_append_new(items, it);
    }
    char zTitle[128];
    snprintf(zTitle, sizeof zTitle, W(c, "res.chart"), zPeriod);
    h2(c, zTitle);
    double h = 34 + 18.0 * json_array_size(items);
    add(c, json_pack("{ss so}", "k", "chart", "chart",
                     chart("bars", "utilisation", CONTENT_W, h,
                           json_pack("{so sf ss ss}", "items", items, "threshold",
                                     ALLOC_IDLE_DEFAULT, "planned_label", W(c, "res.planned"),
                                     "actual_label", W(c, "res.actual")))));
    h2(c, W(c, "res.breakeven"));
    int nBe = 0;
    json_array_foreach(json_object_get(r, "pools"), i, pool) {
        const json_t *be = json_object_get(pool, "breakeven");
        if (!json_is_object(be) || isnan(num(be, "breakeven_utilisation"))) continue;
        para(c, 0, W(c, "res.breakeven_line"), json_get_str(pool, "name"),
             num(be, "breakeven_utilisation") * 100,
             words_of(c->zLang, "advice", json_get_str(be, "advice")));
        nBe++;
    }
    if (!nBe) para(c, 1, "%s", W(c, "none"));
    h2(c, W(c, "findings"));
    if (json_array_size(json_object_get(r, "findings")) == 0)
        para(c, 1, "%s", W(c, "res.no_findings"));
    else
        findings_table(c, json_object_get(r, "findings"));
    h2(c, W(c, "res.teams"));
    findings_table(c, json_object_get(r, "team_findings"));
}

/* The risk section: heatmaps of the register (inherent and residual), the
 * gate board of every AI system, the overdue mitigations and reviews. */
static void sec_risk(DocCtx *c, const json_t *r) {
    section(c, "risk", 1);
    para(c, 1, W(c, "risk.intro"), (int)json_integer_value(json_object_get(r, "total")));
    static const char *const azHeat[] = {"inherent", "residual"};
    for (int k = 0; k < 2; k++) {
        char zKey[32], zId[32];
        snprintf(zKey, sizeof zKey, "risk.%s", azHeat[k]);
        snprintf(zId, sizeof zId, "heatmap-%s", azHeat[k]);
        h2(c, W(c, zKey));
        add(c, json_pack(
                   "{ss so}", "k", "chart", "chart",
                   chart("heatmap", zId, 230, 200,
                         json_pack("{sO ss ss}", "counts", json_object_get(r, azHeat[k]), "x_label",
                                   W(c, "risk.likelihood"), "y_label", W(c, "risk.impact")))));
    }
    h2(c, W(c, "risk.gates"));
    const json_t *boards = json_object_get(r, "gate_boards");
    if (json_array_size(boards) == 0) {
        para(c, 1, "%s", W(c, "none"));
    } else {
        static const char *const azStage[] = {"training", "pre_launch", "launch", "operating"};
        static const double aW[] = {0.28, 0.1, 0.14, 0.12, 0.12, 0.12, 0.12};
        static const int aR[] = {0, 0, 0, 0, 0, 0, 0};
        const char *azH[7] = {W(c, "col.system"), W(c, "col.version"), W(c, "col.stage")};
        for (int k = 0; k < 4; k++)
            azH[3 + k] = words_of(c->zLang, "sysstage", azStage[k]);
        json_t *t = table(c, 7, aW, aR, azH);
        size_t i;
        json_t *b;
        json_array_foreach(boards, i, b) {
            const json_t *v = json_object_get(b, "verdicts");
            char zName[300];
            snprintf(zName, sizeof zName, "%s (%s)",
                     json_get_str(b, "title") ? json_get_str(b, "title") : "",
                     json_get_str(b, "system") ? json_get_str(b, "system") : "");
            json_t *row =
                json_pack("[s s* s]", zName, json_get_str(b, "version"),
                          words_of(c->zLang, "sysstage", json_get_str(b, "current_stage")));
            for (int k = 0; k < 4; k++)
                json_array_append_new(
                    row, toned(words_of(c->zLang, "verdict", json_get_str(v, azStage[k])),
                               tone_of(json_get_str(v, azStage[k]))));
            row_add(t, row);
        }
    }
    h2(c, W(c, "risk.overdue"));
    findings_table(c, json_object_get(r, "findings"));
}

/* The value section: realised against promised value per initiative for
 * the quarter, as the quarterly review states it (the same rule and
 * interval), flagged when below the promise. */
static void sec_value(DocCtx *c, const json_t *v, const char *zPeriod) {
    section(c, "value", 1);
    char zP[40], zR[40];
    fmt_money(c, num(v, "promised"), zP, sizeof zP);
    fmt_money(c, num(v, "realised"), zR, sizeof zR);
    const json_t *items = json_object_get(v, "initiatives");
    int nTested = 0, nBelow = 0;
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x) {
        nTested += json_is_true(json_object_get(x, "tested"));
        nBelow += json_is_true(json_object_get(x, "tested")) && num(x, "share") < 1;
    }
    para(c, 0, W(c, "val.summary"), zPeriod, zP, zR, nTested, (int)json_array_size(items), nBelow);
    para(c, 1, W(c, "val.method"), num(v, "level"), QR_SHORTFALL * 100);
    if (json_array_size(items) == 0) return;
    static const double aW[] = {0.27, 0.10, 0.11, 0.11, 0.17, 0.24};
    static const int aR[] = {0, 0, 1, 1, 1, 0};
    const char *azH[] = {W(c, "col.initiative"), W(c, "col.stage"), W(c, "col.promised"),
                         W(c, "col.realised"),   W(c, "col.share"), W(c, "col.verdict")};
    json_t *t = table(c, 6, aW, aR, azH);
    json_array_foreach(items, i, x) {
        char zPr[40], zRe[40] = "-", zSh[96] = "-", zV[200];
        const char *zTone = NULL;
        fmt_money(c, num(x, "promised"), zPr, sizeof zPr);
        if (json_is_true(json_object_get(x, "tested"))) {
            const json_t *si = json_object_get(x, "share_interval");
            fmt_money(c, num(x, "realised"), zRe, sizeof zRe);
            snprintf(zSh, sizeof zSh, "%.0f%% (%.0f%%\u2013%.0f%%)", num(x, "share") * 100,
                     json_number_value(json_array_get(si, 0)) * 100,
                     json_number_value(json_array_get(si, 1)) * 100);
            const char *zM = words_of(c->zLang, "valmethod", json_get_str(x, "method"));
            if (json_is_true(json_object_get(x, "shortfall"))) {
                snprintf(zV, sizeof zV, W(c, "val.shortfall"), zM);
                zTone = "bad";
            } else if (num(x, "share") < 1) {
                snprintf(zV, sizeof zV, W(c, "val.below"), zM);
                zTone = "warn";
            } else {
                snprintf(zV, sizeof zV, W(c, "val.kept"), zM);
                zTone = "good";
            }
        } else {
            snprintf(zV, sizeof zV, "%s",
                     W(c, json_is_true(json_object_get(x, "not_live")) ? "val.not_live"
                                                                       : "val.too_few"));
        }
        row_add(t, json_pack("[s* s s s s o]", json_get_str(x, "title"),
                             words_of(c->zLang, "stage", json_get_str(x, "stage")), zPr, zRe, zSh,
                             toned(zV, zTone)));
    }
}

/* The production section: every system that has served with its status
 * and switch, its monitoring findings (each with the false-alarm rate its
 * test states) and the alerts that fired in the quarter. */
static void sec_production(DocCtx *c, const json_t *pr, const char *zPeriod) {
    section(c, "production", 1);
    const json_t *systems = json_object_get(pr, "systems");
    int nFind = 0, nAlert = 0;
    size_t i, k;
    json_t *x, *f;
    json_array_foreach(systems, i, x) {
        nFind += (int)json_array_size(json_object_get(x, "findings"));
        nAlert += (int)json_array_size(json_object_get(x, "alerts"));
    }
    para(c, 0, W(c, "prod.summary"), (int)json_array_size(systems), nFind, zPeriod, nAlert,
         (int)json_integer_value(json_object_get(pr, "awaiting_trips")));
    if (json_array_size(systems) == 0) return;
    static const double aW[] = {0.28, 0.16, 0.26, 0.14, 0.16};
    static const int aR[] = {0, 0, 0, 1, 1};
    const char *azH[] = {W(c, "col.system"), W(c, "col.status"), W(c, "col.switch"),
                         W(c, "col.findings"), W(c, "col.alerts")};
    json_t *t = table(c, 5, aW, aR, azH);
    json_array_foreach(systems, i, x) {
        const char *zSt = json_get_str(x, "status");
        char zSw[160], zF[16], zA[16];
        snprintf(zSw, sizeof zSw, W(c, "prod.switch"),
                 words_of(c->zLang, "swstate", json_get_str(x, "switch")),
                 words_of(c->zLang, "fallback", json_get_str(x, "fallback")));
        snprintf(zF, sizeof zF, "%d", (int)json_array_size(json_object_get(x, "findings")));
        snprintf(zA, sizeof zA, "%d", (int)json_array_size(json_object_get(x, "alerts")));
        row_add(t, json_pack("[s* o s s s]", json_get_str(x, "system"),
                             toned(words_of(c->zLang, "prodstatus", zSt),
                                   is_str(zSt, "healthy")        ? "good"
                                   : is_str(zSt, "degraded")     ? "warn"
                                   : is_str(zSt, "decaying")     ? "bad"
                                   : is_str(zSt, "switched_off") ? "warn"
                                                                 : NULL),
                             zSw, zF, zA));
    }
    h2(c, W(c, "prod.findings"));
    if (!nFind) {
        para(c, 1, "%s", W(c, "none"));
    } else {
        static const double aW2[] = {0.22, 0.40, 0.22, 0.16};
        static const int aR2[] = {0, 0, 1, 1};
        const char *azH2[] = {W(c, "col.system"), W(c, "col.finding"), W(c, "col.change"),
                              W(c, "col.false_alarm")};
        t = table(c, 4, aW2, aR2, azH2);
        json_array_foreach(systems, i, x) json_array_foreach(json_object_get(x, "findings"), k, f) {
            char zWhat[300], zChg[96] = "-", zB[40], zC[40], zFa[24] = "-";
            const char *zSeg = json_get_str(f, "segment");
            snprintf(zWhat, sizeof zWhat, W(c, "prod.finding"),
                     words_of(c->zLang, "fkind", json_get_str(f, "kind")),
                     words_of(c->zLang, "metric", json_get_str(f, "metric")),
                     !zSeg || !strcmp(zSeg, "*") ? W(c, "prod.all") : zSeg,
                     json_get_str(f, "version") ? json_get_str(f, "version") : "-",
                     words_of(c->zLang, "ftest", json_get_str(f, "test")));
            if (!isnan(num(f, "baseline")) && !isnan(num(f, "current"))) {
                fmt_num(num(f, "baseline"), zB, sizeof zB);
                fmt_num(num(f, "current"), zC, sizeof zC);
                snprintf(zChg, sizeof zChg, "%s \u2192 %s", zB, zC);
            }
            if (!isnan(num(f, "false_alarm_rate")))
                snprintf(zFa, sizeof zFa, "%g%%", num(f, "false_alarm_rate") * 100);
            row_add(t, json_pack("[s* s s s]", json_get_str(x, "system"), zWhat, zChg, zFa));
        }
        para(c, 1, "%s", W(c, "prod.fa_note"));
    }
    h2(c, W(c, "prod.alerts"));
    if (!nAlert) {
        para(c, 1, "%s", W(c, "none"));
        return;
    }
    static const double aW3[] = {0.22, 0.30, 0.14, 0.34};
    static const int aR3[] = {0, 0, 0, 0};
    const char *azH3[] = {W(c, "col.system"), W(c, "col.rule"), W(c, "col.severity"),
                          W(c, "col.fired")};
    t = table(c, 4, aW3, aR3, azH3);
    json_array_foreach(systems, i, x) json_array_foreach(json_object_get(x, "alerts"), k, f) {
        char zAt[24];
        snprintf(zAt, sizeof zAt, "%.16s", json_get_str(f, "at") ? json_get_str(f, "at") : "-");
        if (strlen(zAt) > 10) zAt[10] = ' ';
        const char *zSev = json_get_str(f, "severity");
        row_add(t, json_pack("[s* s* o s]", json_get_str(x, "system"), json_get_str(f, "rule"),
                             toned(words_of(c->zLang, "severity", zSev), tone_of(zSev)), zAt));
    }
}

/* The decisions section: the committee's decisions taken in the quarter
 * (proposal, outcome, votes, date) and the proposals awaiting its vote. */
static void sec_decisions(DocCtx *c, const json_t *d, const char *zPeriod) {
    section(c, "decisions", 1);
    const json_t *taken = json_object_get(d, "taken"), *pending = json_object_get(d, "pending");
    para(c, 0, W(c, "dec.summary"), zPeriod, (int)json_array_size(taken),
         (int)json_array_size(pending));
    h2(c, W(c, "dec.taken"));
    size_t i;
    json_t *x;
    if (json_array_size(taken) == 0) {
        para(c, 1, "%s", W(c, "none"));
    } else {
        static const double aW[] = {0.40, 0.18, 0.16, 0.12, 0.14};
        static const int aR[] = {0, 0, 0, 1, 0};
        const char *azH[] = {W(c, "col.proposal"), W(c, "col.outcome"), W(c, "col.execution"),
                             W(c, "col.votes"), W(c, "col.date")};
        json_t *t = table(c, 5, aW, aR, azH);
        json_array_foreach(taken, i, x) {
            char zV[48] = "-";
            const char *zOut = json_get_str(x, "outcome");
            if (!json_is_string(json_object_get(x, "kind")) ||
                strcmp(json_get_str(x, "kind"), "direct"))
                snprintf(zV, sizeof zV, "%lld / %lld / %lld", (long long)json_get_id(x, "for"),
                         (long long)json_get_id(x, "against"),
                         (long long)json_get_id(x, "abstain"));
            char zTitle[400];
            if (json_get_str(x, "title"))
                snprintf(zTitle, sizeof zTitle, "%s", json_get_str(x, "title"));
            else
                snprintf(zTitle, sizeof zTitle, "%s%s%s",
                         words_of(c->zLang, "actiontype", json_get_str(x, "action_type")),
                         json_get_str(x, "initiative") ? W(c, "colon") : "",
                         json_get_str(x, "initiative") ? json_get_str(x, "initiative") : "");
            row_add(t, json_pack("[s o s s s*]", zTitle,
                                 toned(words_of(c->zLang, "outcome", zOut),
                                       !zOut                            ? NULL
                                       : strcmp(zOut, "passed") == 0    ? "good"
                                       : strcmp(zOut, "rejected") == 0  ? "bad"
                                       : strcmp(zOut, "no_quorum") == 0 ? "warn"
                                                                        : NULL),
                                 words_of(c->zLang, "execution", json_get_str(x, "execution")), zV,
                                 json_get_str(x, "date")));
        }
        para(c, 1, "%s", W(c, "dec.votes_note"));
    }
    h2(c, W(c, "dec.pending"));
    if (json_array_size(pending) == 0) {
        para(c, 1, "%s", W(c, "none"));
        return;
    }
    static const double aW2[] = {0.40, 0.22, 0.16, 0.22};
    static const int aR2[] = {0, 0, 0, 1};
    const char *azH2[] = {W(c, "col.proposal"), W(c, "col.action_type"), W(c, "col.due"),
                          W(c, "col.votes_so_far")};
    json_t *t = table(c, 4, aW2, aR2, azH2);
    json_array_foreach(pending, i, x) {
        char zV[64];
        snprintf(zV, sizeof zV, "%lld / %lld / %lld (%lld)", (long long)json_get_id(x, "for"),
                 (long long)json_get_id(x, "against"), (long long)json_get_id(x, "abstain"),
                 (long long)json_get_id(x, "eligible"));
        int bOver = json_is_true(json_object_get(x, "overdue"));
        row_add(t, json_pack("[s* s o s]", json_get_str(x, "title"),
                             words_of(c->zLang, "actiontype", json_get_str(x, "action_type")),
                             toned(json_get_str(x, "due_date") ? json_get_str(x, "due_date") : "-",
                                   bOver ? "bad" : NULL),
                             zV));
    }
}

/* The actions section: open actions by owner and due date, overdue ones
 * first, and how many were closed in the quarter. */
static void sec_actions(DocCtx *c, const json_t *a, const char *zPeriod) {
    section(c, "actions", 1);
    para(c, 0, W(c, "act.summary"), (int)json_integer_value(json_object_get(a, "open_count")),
         (int)json_integer_value(json_object_get(a, "overdue_count")), zPeriod,
         (int)json_integer_value(json_object_get(a, "closed_done")),
         (int)json_integer_value(json_object_get(a, "closed_cancelled")));
    h2(c, W(c, "act.open"));
    const json_t *open = json_object_get(a, "open");
    if (json_array_size(open) == 0) {
        para(c, 1, "%s", W(c, "none"));
        return;
    }
    static const double aW[] = {0.36, 0.18, 0.13, 0.15, 0.18};
    static const int aR[] = {0, 0, 0, 0, 0};
    const char *azH[] = {W(c, "col.action"), W(c, "col.owner"), W(c, "col.due"), W(c, "col.status"),
                         W(c, "col.about")};
    json_t *t = table(c, 5, aW, aR, azH);
    size_t i;
    json_t *x;
    json_array_foreach(open, i, x) {
        char zSt[96];
        int bOver = json_is_true(json_object_get(x, "overdue"));
        if (bOver)
            snprintf(zSt, sizeof zSt, W(c, "act.overdue_days"),
                     (int)json_integer_value(json_object_get(x, "days_overdue")));
        else
            snprintf(zSt, sizeof zSt, "%s",
                     words_of(c->zLang, "actstatus", json_get_str(x, "status")));
        const char *zAbout = json_get_str(x, "system")       ? json_get_str(x, "system")
                             : json_get_str(x, "initiative") ? json_get_str(x, "initiative")
                                                             : "-";
        row_add(t,
                json_pack("[s* s s* o s]", json_get_str(x, "title"),
                          json_get_str(x, "owner") ? json_get_str(x, "owner") : "-",
                          json_get_str(x, "due_date"), toned(zSt, bOver ? "bad" : NULL), zAbout));
    }
}

json_t *report_board_document(const json_t *pack, const char *zLang) {
    json_t *doc = json_pack("{ss ss s[]}", "lang", zLang, "font", REPORT_FONT, "blocks");
    DocCtx c = {zLang, json_object_get(doc, "blocks"), json_get_str(pack, "currency")};
    char z[256];
    snprintf(z, sizeof z, "%s", W(&c, "title"));
    json_object_set_new(doc, "title", json_string(z));
    snprintf(z, sizeof z, "%s · %s %s",
             json_get_str(pack, "organisation") ? json_get_str(pack, "organisation") : "keel",
             W(&c, "period"), json_get_str(pack, "period"));
    json_object_set_new(doc, "subtitle", json_string(z));
    snprintf(z, sizeof z, "%s %s", W(&c, "generated"), json_get_str(pack, "generated_at"));
    json_object_set_new(doc, "generated", json_string(z));
    json_object_set_new(doc, "page_fmt", json_string(W(&c, "page_fmt")));
    json_object_set_new(doc, "contents", json_string(W(&c, "contents")));
    const char *zPeriod = json_get_str(pack, "period");
    sec_scorecard(&c, json_object_get(pack, "scorecard"));
    sec_portfolio(&c, json_object_get(pack, "portfolio"));
    sec_value(&c, json_object_get(pack, "value"), zPeriod);
    sec_resources(&c, json_object_get(pack, "resources"), zPeriod);
    sec_risk(&c, json_object_get(pack, "risk"));
    sec_production(&c, json_object_get(pack, "production"), zPeriod);
    sec_decisions(&c, json_object_get(pack, "decisions"), zPeriod);
    sec_actions(&c, json_object_get(pack, "actions"), zPeriod);
    return doc;
}

int report_board(Db *db, const char *zPeriod, const char *zLang, ReportFormat fmt, Buf *out,
                 json_t **ppMarks, KeelError *e) {
    if (!words_lang_known(zLang))
        return err_set(e, KEEL_EINVAL, "lang", "unknown language '%.20s': give en or zh-CN",
                       zLang ? zLang : "");
    if (fmt != REPORT_PDF && fmt != REPORT_HTML)
        return err_set(e, KEEL_EINVAL, "format", "the format must be pdf or html");
    json_t *pack;
    int rc = board_collect(db, zPeriod, &pack, e);
    if (rc) return rc;
    json_t *doc = report_board_document(pack, zLang), *marks = json_object();
    rc = fmt == REPORT_PDF ? report_pdf(doc, out, marks) : report_html(doc, out, marks);
    json_decref(doc);
    json_decref(pack);
    if (rc == 0 && ppMarks)
        *ppMarks = marks;
    else
        json_decref(marks);
    if (rc) err_set(e, rc, NULL, "the board pack could not be written");
    return rc;
}
