/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/evscan.c: every field of an event in NDJSON and
 * CSV (the same events either way), escapes, timestamps against values
 * Python's datetime gives, label streams, and each refusal with its line
 * and field, the scanner going on after a refused line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/evscan.h"
#include "util/err.h"

/* Scan all of z; returns the number of events, fills aEv (up to nMax) and
 * the errors (up to nMaxErr) with their count in *pnErr. */
static int scan_all(const char *z, EvFormat fmt, EvKind kind, EvEvent *aEv, int nMax,
                    EngineError *aErr, int nMaxErr, int *pnErr) {
    static EvScan s;
    EngineError e;
    int nEv = 0, nErr = 0;
    if (evscan_init(&s, z, strlen(z), fmt, kind, &e)) {
        if (nMaxErr > 0) aErr[0] = e;
        *pnErr = -1;
        return 0;
    }
    EvEvent ev;
    int rc;
    while ((rc = evscan_next(&s, &ev, &e)) != 0) {
        if (rc == 1) {
            if (nEv < nMax) aEv[nEv] = ev;
            nEv++;
        } else {
            assert_int_equal(rc, KEEL_EINVAL);
            if (nErr < nMaxErr) aErr[nErr] = e;
            nErr++;
        }
    }
    *pnErr = nErr;
    return nEv;
}

/* True when s holds exactly the NUL-terminated z. */
static int str_is(EvStr s, const char *z) {
    return s.n == strlen(z) && memcmp(s.z, z, s.n) == 0;
}

/* evscan-1: one NDJSON event with every field */
static void test_ndjson_fields(void **state) {
    (void)state;
    const char *z = "{\"event_id\":\"e-1\",\"ts\":\"2026-12-07T17:37:06.123Z\",\"version\":\"v3\","
                    "\"segment\":\"eu\",\"latency_ms\":12.5,\"score\":0.91,\"prediction\":true,"
                    "\"label\":0,\"error\":false,\"f.age\":42,\"f.income\":null}\n";
    EvEvent ev[2];
    EngineError er[2];
    int nErr;
    assert_int_equal(scan_all(z, EVSCAN_NDJSON, EVSCAN_EVENTS, ev, 2, er, 2, &nErr), 1);
    assert_int_equal(nErr, 0);
    assert_true(str_is(ev[0].id, "e-1"));
    assert_true(ev[0].tsMs == INT64_C(1796665026123));
    assert_true(str_is(ev[0].version, "v3"));
    assert_true(str_is(ev[0].segment, "eu"));
    assert_true(ev[0].latencyMs == 12.5 && ev[0].score == 0.91);
    assert_true(ev[0].prediction == 1 && ev[0].label == 0 && ev[0].isError == 0);
    assert_int_equal(ev[0].nFeat, 2);
    assert_true(str_is(ev[0].aFeat[0].name, "age") && ev[0].aFeat[0].v == 42);
    assert_true(str_is(ev[0].aFeat[1].name, "income") && isnan(ev[0].aFeat[1].v));
    assert_int_equal(ev[0].iLine, 1);
    assert_int_equal(ev[0].nLine, strlen(z) - 1);
}

/* evscan-2: the same events from NDJSON and from CSV (quotes, CRLF,
 * missing values, epoch milliseconds) */
