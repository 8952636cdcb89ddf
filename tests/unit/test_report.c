/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/report: the drawing backends count the same marks
 * for the same chart (SVG and a cairo PDF surface), labels are cut at a
 * character boundary, HTML escaping, and the words exist in both
 * languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <string.h>
#include "report/chart.h"
#include "report/draw.h"
#include "report/html.h"
#include "report/words.h"
#include "util/buf.h"
#include "util/json.h"

static size_t count(const char *z, const char *zNeedle) {
    size_t n = 0;
    for (const char *p = z; (p = strstr(p, zNeedle)); p += strlen(zNeedle)) n++;
    return n;
}

static cairo_status_t sink(void *c, const unsigned char *d, unsigned int n) {
    (void)c, (void)d, (void)n;
    return CAIRO_STATUS_SUCCESS;
}

/* Marks drawn by chart in each backend: *pSvg from the SVG text's
 * class="mark" elements, *pCairo from the cairo backend's counter. */
static void marks(const char *zChart, size_t *pSvg, int *pCairo) {
    json_t *c = json_loads(zChart, 0, NULL);
    assert_non_null(c);
    Buf b;
    buf_init(&b, 0);
    Draw d;
    draw_svg_begin(&d, &b, "t", 300, 200, "sans");
    chart_draw(&d, c);
    draw_svg_end(&d);
    *pSvg = count(b.z, "class=\"mark\"");
    assert_int_equal((int)*pSvg, d.nMark);
    buf_reset(&b);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sink, NULL, 400, 300);
    cairo_t *cr = cairo_create(s);
    draw_cairo_begin(&d, cr, 10, 10, "Noto Sans CJK SC");
    chart_draw(&d, c);
    *pCairo = d.nMark;
    draw_cairo_end(&d);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    json_decref(c);
}

/* report-1: each kind draws one mark per datum, the same in both backends */
static void test_marks(void **state) {
    (void)state;
    static const struct {
        const char *zChart;
        int nMark;
    } a[] = {
        /* 1.1 five values, five points */
        {"{\"kind\":\"spark\",\"id\":\"k\",\"w\":84,\"h\":20,\"data\":{\"values\":[1,2,3,2,4],"
         "\"baseline\":0,\"target\":5}}",
         5},
        /* 1.2 no values, no points (and no crash) */
        {"{\"kind\":\"spark\",\"id\":\"k\",\"w\":84,\"h\":20,\"data\":{\"values\":[]}}", 0},
        /* 1.3 three points, one without a y score is left out */
        {"{\"kind\":\"scatter\",\"id\":\"m\",\"w\":300,\"h\":200,\"data\":{\"points\":[{\"x\":1,"
         "\"y\":2,\"label\":\"1\"},{\"x\":3,\"y\":4,\"label\":\"2\"},{\"x\":3,\"label\":\"3\"}],"
         "\"mid\":3}}",
         2},
        /* 1.4 roadmap: one ended before the horizon, one starts after it */
        {"{\"kind\":\"roadmap\",\"id\":\"r\",\"w\":400,\"h\":100,\"data\":{\"periods\":[\"a\","
         "\"b\",\"c\"],\"items\":[{\"label\":\"x\",\"start\":-2,\"duration\":4},{\"label\":\"y\","
         "\"start\":-3,\"duration\":2},{\"label\":\"z\",\"start\":3,\"duration\":1},{\"label\":"
         "\"w\",\"start\":1,\"duration\":1}]}}",
         2},
        /* 1.5 bars: planned and actual, a pool without capacity draws none */
        {"{\"kind\":\"bars\",\"id\":\"u\",\"w\":400,\"h\":100,\"data\":{\"items\":[{\"label\":"
         "\"a\",\"planned\":5,\"actual\":6,\"capacity\":10},{\"label\":\"b\",\"planned\":1,"
         "\"capacity\":0},{\"label\":\"c\",\"planned\":2,\"capacity\":4}],\"threshold\":0.4}}",
         3},
        /* 1.6 the heatmap has 25 cells */
        {"{\"kind\":\"heatmap\",\"id\":\"h\",\"w\":200,\"h\":200,\"data\":{\"counts\":[[0,1],[2]]}}",
         25},
    };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
        size_t nSvg;
        int nCairo;
        marks(a[i].zChart, &nSvg, &nCairo);
        if ((int)nSvg != a[i].nMark || nCairo != a[i].nMark)
            fail_msg("case 1.%zu: svg %zu, cairo %d, want %d", i + 1, nSvg, nCairo, a[i].nMark);
    }
}

/* report-2: labels are cut at a character boundary with an ellipsis */
static void test_fit_label(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    Draw d;
    draw_svg_begin(&d, &b, "t", 10, 10, "sans");
    char z[64];
    chart_fit_label(&d, "战略计分卡战略计分卡", 10, 35, z, sizeof z); /* 10 pt a character */
    assert_string_equal(z, "战略\xE2\x80\xA6");
    assert_true(utf8_valid(z, strlen(z)));
    chart_fit_label(&d, "short", 10, 100, z, sizeof z);
    assert_string_equal(z, "short");
    draw_svg_end(&d);
    buf_reset(&b);
}

/* report-3: HTML escaping */
static void test_escape(void **state) {
    (void)state;
    Buf b;
    buf_init(&b, 0);
    html_escape(&b, "<a href=\"x\">'&'</a>");
    html_escape(&b, NULL);
    assert_string_equal(b.z, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    buf_reset(&b);
}

/* report-4: words in both languages; unknown keys come back as they are */
static void test_words(void **state) {
    (void)state;
    assert_true(words_lang_known("en") && words_lang_known("zh-CN"));
    assert_false(words_lang_known("fr") || words_lang_known(NULL) || words_lang_known("zh"));
    assert_string_equal(words_get("en", "sec.risk"), "Risk");
    assert_string_equal(words_get("zh-CN", "sec.risk"), "风险");
    assert_string_equal(words_get("zh-CN", "no.such.key"), "no.such.key");
    assert_string_equal(words_of("zh-CN", "stage", "pilot"), "试点");
    assert_string_equal(words_of("en", "stage", "unheard"), "unheard");
    assert_string_equal(words_of("en", "stage", NULL), "-");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_fit_label),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
