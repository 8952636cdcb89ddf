/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The meeting document; see minutes.h. */
#include "report/minutes.h"
#include "report/html.h"
#include "report/words.h"
#include "util/json.h"
#include <string.h>

typedef struct Word {
    const char *zKey, *zEn, *zZh;
} Word;

static const Word aWord[] = {
    {"agenda", "Agenda", "议程"},
    {"minutes", "Minutes", "会议纪要"},
    {"notes", "Notes", "记录"},
    {"date", "Date", "日期"},
    {"none", "None.", "无。"},
    {"since", "Decisions taken since %s", "自 %s 以来的决定"},
    {"upto", "Decisions taken up to %s", "截至 %s 的决定"},
    {"kind.proposal", "Proposal to decide", "待表决提案"},
    {"kind.gate", "Gate refusing a move", "关卡拒绝的阶段变更"},
    {"kind.review", "Ethics review", "伦理审查"},
    {"kind.finding", "Critical finding", "严重问题"},
    {"overdue", "overdue", "已逾期"},
    {"due", "due", "截止"},
    {"vote.for", "for", "赞成"},
    {"vote.against", "against", "反对"},
    {"vote.abstain", "abstain", "弃权"},
    {"count", "For %d, against %d, abstain %d", "赞成 %d，反对 %d，弃权 %d"},
    {"conflicted", "Conflicted out", "因利益冲突回避"},
    {"by", "by", "决定人"},
};

static const char *w(const char *zLang, const char *zKey) {
    int bZh = zLang && strcmp(zLang, "zh-CN") == 0;
    for (size_t i = 0; i < sizeof aWord / sizeof aWord[0]; i++)
        if (strcmp(aWord[i].zKey, zKey) == 0) return bZh ? aWord[i].zZh : aWord[i].zEn;
    return words_get(zLang, zKey); /* the board pack's: outcomes, executions */
}

static const char *wv(const char *zLang, const char *zGroup, const char *zValue) {
    char z[64];
    snprintf(z, sizeof z, "%s.%s", zGroup, zValue ? zValue : "");
    const char *r = w(zLang, z);
    return strcmp(r, z) == 0 ? (zValue ? zValue : "") : r;
}

static void text(Buf *b, const char *zTag, const char *z) {
    buf_printf(b, "<%s>", zTag);
    html_escape(b, z);
    buf_printf(b, "</%s>\n", zTag);
}

static void agenda(Buf *b, const json_t *ag, const char *zLang) {
    text(b, "h2", w(zLang, "agenda"));
    const json_t *items = json_object_get(ag, "items");
    if (json_array_size(items) == 0) {
        text(b, "p", w(zLang, "none"));
        return;
    }
    buf_puts(b, "<ol class=\"agenda\">\n");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        html_put(b, "<li><span class=\"kind\">%s</span>: <strong>%s</strong>",
                 wv(zLang, "kind", json_get_str(it, "kind")), json_get_str(it, "title"));
        if (json_get_str(it, "detail") && *json_get_str(it, "detail"))
            html_put(b, " — %s", json_get_str(it, "detail"));
        if (json_get_str(it, "due"))
            html_put(b, " (%s %s)",
                     w(zLang, json_is_true(json_object_get(it, "overdue")) ? "overdue" : "due"),
                     json_get_str(it, "due"));
        buf_puts(b, "</li>\n");
    }
    buf_puts(b, "</ol>\n");
}

static void decision(Buf *b, const json_t *d, const char *zLang) {
    const json_t *t = json_object_get(d, "tally");
    html_put(b, "<li class=\"decision\"><strong>%s</strong> — %s, %s", json_get_str(d, "reason"),
             wv(zLang, "outcome", json_get_str(d, "outcome")),
             wv(zLang, "execution", json_get_str(d, "execution")));
    if (json_get_str(d, "execution_message"))
        html_put(b, ": %s", json_get_str(d, "execution_message"));
    html_put(b, " <span class=\"muted\">%s, %s %s</span>", json_get_str(d, "created_at"),
             w(zLang, "by"), json_get_str(d, "actor"));
    if (json_object_get(t, "votes")) {
        char z[160];
        snprintf(z, sizeof z, w(zLang, "count"), (int)json_get_id(t, "for"),
                 (int)json_get_id(t, "against"), (int)json_get_id(t, "abstain"));
        text(b, "p", z);
        buf_puts(b, "<ul>\n");
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(t, "votes"), i, v) {
            html_put(b, "<li>%s: %s", json_get_str(v, "name"),
                     wv(zLang, "vote", json_get_str(v, "vote")));
            if (json_get_str(v, "comment")) html_put(b, " — %s", json_get_str(v, "comment"));
            buf_puts(b, "</li>\n");
        }
        json_array_foreach(json_object_get(t, "conflicts"), i, v) {
            html_put(b, "<li>%s: %s — %s</li>\n", json_get_str(v, "name"), w(zLang, "conflicted"),
                     json_get_str(v, "reason"));
        }
        buf_puts(b, "</ul>\n");
    }
    buf_puts(b, "</li>\n");
}

void report_minutes(const json_t *m, const char *zLang, Buf *b) {
    int bZh = zLang && strcmp(zLang, "zh-CN") == 0;
    buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
               bZh ? "zh-CN" : "en");
    html_escape(b, json_get_str(m, "title"));
    buf_puts(b, "</title>\n<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;"
                "max-width:48rem;margin:2rem auto;line-height:1.45;color:#1f2933}"
                ".muted{color:#616e7c}.kind{font-weight:600}li{margin:.3rem 0}</style>\n"
                "</head>\n<body>\n");
    text(b, "h1", json_get_str(m, "title"));
    char z[200];
    snprintf(z, sizeof z, "%s: %s", w(zLang, "date"), json_get_str(m, "held_on"));
    text(b, "p", z);
    agenda(b, json_object_get(m, "agenda"), zLang);
    text(b, "h2", w(zLang, "minutes"));
    const json_t *mi = json_object_get(m, "minutes");
    const char *zFrom = json_get_str(mi, "from");
    snprintf(z, sizeof z, w(zLang, zFrom ? "since" : "upto"),
             zFrom ? zFrom : json_get_str(mi, "to"));
    text(b, "p", z);
    const json_t *ds = json_object_get(mi, "decisions");
    if (json_array_size(ds) == 0) {
        text(b, "p", w(zLang, "none"));
    } else {
        buf_puts(b, "<ol>\n");
        size_t i;
        json_t *d;
        json_array_foreach(ds, i, d) decision(b, d, zLang);
        buf_puts(b, "</ol>\n");
    }
    if (json_get_str(m, "notes")) {
        text(b, "h2", w(zLang, "notes"));
        text(b, "p", json_get_str(m, "notes"));
    }
    buf_puts(b, "</body>\n</html>\n");
}
