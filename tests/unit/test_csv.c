/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/csv.c: every RFC 4180 feature (quotes, doubled
 * quotes, embedded commas and newlines, CRLF, BOM, header), missing values,
 * type inference and overrides, exact number parsing against strtod, the
 * parallel path against the serial one, and every error with its line and
 * field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../common/csv_same.h"
#include "engine/csv.h"
#include "util/buf.h"
#include "util/err.h"

/* Parse a NUL-terminated string with default options; fails the test when
 * parsing does not succeed. */
static CsvTable *parse_ok(const char *z) {
    CsvTable *t = NULL;
    EngineError e;
    int rc = csv_parse(z, strlen(z), NULL, &t, &e);
    if (rc) fprintf(stderr, "unexpected error: %s\n", e.zMsg);
    assert_int_equal(rc, 0);
    assert_non_null(t);
    return t;
}

/* Parse z expecting KEEL_EINVAL at line iLine, field iCol; the message
 * must name both. */
static void parse_err(const char *z, size_t n, const CsvOptions *opt, size_t iLine, size_t iCol) {
    CsvTable *t = (CsvTable *)1;
    EngineError e;
    int rc = csv_parse(z, n, opt, &t, &e);
    assert_int_equal(rc, KEEL_EINVAL);
    assert_null(t);
    if (e.iLine != iLine || e.iCol != iCol)
        fprintf(stderr, "got line %zu col %zu: %s\n", e.iLine, e.iCol, e.zMsg);
    assert_int_equal(e.iLine, iLine);
    assert_int_equal(e.iCol, iCol);
    char zWant[64];
    snprintf(zWant, sizeof zWant, "line %zu", iLine);
    assert_non_null(strstr(e.zMsg, zWant));
    if (iCol) {
        snprintf(zWant, sizeof zWant, "field %zu", iCol);
        assert_non_null(strstr(e.zMsg, zWant));
    }
}

/* csv-1: header, numeric and categorical inference, levels in order of
 * first appearance */
static void test_csv_basic(void **state) {
    (void)state;
    CsvTable *t = parse_ok("x,color,n\n1.5,red,1\n-2,blue,2\n3e2,red,3\n");
    assert_int_equal(t->nRow, 3);
    assert_int_equal(t->nCol, 3);
    assert_string_equal(t->aCol[0].zName, "x");
    assert_int_equal(t->aCol[0].type, CSV_NUMERIC);
    assert_true(t->aCol[0].aNum[0] == 1.5 && t->aCol[0].aNum[1] == -2 && t->aCol[0].aNum[2] == 300);
    assert_null(t->aCol[0].aCode);
    assert_int_equal(t->aCol[1].type, CSV_CATEGORICAL);
    assert_null(t->aCol[1].aNum);
    assert_int_equal(t->aCol[1].nLevel, 2);
    assert_string_equal(t->aCol[1].azLevel[0], "red");
    assert_string_equal(t->aCol[1].azLevel[1], "blue");
    assert_int_equal(t->aCol[1].aCode[0], 0);
    assert_int_equal(t->aCol[1].aCode[1], 1);
    assert_int_equal(t->aCol[1].aCode[2], 0);
    assert_int_equal(csv_column_index(t, "n"), 2);
    assert_int_equal(csv_column_index(t, "nope"), -1);
    csv_free(t);
    csv_free(NULL);
}

/* csv-2: missing markers empty, NA, NaN, null in both column types; a
 * column of only missing values is numeric */
static void test_csv_missing(void **state) {
    (void)state;
    CsvTable *t = parse_ok("a,b,c\n1,x,\nNA,null,NaN\n,NaN,null\n4,\"\",NA\n");
    assert_int_equal(t->nRow, 4);
    assert_int_equal(t->aCol[0].type, CSV_NUMERIC);
    assert_int_equal(t->aCol[0].nMissing, 2);
    assert_true(isnan(t->aCol[0].aNum[1]) && isnan(t->aCol[0].aNum[2]));
    assert_true(t->aCol[0].aNum[3] == 4);
    assert_int_equal(t->aCol[1].type, CSV_CATEGORICAL);
    assert_int_equal(t->aCol[1].nMissing, 3);
    assert_int_equal(t->aCol[1].nLevel, 1);
    assert_int_equal(t->aCol[1].aCode[1], CSV_MISSING_CODE);
    assert_int_equal(t->aCol[1].aCode[3], CSV_MISSING_CODE);
    assert_int_equal(t->aCol[2].type, CSV_NUMERIC);
    assert_int_equal(t->aCol[2].nMissing, 4);
    csv_free(t);
    /* markers are case-sensitive: "na" is a value */
    t = parse_ok("a\nna\n1\n");
    assert_int_equal(t->aCol[0].type, CSV_CATEGORICAL);
    assert_int_equal(t->aCol[0].nMissing, 0);
    csv_free(t);
}