static void test_csv_same_as_ndjson(void **state) {
    (void)state;
    const char *zJson =
        "{\"event_id\":\"a,1\",\"ts\":1796665026123,\"version\":\"v1\",\"latency_ms\":3,"
        "\"f.x\":1.5,\"f.y\":null}\r\n"
        "\n"
        "{ \"event_id\" : \"b\\\"2\" , \"ts\" : \"2026-12-07T18:37:06.5+01:00\", \"version\":\"v2\","
        "\"segment\":\"\",\"latency_ms\":0,\"score\":-1e-3,\"label\":1,\"f.x\":2,\"f.y\":-4}\n";
    const char *zCsv = "event_id,ts,version,segment,latency_ms,score,label,f.x,f.y\r\n"
                       "\"a,1\",1796665026123,v1,,3,,,1.5,NA\r\n"
                       "\r\n"
                       "\"b\"\"2\",2026-12-07T18:37:06.5+01:00,v2,,0,-1e-3,1,2,-4\r\n";
    EvEvent a[3], b[3];
    EngineError er[2];
    int nErr;
    assert_int_equal(scan_all(zJson, EVSCAN_NDJSON, EVSCAN_EVENTS, a, 3, er, 2, &nErr), 2);
    assert_int_equal(nErr, 0);
    assert_int_equal(scan_all(zCsv, EVSCAN_CSV, EVSCAN_EVENTS, b, 3, er, 2, &nErr), 2);
    assert_int_equal(nErr, 0);
    for (int i = 0; i < 2; i++) {
        assert_true(a[i].id.n == b[i].id.n && memcmp(a[i].id.z, b[i].id.z, a[i].id.n) == 0);
        assert_true(a[i].tsMs == b[i].tsMs);
        assert_true(a[i].latencyMs == b[i].latencyMs);
        assert_true(a[i].segment.n == 0 && b[i].segment.n == 0);
        assert_true((isnan(a[i].score) && isnan(b[i].score)) || a[i].score == b[i].score);
        assert_true((isnan(a[i].label) && isnan(b[i].label)) || a[i].label == b[i].label);
        assert_int_equal(a[i].nFeat, 2);
        assert_int_equal(b[i].nFeat, 2);
        for (int k = 0; k < 2; k++) {
            double x = a[i].aFeat[k].v, y = b[i].aFeat[k].v;
            assert_true((isnan(x) && isnan(y)) || x == y);
        }
    }
    assert_int_equal(a[1].iLine, 3);
    assert_int_equal(b[1].iLine, 4);
    assert_true(a[1].tsMs == INT64_C(1796665026500));
    assert_true(str_is(b[0].id, "a,1") && str_is(b[1].id, "b\"2"));
    assert_true(a[1].score == -1e-3);
}

/* evscan-3: escapes, \u with surrogate pairs, UTF-8 text */
static void test_escapes(void **state) {
    (void)state;
    const char *z = "{\"event_id\":\"\\u00e9\\ud83d\\ude00\\n\",\"ts\":0,\"version\":\"模型\","
                    "\"latency_ms\":1}\n";
    EvEvent ev[1];
    EngineError er[1];
    int nErr;
    /* a newline inside an id is a control character: refused */
    assert_int_equal(scan_all(z, EVSCAN_NDJSON, EVSCAN_EVENTS, ev, 1, er, 1, &nErr), 0);
    assert_int_equal(nErr, 1);
    assert_string_equal(er[0].zField, "event_id");
    const char *z2 = "{\"event_id\":\"\\u00e9\\ud83d\\ude00\",\"ts\":0,\"version\":\"模型\","
                     "\"latency_ms\":1}";
    assert_int_equal(scan_all(z2, EVSCAN_NDJSON, EVSCAN_EVENTS, ev, 1, er, 1, &nErr), 1);
    assert_true(str_is(ev[0].id, "\xc3\xa9\xf0\x9f\x98\x80"));
    assert_true(str_is(ev[0].version, "模型"));
}

/* evscan-4: timestamps against Python's datetime */
static void test_ts(void **state) {
    (void)state;
    static const struct {
        const char *z;
        int ok;
        int64_t ms;
    } a[] = {
        {"2026-12-07T17:37:06.123Z", 1, INT64_C(1796665026123)},
        {"2000-02-29T23:59:59.999+00:00", 1, INT64_C(951868799999)},
        {"1969-12-31T23:00:00.000000001Z", 1, INT64_C(-3600000)},
        {"2026-12-07t18:37:06.5+01:00", 1, INT64_C(1796665026500)},
        {"1796665026123", 1, INT64_C(1796665026123)},
        {"-5", 1, -5},
        {"2026-02-29T00:00:00Z", 0, 0},
        {"2026-12-07T24:00:00Z", 0, 0},
        {"2026-12-07T17:37:06", 0, 0},
        {"2026-12-07T17:37:06.Z", 0, 0},
        {"2026-12-07T17:37:06Zx", 0, 0},
        {"12a", 0, 0},
        {"", 0, 0},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        int64_t ms = 0;
        int rc = evscan_parse_ts(a[i].z, strlen(a[i].z), &ms);
        if (a[i].ok) {
            assert_int_equal(rc, 0);
            assert_true(ms == a[i].ms);
        } else {
            assert_int_equal(rc, KEEL_EINVAL);
        }
    }
}

