/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/evscan.c (the prediction-event scanner):
 * any bytes either scan into events whose invariants hold (strings inside
 * the body or the scanner's scratch and within their length limits, the
 * record's bytes inside the body, line numbers never going back, features
 * within the cap) or are refused with a message and a line inside the
 * body; the scanner always comes to the end. The first input byte picks
 * the format (NDJSON or CSV) and the kind (events or labels). Every event
 * also goes through the aggregates (evagg_add_event), as the intake does,
 * and every NDJSON event that can be re-encoded as CSV (the event log's
 * frames) reads back from its CSV as the same event, and its columns
 * frame reads back into the same CSV. */
#include "engine/evagg.h"
#include "engine/evscan.h"
#include "util/buf.h"
#include "util/err.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Abort unless s lies in the body or the scratch and has at most nMax bytes. */
static void fuzz_check_str(const EvScan *sc, EvStr s, size_t nMax) {
    if (s.n > nMax) abort();
    if (s.n == 0) return;
    int inBody = s.z >= sc->z && s.z + s.n <= sc->z + sc->n;
    int inScratch = s.z >= sc->aScratch && s.z + s.n <= sc->aScratch + sizeof sc->aScratch;
    if (!inBody && !inScratch) abort();
}

/* Abort unless the two numbers are the same (NaN equal to NaN). */
static void fuzz_same_num(double a, double b) {
    if (!((isnan(a) && isnan(b)) || a == b)) abort();
}

/* Abort unless the two strings hold the same bytes. */
static void fuzz_same_str(EvStr a, EvStr b) {
    if (a.n != b.n || (a.n && memcmp(a.z, b.z, a.n) != 0)) abort();
}

/* An NDJSON event re-encoded as CSV (the event log's frames) must read
 * back as the same event. */
static void fuzz_reencode(const EvEvent *ev, EvKind kind) {
    static EvCsvShape sh;
    static EvScan s2;
    static EvEvent ev2;
    if (evscan_csv_shape(ev, &sh) || !evscan_csv_same(&sh, ev)) return;
    Buf b;
    buf_init(&b, 0);
    evscan_csv_put_header(&sh, &b);
    evscan_csv_put_row(ev, &b);
    EngineError e;
    if (buf_err(&b) || evscan_init(&s2, b.z, b.n, EVSCAN_CSV, kind, &e)) abort();
    if (evscan_next(&s2, &ev2, &e) != 1) abort();
    fuzz_same_str(ev->id, ev2.id);
    fuzz_same_str(ev->version, ev2.version);
    fuzz_same_str(ev->segment, ev2.segment);
    if (ev->tsMs != ev2.tsMs || ev->isError != ev2.isError || ev->nFeat != ev2.nFeat) abort();
    fuzz_same_num(ev->latencyMs, ev2.latencyMs);
    fuzz_same_num(ev->score, ev2.score);
    fuzz_same_num(ev->prediction, ev2.prediction);
    fuzz_same_num(ev->label, ev2.label);
    for (uint32_t i = 0; i < ev->nFeat; i++) {
        fuzz_same_str(ev->aFeat[i].name, ev2.aFeat[i].name);
        fuzz_same_num(ev->aFeat[i].v, ev2.aFeat[i].v);
    }
    if (evscan_next(&s2, &ev2, &e) != 0) abort();
    /* the columns frame of the same event reads back into the same CSV */
    static EvColumns cols;
    static int bCols;
    if (!bCols) {
        evscan_cols_init(&cols);
        bCols = 1;
    }
    Buf f, back;
    buf_init(&f, 0);
    buf_init(&back, 0);
    evscan_cols_start(&cols, &sh);
    evscan_cols_put(&cols, ev);
    evscan_cols_end(&cols, &sh, &f);
    if (buf_err(&f) || evscan_cols_to_csv(f.z, f.n, 1, &back) || back.n != b.n ||
        memcmp(back.z, b.z, b.n) != 0)
        abort();
    buf_reset(&f);
    buf_reset(&back);
    buf_reset(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    EvFormat fmt = (data[0] & 1) ? EVSCAN_CSV : EVSCAN_NDJSON;
    EvKind kind = (data[0] & 2) ? EVSCAN_LABELS : EVSCAN_EVENTS;
    const char *z = (const char *)data + 1;
    size_t n = size - 1;
    static EvScan s;
    static EvEvent ev;
    EngineError e;
    if (evscan_init(&s, z, n, fmt, kind, &e)) {
        if (e.iLine != 1 || !e.zMsg[0]) abort();
        return 0;
    }
    EvAgg agg;
    evagg_init(&agg);
    uint32_t iLast = 0;
    size_t nRound = 0;
    int rc;
    while ((rc = evscan_next(&s, &ev, &e)) != 0) {
        if (++nRound > n + 2) abort(); /* each call must consume input */
        if (rc == 1) {
            fuzz_check_str(&s, ev.id, EVSCAN_MAX_ID);
            if (ev.id.n == 0) abort();
            fuzz_check_str(&s, ev.version, EVSCAN_MAX_LABEL);
            fuzz_check_str(&s, ev.segment, EVSCAN_MAX_LABEL);
            if (ev.zLine < z || ev.zLine + ev.nLine > z + n) abort();
            if (ev.iLine < iLast) abort();
            iLast = ev.iLine;
            if (ev.nFeat > EVSCAN_MAX_FEATURES) abort();
            for (uint32_t i = 0; i < ev.nFeat; i++)
                fuzz_check_str(&s, ev.aFeat[i].name, EVSCAN_MAX_LABEL);
            if (fmt == EVSCAN_NDJSON) fuzz_reencode(&ev, kind);
            if (kind == EVSCAN_LABELS) {
                if (isnan(ev.label)) abort();
            } else {
                if (!(ev.latencyMs >= 0) || ev.version.n == 0) abort();
                if (evagg_add_event(&agg, &ev)) abort();
            }
        } else {
            if (rc != KEEL_EINVAL || !e.zMsg[0] || e.iLine < iLast) abort();
            iLast = e.iLine;
        }
    }
    EvMetrics m;
    evagg_metrics(&agg, &m);
    if (m.n != agg.n) abort();
    evagg_free(&agg);
    return 0;
}