/* Every missing-value spelling (csv_azMissing, pandas' defaults), alone
 * or quoted, in a numeric column among thousands of short decimals (the
 * fast loop, four at a time and one at a time) and in a categorical one:
 * the numeric column stays numeric with NaN there, the categorical one has
 * no level for it, and the fast loop, its one-at-a-time form and the
 * general loop give the same table. Near misses (case, spaces, inf) are
 * values. */
static void test_csv_missing_spellings(void **state) {
    (void)state;
    assert_int_equal(sizeof csv_azMissing / sizeof csv_azMissing[0], CSV_N_MISSING);
    for (size_t iSp = 0; iSp < CSV_N_MISSING; iSp++)
        for (int quoted = 0; quoted < 2; quoted++) {
            Buf b;
            buf_init(&b, 0);
            buf_puts(&b, "x,y,g\n");
            size_t nMiss = 0;
            for (int r = 0; r < 3000; r++) {
                int miss = r % 7 == 3 || r == 2999 || (r >= 100 && r < 108);
                const char *zQ = quoted ? "\"" : "";
                if (miss) {
                    nMiss++;
                    buf_printf(&b, "%s%s%s,%d.%d,%s%s%s\n", zQ, csv_azMissing[iSp], zQ, r % 50,
                               r % 10, zQ, csv_azMissing[iSp], zQ);
                } else {
                    buf_printf(&b, "%d.%02d,-%d.%d,%s\n", r % 97, r % 100, r % 50, r % 10,
                               r % 2 ? "north" : "south");
                }
            }
            assert_int_equal(buf_err(&b), 0);
            CsvTable *at[3] = {NULL, NULL, NULL};
            for (int iOpt = 0; iOpt < 3; iOpt++) {
                CsvOptions opt = {.nThread = 1, .noSimd = iOpt == 1, .noFast = iOpt == 2};
                EngineError e;
                int rc = csv_parse(b.z, b.n, &opt, &at[iOpt], &e);
                if (rc) fprintf(stderr, "'%s': %s\n", csv_azMissing[iSp], e.zMsg);
                assert_int_equal(rc, 0);
                const CsvTable *t = at[iOpt];
                assert_int_equal(t->nRow, 3000);
                assert_int_equal(t->aCol[0].type, CSV_NUMERIC);
                assert_int_equal(t->aCol[0].nMissing, nMiss);
                assert_true(isnan(t->aCol[0].aNum[3]) && isnan(t->aCol[0].aNum[2999]));
                assert_true(t->aCol[0].aNum[4] == 4.04);
                assert_int_equal(t->aCol[1].type, CSV_NUMERIC);
                assert_int_equal(t->aCol[1].nMissing, 0);
                assert_int_equal(t->aCol[2].type, CSV_CATEGORICAL);
                assert_int_equal(t->aCol[2].nLevel, 2);
                assert_int_equal(t->aCol[2].nMissing, nMiss);
                assert_int_equal(t->aCol[2].aCode[3], CSV_MISSING_CODE);
            }
            assert_true(csv_tables_same(at[0], at[1]));
            assert_true(csv_tables_same(at[0], at[2]));
            for (int i = 0; i < 3; i++)
                csv_free(at[i]);
            buf_reset(&b);
        }
    /* near misses are values: a numeric column holding one turns
     * categorical, as any text does */
    static const char *const azNot[] = {"na",  "Na",   "NAN", "Nan",  " nan", "nan ", "NULL ",
                                        "inf", "-inf", "Inf", "none", "#N/A N/A ", "-NA"};
    for (size_t i = 0; i < sizeof azNot / sizeof azNot[0]; i++) {
        char z[64];
        snprintf(z, sizeof z, "a\n1\n%s\n", azNot[i]);
        CsvTable *t = parse_ok(z);
        assert_int_equal(t->aCol[0].type, CSV_CATEGORICAL);
        assert_int_equal(t->aCol[0].nMissing, 0);
        csv_free(t);
    }
}

/* csv-3: quoted fields, doubled quotes, embedded commas and newlines,
 * CRLF line ends, quoted header names */
static void test_csv_quotes(void **state) {
    (void)state;
    CsvTable *t = parse_ok("\"na,me\",v\r\n\"a \"\"b\"\"\",\"1\"\r\n\"x,\r\ny\",2\r\n\"\",3\r\n");
    assert_int_equal(t->nRow, 3);
    assert_string_equal(t->aCol[0].zName, "na,me");
    assert_int_equal(t->aCol[0].type, CSV_CATEGORICAL);
    assert_string_equal(t->aCol[0].azLevel[t->aCol[0].aCode[0]], "a \"b\"");
    assert_string_equal(t->aCol[0].azLevel[t->aCol[0].aCode[1]], "x,\r\ny");
    assert_int_equal(t->aCol[0].aCode[2], CSV_MISSING_CODE);
    assert_int_equal(t->aCol[1].type, CSV_NUMERIC);
    assert_true(t->aCol[1].aNum[0] == 1 && t->aCol[1].aNum[2] == 3);
    csv_free(t);
}