/* evscan-5: refusals name line and field, and the scanner goes on */
static void test_errors(void **state) {
    (void)state;
    static const struct {
        const char *zLine;
        const char *zField;
        const char *zWords;
    } a[] = {
        {"{\"ts\":0,\"version\":\"v\",\"latency_ms\":1}", "event_id", "missing"},
        {"{\"event_id\":\"x\",\"ts\":\"yesterday\",\"version\":\"v\",\"latency_ms\":1}", "ts",
         "RFC 3339"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":-1}", "latency_ms", "0 or more"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"f.a\":[1]}", "f.a",
         "nested"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"colour\":1}", "colour",
         "not an event field"},
        {"{\"event_id\":\"x\",\"event_id\":\"y\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1}",
         "event_id", "twice"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1} x", "", "after the object"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"score\":\"high\"}",
         "score", "finite number"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"score\":1e999}", "score",
         "finite number"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"\",\"latency_ms\":1}", "version", "1 to 64"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"error\":2}", "error",
         "true, false"},
        {"{\"event_id\":\"x\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"label\":abc}", "label",
         "not JSON"},
        /* a bare token that is not a number (its quote would break the
         * event log's CSV: the event would not replay) */
        {"{\"event_id\":-m\",\"ts\":9,\"version\":\"v\",\"latency_ms\":1}", "event_id",
         "not JSON"},
        {"[1,2]", "", "not a JSON object"},
        {"{\"event_id\":\"x", "event_id", "does not end"},
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        char z[512];
        const char *zGood = "{\"event_id\":\"g\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1}";
        snprintf(z, sizeof z, "%s\n\n%s\n%s\n", zGood, a[i].zLine, zGood);
        EvEvent ev[3];
        EngineError er[2];
        int nErr;
        assert_int_equal(scan_all(z, EVSCAN_NDJSON, EVSCAN_EVENTS, ev, 3, er, 2, &nErr), 2);
        if (nErr != 1 || er[0].iLine != 3 || strcmp(er[0].zField, a[i].zField) != 0 ||
            !strstr(er[0].zMsg, a[i].zWords))
            fail_msg("case evscan-5.%zu: %d errors, line %zu field '%s': %s", i + 1, nErr,
                     er[0].iLine, er[0].zField, er[0].zMsg);
        assert_int_equal(ev[1].iLine, 4);
    }
}

/* evscan-6: CSV headers and records that are refused */
static void test_csv_errors(void **state) {
    (void)state;
    EvEvent ev[4];
    EngineError er[4];
    int nErr;
    /* a header without latency_ms */
    scan_all("event_id,ts,version\nx,0,v\n", EVSCAN_CSV, EVSCAN_EVENTS, ev, 4, er, 4, &nErr);
    assert_int_equal(nErr, -1);
    assert_string_equal(er[0].zField, "latency_ms");
    assert_int_equal(er[0].iLine, 1);
    /* an unknown column */
    scan_all("event_id,ts,version,latency_ms,colour\n", EVSCAN_CSV, EVSCAN_EVENTS, ev, 4, er, 4,
             &nErr);
    assert_int_equal(nErr, -1);
    assert_string_equal(er[0].zField, "colour");
    /* ragged, bad number, bad quote; a quoted line break moves the count */
    const char *z = "event_id,ts,version,latency_ms,f.a\n"
                    "a,0,v,1,2\n"
                    "b,0,v,1\n"
                    "c,0,v,1,zz\n"
                    "\"d\nd\",0,v,1,3\n"
                    "e\"x,0,v,1,3\n"
                    "f,0,v,1,4\n";
    int n = scan_all(z, EVSCAN_CSV, EVSCAN_EVENTS, ev, 4, er, 4, &nErr);
    assert_int_equal(nErr, 4);
    assert_int_equal(n, 2);
    assert_int_equal(er[0].iLine, 3);
    assert_true(strstr(er[0].zMsg, "has 4 fields; the header has 5") != NULL);
    assert_int_equal(er[1].iLine, 4);
    assert_string_equal(er[1].zField, "f.a");
    assert_int_equal(er[2].iLine, 5);
    assert_string_equal(er[2].zField, "event_id"); /* a line feed inside an id */
    assert_int_equal(er[3].iLine, 7);
    assert_true(strstr(er[3].zMsg, "malformed quoted") != NULL);
    assert_true(str_is(ev[1].id, "f"));
    assert_int_equal(ev[1].iLine, 8);
}