/* csv-4: a UTF-8 BOM is dropped, the last line may lack its line end,
 * blank lines are skipped, a header alone gives zero rows */
static void test_csv_bom_ends(void **state) {
    (void)state;
    CsvTable *t = parse_ok("\xEF\xBB\xBFid,v\n1,2\n\n3,4");
    assert_string_equal(t->aCol[0].zName, "id");
    assert_int_equal(t->nRow, 2);
    assert_true(t->aCol[1].aNum[1] == 4);
    csv_free(t);
    t = parse_ok("a,b\n");
    assert_int_equal(t->nRow, 0);
    assert_int_equal(t->nCol, 2);
    assert_int_equal(t->aCol[0].type, CSV_NUMERIC);
    csv_free(t);
    t = parse_ok("a,b");
    assert_int_equal(t->nRow, 0);
    csv_free(t);
    t = parse_ok("\xC3\xA9t\xC3\xA9\nv\xC3\xA9lo\n");
    assert_string_equal(t->aCol[0].zName, "\xC3\xA9t\xC3\xA9");
    assert_string_equal(t->aCol[0].azLevel[0], "v\xC3\xA9lo");
    csv_free(t);
}

/* csv-5: numbers parse to exactly the double strtod gives, over random
 * decimal strings of every shape (short, 20+ digits, large exponents) */
static void test_csv_numbers_exact(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "v\n");
    const char *azFixed[] = {"0",
                             "-0",
                             "+1",
                             "1.",
                             ".5",
                             "1e5",
                             "1E-5",
                             "1e+300",
                             "4.9e-324",
                             "2.2250738585072014e-308",
                             "9007199254740993",
                             "0.1",
                             "123456789012345678901234567890",
                             " 7 ",
                             "1e-400",
                             "17976931348623157e292",
                             "0.000000000000000000000001"};
    size_t nFixed = sizeof azFixed / sizeof azFixed[0];
    for (size_t i = 0; i < nFixed; i++)
        buf_printf(&b, "%s\n", azFixed[i]);
    srand(12345);
    char aStr[5000][48];
    for (int i = 0; i < 5000; i++) {
        int nd = 1 + rand() % 22, dot = rand() % (nd + 1);
        char *p = aStr[i];
        if (rand() % 3 == 0) *p++ = '-';
        for (int k = 0; k < nd; k++) {
            if (k == dot && k) *p++ = '.';
            *p++ = (char)('0' + rand() % 10);
        }
        if (rand() % 4 == 0) p += sprintf(p, "e%d", rand() % 640 - 320);
        *p = 0;
        buf_printf(&b, "%s\n", aStr[i]);
    }
    assert_int_equal(buf_err(&b), 0);
    CsvTable *t = parse_ok(b.z);
    assert_int_equal(t->aCol[0].type, CSV_NUMERIC);
    assert_int_equal(t->nRow, nFixed + 5000);
    for (size_t i = 0; i < nFixed + 5000; i++) {
        const char *z = i < nFixed ? azFixed[i] : aStr[i - nFixed];
        double want = strtod(z, NULL), got = t->aCol[0].aNum[i];
        if (memcmp(&want, &got, sizeof want) != 0)
            fprintf(stderr, "%s: want %.17g got %.17g\n", z, want, got);
        assert_memory_equal(&want, &got, sizeof want);
    }
    csv_free(t);
    buf_reset(&b);
    /* not numbers: hex, inf, a lone point, a dangling exponent */
    const char *azText[] = {"0x10", "inf", ".", "1e", "1.2.3", "--1", "1,5"};
    for (size_t i = 0; i < sizeof azText / sizeof azText[0]; i++) {
        char z[64];
        snprintf(z, sizeof z, "v\n1\n\"%s\"\n", azText[i]);
        t = parse_ok(z);
        assert_int_equal(t->aCol[0].type, CSV_CATEGORICAL);
        csv_free(t);
    }
}

/* csv-6: overrides force a type; a forced-numeric text value is an error */
static void test_csv_override(void **state) {
    (void)state;
    const char *z = "a,b\n1.50,x\n1.5,2\n";
    CsvTypeOverride aOv[] = {{"a", CSV_CATEGORICAL}, {"missing", CSV_NUMERIC}};
    CsvOptions opt = {.aOverride = aOv, .nOverride = 2};
    CsvTable *t = NULL;
    EngineError e;
    assert_int_equal(csv_parse(z, strlen(z), &opt, &t, &e), 0);
    assert_int_equal(t->aCol[0].type, CSV_CATEGORICAL);
    assert_int_equal(t->aCol[0].nLevel, 2);
    assert_string_equal(t->aCol[0].azLevel[1], "1.5");
    csv_free(t);
    CsvTypeOverride aOv2[] = {{"b", CSV_NUMERIC}};
    CsvOptions opt2 = {.aOverride = aOv2, .nOverride = 1};
    parse_err(z, strlen(z), &opt2, 2, 2);
}

/* csv-7: azOnly reads a subset in header order; an unknown name fails */
static void test_csv_only(void **state) {
    (void)state;
    const char *z = "a,b,c\n1,x,3\n4,\xC3\xA9,6\n";
    const char *azOnly[] = {"c", "a"};
    CsvOptions opt = {.azOnly = azOnly, .nOnly = 2};
    CsvTable *t = NULL;
    EngineError e;
    assert_int_equal(csv_parse(z, strlen(z), &opt, &t, &e), 0);
    assert_int_equal(t->nCol, 2);
    assert_string_equal(t->aCol[0].zName, "a");
    assert_string_equal(t->aCol[1].zName, "c");
    assert_true(t->aCol[1].aNum[1] == 6);
    csv_free(t);
    const char *azBad[] = {"zz"};
    CsvOptions opt2 = {.azOnly = azBad, .nOnly = 1};
    parse_err(z, strlen(z), &opt2, 1, 0);
    /* a skipped column is still checked for UTF-8 */
    const char *zBad = "a,b\n1,\xFF\n";
    const char *azA[] = {"a"};
    CsvOptions opt3 = {.azOnly = azA, .nOnly = 1};
    parse_err(zBad, strlen(zBad), &opt3, 2, 2);
}

/* csv-8: every error names its line and field */
static void test_csv_errors(void **state) {
    (void)state;
    struct {
        const char *z;
        size_t iLine, iCol;
    } a[] = {
        {"a,b\n1,2\n3,4,5\n", 3, 3},                 /* too many fields */
        {"a,b\n1,2\n3\n", 3, 2},                     /* too few fields */
        {"a,b\n1,\"x\ny\n\nz\n", 2, 2},              /* unterminated quote */
        {"a,b\n1,\"x\"y\n", 2, 2},                   /* text after closing quote */
        {"a,b\n1,x\"y\n", 2, 2},                     /* quote in unquoted field */
        {"a,b\n1,x\ry\n", 2, 2},                     /* bare carriage return */
        {"a,b\n1,ok\n2,\"l1\nl2\xC3\x28\"\n", 4, 2}, /* invalid UTF-8 on 2nd line of field */
        {"a,b\n1,\xED\xA0\x80\n", 2, 2},             /* a surrogate */
        {"a,b\n1,\xC0\xAF\n", 2, 2},                 /* an overlong */
        {"a,a\n1,2\n", 1, 2},                        /* duplicate column name */
        {"a,\xFF\n", 1, 2},                          /* invalid UTF-8 in the header */
        {"a,b\n1,abcdefghijklmnop\xC3\n", 2, 2},     /* after 8-byte ASCII runs */
        {"a,b\n1,abcdefgh\xFFxyz\n", 2, 2},          /* right after one */
        {"a,b\n1,abcdefgh\xE4\xB8\x80ijklmnopq\xF0\x9F\x98\n", 2, 2}, /* a cut 4-byte char */
        {"", 1, 0},                                                   /* no header */
        {"\xEF\xBB\xBF", 1, 0},                                       /* BOM only */
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
        parse_err(a[i].z, strlen(a[i].z), NULL, a[i].iLine, a[i].iCol);
    /* field over the cap, quoted and unquoted */
    CsvOptions opt = {.nMaxField = 4};
    parse_err("a,b\n1,12345\n", 12, &opt, 2, 2);
    parse_err("a,b\n1,\"1\"\"345\"\n", 15, &opt, 2, 2);
    CsvTable *t = NULL;
    EngineError e;
    assert_int_equal(csv_parse("a,b\n1,1234\n", 11, &opt, &t, &e), 0);
    csv_free(t);
    /* input that is not NUL-terminated: only n bytes are read */
    assert_int_equal(csv_parse("a,b\n1,2\nGARBAGE\"", 8, NULL, &t, &e), 0);
    assert_int_equal(t->nRow, 1);
    csv_free(t);
}

/* Build a multi-megabyte input whose quoted multi-line fields straddle any
 * cut, with a column that turns from numbers to text near the end. */
static void build_big(Buf *b, size_t nRow, int badAt) {
    buf_puts(b, "id,x,cat,note,late\n");
    for (size_t i = 0; i < nRow; i++) {
        buf_printf(b, "%zu,%.6f,c%zu,", i, (double)(i % 977) / 7.0 - 50, i % 13);
        if (i % 5 == 0)
            buf_printf(b, "\"line one, %zu\nline \"\"two\"\"\n\",", i % 101);
        else
            buf_printf(b, "n%zu,", i % 37);
        if ((int)i == badAt)
            buf_puts(b, "1,extra\n");
        else if (i + 10 == nRow)
            buf_puts(b, "text\n");
        else if (i % 11 == 0)
            buf_puts(b, "NA\n");
        else
            buf_printf(b, "%zu.25\n", i % 1000);
    }
}

/* csv-9: the parallel parse equals the serial one (types, values, level
 * order), and an error deep in the file reports the right line */
static void test_csv_parallel(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    build_big(&b, 160000, -1);
    assert_true(b.n > 4 << 20); /* past CSV_RELEASE_STEP: pages are released */
    CsvOptions o1 = {.nThread = 1}, o4 = {.nThread = 4};
    CsvTable *t1 = NULL, *t4 = NULL;
    EngineError e;
    assert_int_equal(csv_parse(b.z, b.n, &o1, &t1, &e), 0);
    assert_int_equal(csv_parse(b.z, b.n, &o4, &t4, &e), 0);
    assert_int_equal(t1->nRow, 160000);
    assert_int_equal(t4->nRow, 160000);
    for (size_t k = 0; k < t1->nCol; k++) {
        CsvColumn *c1 = &t1->aCol[k], *c4 = &t4->aCol[k];
        assert_int_equal(c1->type, c4->type);
        assert_int_equal(c1->nMissing, c4->nMissing);
        if (c1->type == CSV_NUMERIC) {
            assert_memory_equal(c1->aNum, c4->aNum, t1->nRow * sizeof(double));
        } else {
            assert_int_equal(c1->nLevel, c4->nLevel);
            for (size_t l = 0; l < c1->nLevel; l++)
                assert_string_equal(c1->azLevel[l], c4->azLevel[l]);
            assert_memory_equal(c1->aCode, c4->aCode, t1->nRow * sizeof(uint32_t));
        }
    }
    assert_int_equal(t1->aCol[4].type, CSV_CATEGORICAL);
    assert_string_equal(t1->aCol[3].azLevel[0], "line one, 0\nline \"two\"\n");
    assert_int_equal(t1->aCol[4].nMissing, 160000 / 11 + 1);
    /* the same from a file mapping whose parsed pages are released */
    char zPath[] = "/tmp/keel_test_csv_XXXXXX";
    int fd = mkstemp(zPath);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.z, b.n), (ssize_t)b.n);
    void *pMap = mmap(NULL, b.n, PROT_READ, MAP_PRIVATE, fd, 0);
    assert_true(pMap != MAP_FAILED);
    CsvTable *tm = NULL;
    assert_int_equal(csv_parse_mapped(pMap, b.n, &o4, &tm, &e), 0);
    assert_int_equal(tm->nRow, t1->nRow);
    assert_memory_equal(tm->aCol[1].aNum, t1->aCol[1].aNum, t1->nRow * sizeof(double));
    assert_memory_equal(tm->aCol[3].aCode, t1->aCol[3].aCode, t1->nRow * sizeof(uint32_t));
    assert_memory_equal(pMap, b.z, b.n); /* released pages read back intact */
    csv_free(tm);
    munmap(pMap, b.n);
    close(fd);
    unlink(zPath);
    csv_free(t1);
    csv_free(t4);
    buf_reset(&b);
    /* a ragged row at data row 100000: line = 1 + rows before it (each
     * fifth row spans 3 lines) + 1 */
    build_big(&b, 120000, 100000);
    size_t iLine = 1 + 100000 + (100000 / 5) * 2 + 1;
    parse_err(b.z, b.n, &o4, iLine, 6);
    parse_err(b.z, b.n, &o1, iLine, 6);
    buf_reset(&b);
}