/* evscan-7: label streams */
static void test_labels(void **state) {
    (void)state;
    EvEvent ev[3];
    EngineError er[3];
    int nErr;
    int n = scan_all("event_id,label\na,1\nb,false\nc,\n", EVSCAN_CSV, EVSCAN_LABELS, ev, 3, er, 3,
                     &nErr);
    assert_int_equal(n, 2);
    assert_true(ev[0].label == 1 && ev[1].label == 0);
    assert_int_equal(nErr, 1);
    assert_string_equal(er[0].zField, "label");
    n = scan_all("{\"event_id\":\"a\",\"label\":1}\n{\"event_id\":\"b\",\"score\":1,\"label\":0}\n",
                 EVSCAN_NDJSON, EVSCAN_LABELS, ev, 3, er, 3, &nErr);
    assert_int_equal(n, 1);
    assert_int_equal(nErr, 1);
    assert_string_equal(er[0].zField, "score");
    assert_int_equal(er[0].iLine, 2);
}

/* evscan-8: numbers read exactly as strtod reads them (the fast decimal
 * path and the general one), 200,000 random decimals of 1 to 17 digits */
static void test_numbers(void **state) {
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int nInt = (int)(x % 9), nFrac = (int)((x >> 8) % 10);
        char zNum[64];
        int k = 0;
        if ((x >> 20) & 1) zNum[k++] = '-';
        for (int j = 0; j < nInt + 1; j++)
            zNum[k++] = (char)('0' + ((x >> (24 + j * 3)) % 10));
        if (nFrac) {
            zNum[k++] = '.';
            for (int j = 0; j < nFrac; j++)
                zNum[k++] = (char)('0' + ((x >> (j * 5 + 1)) % 10));
        }
        zNum[k] = 0;
        char z[160];
        snprintf(z, sizeof z, "{\"event_id\":\"a\",\"ts\":0,\"version\":\"v\",\"latency_ms\":1,\"score\":%s}",
                 zNum);
        EvEvent ev[1];
        EngineError er[1];
        int nErr;
        assert_int_equal(scan_all(z, EVSCAN_NDJSON, EVSCAN_EVENTS, ev, 1, er, 1, &nErr), 1);
        double want = strtod(zNum, NULL);
        if (memcmp(&ev[0].score, &want, sizeof want) != 0)
            fail_msg("%s: got %.17g, strtod %.17g", zNum, ev[0].score, want);
    }
}

/* evscan-9: lines that start with the keys of the lines before (the
 * scanner takes those keys by their shape) still refuse a key given twice,
 * and a line in another order, with spaces or escaped keys reads the same */