/* What scan_collect gathers: per region, every column's values in row
 * order (numbers, or the region's codes). */
#define SCAN_ROWS 160000
typedef struct ScanGot {
    size_t nRegionRow[CSV_SCAN_MAX_REGION]; /* rows of each region */
    double *aaNum[4][5];                    /* [region][column] */
    uint32_t *aaCode[4][5];
    int nStart;   /* calls that started a pass */
    int stopWith; /* return this on a block past row 0 (0: never) */
} ScanGot;

/* csv_scan callback for the tests: copy the block into g. */
static int scan_collect(void *pCtx, const CsvScanBlock *b) {
    ScanGot *g = pCtx;
    assert_true(b->iRegion < 4);
    assert_int_equal(b->nCol, 5);
    if (b->nRow == 0) {
        g->nRegionRow[b->iRegion] = 0;
        g->nStart++;
        return 0;
    }
    if (g->stopWith && b->iRow0 > 0) return g->stopWith;
    assert_int_equal(b->iRow0, g->nRegionRow[b->iRegion]);
    for (size_t k = 0; k < 5; k++) {
        if (b->aaNum[k])
            memcpy(g->aaNum[b->iRegion][k] + b->iRow0, b->aaNum[k], b->nRow * sizeof(double));
        else
            memcpy(g->aaCode[b->iRegion][k] + b->iRow0, b->aaCode[k], b->nRow * sizeof(uint32_t));
    }
    g->nRegionRow[b->iRegion] += b->nRow;
    return 0;
}

/* csv-10: csv_scan hands every row once, block by block, with the types,
 * levels and (mapped) codes csv_parse gives, also when a region is parsed
 * again because its cut fell inside a quoted field; text in a column not
 * forced categorical is an error naming the line and field; a callback's
 * nonzero answer stops the scan and is returned */
static void test_csv_scan(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    build_big(&b, SCAN_ROWS, -1);
    static const CsvTypeOverride aOv[] = {
        {"cat", CSV_CATEGORICAL}, {"note", CSV_CATEGORICAL}, {"late", CSV_CATEGORICAL}};
    CsvOptions o1 = {.nThread = 1, .aOverride = aOv, .nOverride = 3};
    CsvOptions o4 = {.nThread = 4, .aOverride = aOv, .nOverride = 3};
    CsvTable *t1 = NULL, *ts = NULL;
    EngineError e;
    assert_int_equal(csv_parse(b.z, b.n, &o1, &t1, &e), 0);
    ScanGot *g = calloc(1, sizeof *g);
    assert_non_null(g);
    for (size_t j = 0; j < 4; j++)
        for (size_t k = 0; k < 5; k++) {
            g->aaNum[j][k] = calloc(SCAN_ROWS, sizeof(double));
            g->aaCode[j][k] = calloc(SCAN_ROWS, sizeof(uint32_t));
            assert_true(g->aaNum[j][k] && g->aaCode[j][k]);
        }
    /* leading blank lines move the cuts: regions start in and out of quotes */
    int nReparse = 0;
    for (size_t cut = 0; cut < 3; cut++) {
        memset(g->nRegionRow, 0, sizeof g->nRegionRow);
        g->nStart = 0;
        Buf bb;
        buf_init(&bb, 0);
        size_t iHead = (size_t)(strchr(b.z, '\n') - b.z) + 1;
        buf_append(&bb, b.z, iHead);
        for (size_t i = 0; i < cut * 5; i++)
            buf_puts(&bb, "\n");
        buf_append(&bb, b.z + iHead, b.n - iHead);
        assert_int_equal(csv_scan(bb.z, bb.n, &o4, scan_collect, g, &ts, &e), 0);
        buf_reset(&bb);
        assert_int_equal(ts->nRow, t1->nRow);
        assert_true(g->nStart >= 4);
        nReparse += g->nStart - 4;
        for (size_t k = 0; k < 5; k++) {
            const CsvColumn *c1 = &t1->aCol[k], *cs = &ts->aCol[k];
            assert_string_equal(c1->zName, cs->zName);
            assert_int_equal(c1->type, cs->type);
            assert_int_equal(c1->nMissing, cs->nMissing);
            assert_null(cs->aNum);
            assert_null(cs->aCode);
            if (c1->type == CSV_CATEGORICAL) {
                assert_int_equal(c1->nLevel, cs->nLevel);
                for (size_t l = 0; l < c1->nLevel; l++)
                    assert_string_equal(c1->azLevel[l], cs->azLevel[l]);
            } else {
                assert_null(csv_scan_map(ts, 0, k));
            }
            size_t r = 0;
            for (size_t j = 0; j < 4; j++) {
                const uint32_t *map = csv_scan_map(ts, j, k);
                for (size_t i = 0; i < g->nRegionRow[j]; i++, r++) {
                    if (c1->type == CSV_NUMERIC) {
                        assert_memory_equal(&c1->aNum[r], &g->aaNum[j][k][i], sizeof(double));
                    } else {
                        uint32_t code = g->aaCode[j][k][i];
                        assert_int_equal(c1->aCode[r],
                                         code == CSV_MISSING_CODE ? CSV_MISSING_CODE : map[code]);
                    }
                }
            }
            assert_int_equal(r, SCAN_ROWS);
        }
        csv_free(ts);
        ts = NULL;
    }
    assert_true(nReparse > 0); /* some region was parsed again */
    /* the callback stops the scan */
    g->stopWith = 42;
    ts = (CsvTable *)1;
    assert_int_equal(csv_scan(b.z, b.n, &o4, scan_collect, g, &ts, &e), 42);
    assert_null(ts);
    g->stopWith = 0;
    /* "late" not forced categorical: its text is an error */
    CsvOptions oNum = {.nThread = 4, .aOverride = aOv, .nOverride = 2};
    ts = (CsvTable *)1;
    assert_int_equal(csv_scan(b.z, b.n, &oNum, scan_collect, g, &ts, &e), KEEL_EINVAL);
    assert_null(ts);
    size_t iBad = SCAN_ROWS - 10;
    /* the row's own note (iBad % 5 == 0) spans two more lines */
    assert_int_equal(e.iLine, 1 + iBad + (iBad / 5) * 2 + 1 + 2);
    assert_int_equal(e.iCol, 5);
    for (size_t j = 0; j < 4; j++)
        for (size_t k = 0; k < 5; k++) {
            free(g->aaNum[j][k]);
            free(g->aaCode[j][k]);
        }
    free(g);
    csv_free(t1);
    buf_reset(&b);
}