static void test_shape(void **state) {
    (void)state;
    const char *z =
        "{\"event_id\":\"a\",\"ts\":1796650000000,\"version\":\"v\",\"latency_ms\":1.5,\"f.x\":1,\"f.y\":2}\n"
        "{\"event_id\":\"b\",\"ts\":1796650000001,\"version\":\"v\",\"latency_ms\":2,\"f.x\":3,\"f.y\":null}\n"
        "{\"event_id\":\"c\",\"ts\":1,\"version\":\"v\",\"latency_ms\":1,\"f.x\":1,\"f.x\":2}\n"
        "{\"event_id\":\"d\",\"ts\":1,\"version\":\"v\",\"latency_ms\":1,\"f.x\":1,\"f.y\":2,\"f.x\":3}\n"
        "{\"event_id\":\"e\",\"ts\":2,\"version\":\"v\",\"latency_ms\":1,\"ts\":3}\n"
        "{\"event_id\" : \"f\", \"version\":\"w\",\"ts\":-5,\"latency_ms\":0007}\n"
        "{\"event_id\":\"g\",\"t\\u0073\":42,\"version\":\"v\",\"latency_ms\":1,\"f.y\":9}\n"
        "{\"event_id\":\"j\",\"version\":\"v\",\"version\":\"w\",\"ts\":1,\"latency_ms\":1}\n"
        "{\"event_id\":\"h\",\"ts\":43,\"version\":\"v\",\"latency_ms\":1,\"f.y\":8,\"f.y\":7}\n"
        "{\"event_id\":\"i\",\"ts\":1796650000000.5,\"version\":\"v\",\"latency_ms\":1}\n";
    EvEvent ev[8];
    EngineError er[4];
    int nErr;
    assert_int_equal(scan_all(z, EVSCAN_NDJSON, EVSCAN_EVENTS, ev, 8, er, 4, &nErr), 4);
    assert_int_equal(nErr, 6);
    static const struct {
        size_t iLine;
        const char *zField, *zWords;
    } aWant[] = {{3, "f.x", "twice"}, {4, "f.x", "twice"}, {5, "ts", "twice"}, {8, "version", "twice"}};
    for (int i = 0; i < 4; i++)
        if (er[i].iLine != aWant[i].iLine || strcmp(er[i].zField, aWant[i].zField) != 0 ||
            !strstr(er[i].zMsg, aWant[i].zWords))
            fail_msg("case evscan-9.%d: line %zu field '%s': %s", i + 1, er[i].iLine,
                     er[i].zField, er[i].zMsg);
    assert_true(str_is(ev[0].id, "a") && ev[0].tsMs == INT64_C(1796650000000) &&
                ev[0].latencyMs == 1.5 && ev[0].nFeat == 2 && ev[0].aFeat[1].v == 2);
    assert_true(str_is(ev[1].id, "b") && ev[1].tsMs == INT64_C(1796650000001) &&
                ev[1].aFeat[0].v == 3 && isnan(ev[1].aFeat[1].v));
    assert_true(str_is(ev[1].aFeat[1].name, "y"));
    assert_true(str_is(ev[2].id, "f") && str_is(ev[2].version, "w") && ev[2].tsMs == -5 &&
                ev[2].latencyMs == 7 && ev[2].nFeat == 0);
    assert_true(str_is(ev[3].id, "g") && ev[3].tsMs == 42 && ev[3].nFeat == 1 &&
                str_is(ev[3].aFeat[0].name, "y") && ev[3].aFeat[0].v == 9);
}

/* The same event, field by field (strings by content). */
static void assert_same_event(const EvEvent *a, const EvEvent *b) {
    assert_true(a->id.n == b->id.n && memcmp(a->id.z, b->id.z, a->id.n) == 0);
    assert_true(a->version.n == b->version.n &&
                memcmp(a->version.z, b->version.z, a->version.n) == 0);
    assert_true(a->segment.n == b->segment.n &&
                memcmp(a->segment.z, b->segment.z, a->segment.n) == 0);
    assert_true(a->tsMs == b->tsMs);
    assert_true(a->latencyMs == b->latencyMs);
    const double *x[] = {&a->score, &a->prediction, &a->label},
                 *y[] = {&b->score, &b->prediction, &b->label};
    for (int k = 0; k < 3; k++)
        assert_true((isnan(*x[k]) && isnan(*y[k])) || *x[k] == *y[k]);
    assert_int_equal(a->isError, b->isError);
    assert_int_equal(a->nFeat, b->nFeat);
    for (uint32_t k = 0; k < a->nFeat; k++) {
        assert_true(a->aFeat[k].name.n == b->aFeat[k].name.n &&
                    memcmp(a->aFeat[k].name.z, b->aFeat[k].name.z, a->aFeat[k].name.n) == 0);
        double u = a->aFeat[k].v, v = b->aFeat[k].v;
        assert_true((isnan(u) && isnan(v)) || u == v);
    }
}

/* evscan-9: NDJSON events re-encoded as CSV (the event log's frames) read
 * back as the same events: nulls, true/false, a comma in a string, an RFC
 * 3339 time, keys in another order; an event with other columns or an
 * escape is not re-encoded */