/* Short decimals (up to eight bytes with the point, signed or not; the
 * fast loop reads them four at a time where the machine can) are the
 * doubles strtod gives, bit for bit: 150,000 random ones with the point
 * everywhere, and the edges (zeros, nines, powers of ten). */
static void test_csv_short_decimals(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    buf_puts(&b, "a,b\n");
    enum { N = 150000 };
    char(*az)[16] = malloc((size_t)N * 16);
    assert_non_null(az);
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char dig[9];
        int nd = 1 + (int)(x % 8), dot = (int)(x >> 8) % (nd + 1), neg = (x >> 16) % 5 == 0;
        uint64_t m = (x >> 20) % 100000000u;
        if (i < 64) m = i % 4 == 0 ? 0 : i % 4 == 1 ? 99999999 : i % 4 == 2 ? 10000000 : 1;
        snprintf(dig, sizeof dig, "%08llu", (unsigned long long)m);
        char *p = az[i];
        if (neg) *p++ = '-';
        for (int k = 0; k < nd; k++) {
            if (k == dot && k && nd < 8) *p++ = '.';
            *p++ = dig[8 - nd + k];
        }
        *p = 0;
        buf_printf(&b, "%s,%s\n", az[i], i % 7 ? "1" : "0.5");
    }
    assert_int_equal(buf_err(&b), 0);
    for (int noSimd = 0; noSimd < 2; noSimd++) {
        CsvOptions opt = {0};
        opt.noSimd = noSimd;
        CsvTable *t = NULL;
        EngineError e;
        assert_int_equal(csv_parse(b.z, b.n, &opt, &t, &e), 0);
        assert_int_equal(t->aCol[0].type, CSV_NUMERIC);
        for (int i = 0; i < N; i++) {
            double want = strtod(az[i], NULL), got = t->aCol[0].aNum[i];
            if (memcmp(&want, &got, sizeof want))
                fprintf(stderr, "%s: want %.17g got %.17g\n", az[i], want, got);
            assert_memory_equal(&want, &got, sizeof want);
        }
        csv_free(t);
    }
    free(az);
    buf_reset(&b);
}

/* One random cell for test_csv_fast_same: mostly short numbers and a few
 * category values, sometimes anything the fast loop must hand over to the
 * general one (missing markers, long or signed or exponent numbers, new
 * or long categories, quotes, spaces, a lone CR, a bad UTF-8 byte). */
static void fast_cell(Buf *b, unsigned *pSeed, int col, int odd, int bad, int quote) {
    static const char *const azCat[] = {"control", "treat_a", "treat_b", "F",
                                        "M",       "north",   "é-sud",   "a-value-longer-than-8"};
    unsigned r = (unsigned)rand_r(pSeed);
    if (odd && r % 97 == 0) {
        static const char *const azOdd[] = {
            "",     "NA",  "NaN",         "null",     "\"q,1\"",    "1e5",  " 7 ",
            "+3",   "-0",  "12345678901", "0.1.",     "\"a\"\"b\"", ".",    "-",
            "nan",  "-nan", "#N/A",        "None",     "1.#IND",     "<NA>", "NULL",
            "\"\"", "\"x", "y\"",         "\"z\"w\"", " \"q\"",     "x\ry", "x\xff"};
        /* the last six are errors: half quoted (an open quote runs on to
         * the next one), text around quotes, a CR without a LF, bad UTF-8 */
        size_t nOdd = sizeof azOdd / sizeof azOdd[0] - (bad ? 0 : 6);
        buf_puts(b, azOdd[r / 97 % nOdd]);
        return;
    }
    /* with quote, half the plain cells are quoted as a whole (as R's
     * write.csv and many exports do) */
    int q = quote && (r >> 20) % 2;
    if (q) buf_putc(b, '"');
    if (col == 0) {
        buf_puts(b, azCat[r % (odd ? 8 : 3)]);
        if (odd && r % 501 == 0) buf_printf(b, "%u", r % 1000); /* a late new level */
    } else if (col == 1) {
        buf_printf(b, "%u", r % 2);
    } else {
        int nd = 1 + (int)(r % 7), dot = (int)(r / 7 % (unsigned)(nd + 1));
        if (r / 100 % 11 == 0) buf_putc(b, '-');
        for (int k = 0; k < nd; k++) {
            if (k == dot && k) buf_putc(b, '.');
            buf_putc(b, (char)('0' + rand_r(pSeed) % 10));
        }
    }
    if (q) buf_putc(b, '"');
}

/* The reader's fast record loop gives exactly what the general loop gives
 * (tables cell for cell, levels in order, or the same error at the same
 * place), on random documents with and without odd cells, CRLF line ends,
 * quoted cells, blank and ragged lines, in one thread and two, typed and
 * forced. */
static void test_csv_fast_same(void **state) {
    (void)state;
    unsigned seed = 20261128;
    int nSame = 0;
    for (int iDoc = 0; iDoc < 36; iDoc++) {
        Buf b;
        buf_init(&b, 0);
        int odd = iDoc % 3 != 0, bad = iDoc % 6 == 5, crlf = iDoc % 5 == 1, quote = iDoc % 4 >= 2;
        int nRow = 2000 + rand_r(&seed) % 12000;
        buf_puts(&b, "arm,flag,x,y\n");
        for (int r = 0; r < nRow; r++) {
            int nCol = 4;
            unsigned u = (unsigned)rand_r(&seed);
            if (bad && u % 20011 == 0) nCol = 3; /* ragged */
            if (odd && u % 5003 == 0) nCol = 0;  /* blank */
            for (int c = 0; c < nCol; c++) {
                if (c) buf_putc(&b, ',');
                fast_cell(&b, &seed, c, odd, bad, quote);
            }
            buf_puts(&b, crlf ? "\r\n" : "\n");
        }
        assert_int_equal(buf_err(&b), 0);
        CsvTypeOverride ov = {"x", CSV_NUMERIC};
        for (int iOpt = 0; iOpt < 4; iOpt++) {
            CsvOptions opt = {0}, optSlow;
            opt.nThread = 1 + iOpt % 2;
            if (iOpt >= 2) {
                opt.aOverride = &ov;
                opt.nOverride = 1;
            }
            opt.noSimd = iOpt == 3; /* the fast loop one number at a time */
            optSlow = opt;
            optSlow.noFast = 1;
            CsvTable *t = NULL, *tSlow = NULL;
            EngineError e, eSlow;
            int rc = csv_parse(b.z, b.n, &opt, &t, &e);
            int rcSlow = csv_parse(b.z, b.n, &optSlow, &tSlow, &eSlow);
            if (rc != rcSlow || (rc && strcmp(e.zMsg, eSlow.zMsg)))
                fprintf(stderr, "doc %d opt %d: fast %d %s / general %d %s\n", iDoc, iOpt, rc,
                        rc ? e.zMsg : "", rcSlow, rcSlow ? eSlow.zMsg : "");
            assert_int_equal(rc, rcSlow);
            if (rc) {
                assert_string_equal(e.zMsg, eSlow.zMsg);
            } else {
                assert_true(csv_tables_same(t, tSlow));
                nSame++;
            }
            csv_free(t);
            csv_free(tSlow);
        }
        buf_reset(&b);
    }
    assert_true(nSame >= 70); /* most documents parse: the tables are compared */
    /* each tricky cell alone, in each column, in the middle of plain rows */
    static const char *const azOne[] = {"\"x",     "y\"",   "\"z\"w\"",   " \"q\"", "\"\"",
                                        "\"1,5\"", "\"7\"", "\"a\"\"b\"", "x\ry",   "\"\"\"\""};
    for (size_t iCell = 0; iCell < sizeof azOne / sizeof azOne[0]; iCell++)
        for (int col = 0; col < 4; col++) {
            Buf b;
            buf_init(&b, 0);
            buf_puts(&b, "arm,flag,x,y\n");
            for (int r = 0; r < 3000; r++) {
                for (int c = 0; c < 4; c++) {
                    if (c) buf_putc(&b, ',');
                    if (r == 1500 && c == col)
                        buf_puts(&b, azOne[iCell]);
                    else
                        fast_cell(&b, &seed, c, 0, 0, r % 3 == 0);
                }
                buf_putc(&b, '\n');
            }
            CsvOptions opt = {0}, optSlow = {0};
            optSlow.noFast = 1;
            CsvTable *t = NULL, *tSlow = NULL;
            EngineError e, eSlow;
            int rc = csv_parse(b.z, b.n, &opt, &t, &e);
            int rcSlow = csv_parse(b.z, b.n, &optSlow, &tSlow, &eSlow);
            if (rc != rcSlow || (rc && strcmp(e.zMsg, eSlow.zMsg)) ||
                (!rc && !csv_tables_same(t, tSlow)))
                fprintf(stderr, "cell %s in column %d: fast %d %s / general %d %s\n", azOne[iCell],
                        col, rc, rc ? e.zMsg : "", rcSlow, rcSlow ? eSlow.zMsg : "");
            assert_int_equal(rc, rcSlow);
            if (rc)
                assert_string_equal(e.zMsg, eSlow.zMsg);
            else
                assert_true(csv_tables_same(t, tSlow));
            csv_free(t);
            csv_free(tSlow);
            buf_reset(&b);
        }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_basic),         cmocka_unit_test(test_csv_missing),
        cmocka_unit_test(test_csv_missing_spellings),
        cmocka_unit_test(test_csv_quotes),        cmocka_unit_test(test_csv_bom_ends),
        cmocka_unit_test(test_csv_numbers_exact), cmocka_unit_test(test_csv_override),
        cmocka_unit_test(test_csv_only),          cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_parallel),      cmocka_unit_test(test_csv_scan),
        cmocka_unit_test(test_csv_fast_same),     cmocka_unit_test(test_csv_short_decimals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