static void test_csv_reencode(void **state) {
    (void)state;
    const char *zJson =
        "{\"event_id\":\"a,1\",\"ts\":\"2026-12-07T18:37:06.5+01:00\",\"version\":\"v,1\","
        "\"segment\":null,\"latency_ms\":3,\"score\":null,\"prediction\":true,\"label\":false,"
        "\"error\":1,\"f.x\":1.5e2,\"f.y\":null}\n"
        "{\"ts\":1796665026123,\"event_id\":\"b\",\"version\":\"v2\",\"segment\":\"eu\","
        "\"latency_ms\":0.25,\"score\":-1e-3,\"prediction\":0,\"label\":1,\"error\":false,"
        "\"f.x\":-2,\"f.y\":7}\n"
        "{\"event_id\":\"c\",\"ts\":1,\"version\":\"v\",\"latency_ms\":1}\n"
        "{\"event_id\":\"d\\u0041\",\"ts\":1,\"version\":\"v\",\"segment\":\"s\",\"latency_ms\":1,"
        "\"score\":1,\"prediction\":1,\"label\":1,\"error\":0,\"f.x\":1,\"f.y\":2}\n";
    EvEvent a[4], b[2];
    EngineError er[2];
    int nErr;
    assert_int_equal(scan_all(zJson, EVSCAN_NDJSON, EVSCAN_EVENTS, a, 4, er, 2, &nErr), 4);
    assert_int_equal(nErr, 0);
    static EvCsvShape sh;
    assert_int_equal(evscan_csv_shape(&a[0], &sh), 0);
    assert_int_equal(evscan_csv_same(&sh, &a[1]), 1);
    assert_int_equal(evscan_csv_same(&sh, &a[2]), 0); /* other columns */
    assert_int_equal(evscan_csv_same(&sh, &a[3]), 0); /* an escape */
    Buf out;
    buf_init(&out, 0);
    evscan_csv_put_header(&sh, &out);
    evscan_csv_put_row(&a[0], &out);
    evscan_csv_put_row(&a[1], &out);
    assert_int_equal(buf_err(&out), 0);
    assert_string_equal(out.z,
                        "event_id,ts,version,segment,latency_ms,score,prediction,label,error,"
                        "f.x,f.y\n"
                        "\"a,1\",2026-12-07T18:37:06.5+01:00,\"v,1\",,3,,true,false,1,1.5e2,\n"
                        "b,1796665026123,v2,eu,0.25,-1e-3,0,1,false,-2,7\n");
    assert_int_equal(scan_all(out.z, EVSCAN_CSV, EVSCAN_EVENTS, b, 2, er, 2, &nErr), 2);
    assert_int_equal(nErr, 0);
    assert_same_event(&a[0], &b[0]);
    assert_same_event(&a[1], &b[1]);
    /* the same rows framed column by column, and read back into the rows */
    static EvColumns cols;
    evscan_cols_init(&cols);
    evscan_cols_start(&cols, &sh);
    evscan_cols_put(&cols, &a[0]);
    evscan_cols_put(&cols, &a[1]);
    Buf frame, back;
    buf_init(&frame, 0);
    buf_init(&back, 0);
    evscan_cols_end(&cols, &sh, &frame);
    assert_int_equal(buf_err(&frame), 0);
    assert_string_equal(frame.z,
                        "event_id,ts,version,segment,latency_ms,score,prediction,label,error,"
                        "f.x,f.y\n"
                        "\"a,1\"\nb\n2026-12-07T18:37:06.5+01:00\n1796665026123\n\"v,1\"\nv2\n\neu\n"
                        "3\n0.25\n\n-1e-3\ntrue\n0\nfalse\n1\n1\nfalse\n1.5e2\n-2\n\n7\n");
    assert_int_equal(evscan_cols_to_csv(frame.z, frame.n, 2, &back), 0);
    assert_string_equal(back.z, out.z);
    /* a frame that is not one: a row short, a row over, quotes in the header */
    buf_reset(&back);
    assert_int_equal(evscan_cols_to_csv(frame.z, frame.n, 3, &back), KEEL_EINVAL);
    assert_int_equal(evscan_cols_to_csv(frame.z, frame.n, 1, &back), KEEL_EINVAL);
    assert_int_equal(evscan_cols_to_csv(frame.z, frame.n - 2, 2, &back), KEEL_EINVAL);
    assert_int_equal(evscan_cols_to_csv("\"a\",b\n1\n2\n", 11, 1, &back), KEEL_EINVAL);
    assert_int_equal(evscan_cols_to_csv("a,b", 3, 0, &back), KEEL_EINVAL);
    assert_int_equal(evscan_cols_to_csv("a,b\n", 4, 0, &back), 0);
    assert_string_equal(back.z, "a,b\n");
    buf_reset(&back);
    buf_reset(&frame);
    evscan_cols_free(&cols);
    buf_reset(&out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ndjson_fields), cmocka_unit_test(test_csv_same_as_ndjson),
        cmocka_unit_test(test_escapes),       cmocka_unit_test(test_ts),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_labels),        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_csv_reencode),  cmocka_unit_test(test_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
