/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel's human-override switch, for serving systems written in C (issue
 * 18). A tiny client (this header, keel_switch.c, libcurl only) that polls
 * GET /api/v1/switch/{system} on one kept-alive connection with
 * If-None-Match, keeps the last state keel answered, and falls back on its
 * own when keel cannot answer: never blocking the caller longer than the
 * configured timeout.
 *
 *     keel_switch_config c = {.url = "http://keel.internal:8080", .system = "chatbot",
 *                             .token = "kt_...", .timeout_ms = 200,
 *                             .default_fallback = "human_review", .max_stale_ms = 60000};
 *     keel_switch *ks = keel_switch_new(&c);
 *     keel_switch_state s;
 *     keel_switch_poll(ks, &s);              // every request, or every 100 ms
 *     if (keel_switch_use_model(&s, request_hash)) ... else ... s.fallback ...
 *     keel_switch_free(ks);
 *
 * One keel_switch per thread (it is not locked). */
#ifndef KEEL_SWITCH_H
#define KEEL_SWITCH_H
#include <stddef.h>

typedef struct keel_switch_config {
    const char *url;              /* keel's base URL, e.g. http://keel.internal:8080 */
    const char *system;           /* the system's name, as in the register */
    const char *token;            /* a token of scope switch:read */
    long timeout_ms;              /* a poll never takes longer (connect + answer); > 0 */
    const char *default_fallback; /* served (state off) when keel cannot answer and the last
                                     state is too old or was never seen */
    long max_stale_ms;            /* how long the last state keel answered is served while keel
                                     cannot answer; 0: the default at once */
} keel_switch_config;

/* Where a state came from. */
enum {
    KEEL_SWITCH_FRESH = 0,     /* keel answered 200: a new (or first) state */
    KEEL_SWITCH_UNCHANGED = 1, /* keel answered 304: the cached state holds */
    KEEL_SWITCH_STALE = 2,  /* keel did not answer; the last state it gave, within max_stale_ms */
    KEEL_SWITCH_DEFAULT = 3 /* keel did not answer; off with the default fallback */
};

typedef struct keel_switch_state {
    char state[16];    /* on, off, shadow, percent */
    int percent;       /* share of traffic for the model (on: 100, off and shadow: 0) */
    char fallback[32]; /* rules, human_review, previous_version (or the default) */
    long long version; /* the switch's version (0: never flipped, or the default) */
    int source;        /* KEEL_SWITCH_FRESH ... KEEL_SWITCH_DEFAULT */
    char error[160];   /* why keel did not answer (STALE, DEFAULT), else "" */
} keel_switch_state;

/* A client for c (copied); NULL when c is incomplete or out of memory. */
typedef struct keel_switch keel_switch;
keel_switch *keel_switch_new(const keel_switch_config *c);
void keel_switch_free(keel_switch *ks);

/* Poll keel once and fill *out: always a usable state. Returns out->source. */
int keel_switch_poll(keel_switch *ks, keel_switch_state *out);

/* How many connections the client has opened (kept alive: one while keel
 * keeps answering). */
long keel_switch_connects(const keel_switch *ks);

/* Should this request go to the model? on: yes; off, shadow: no (shadow:
 * run the model too, but serve the fallback); percent: for `percent` % of
 * the request hashes (request_hash % 100 < percent). */
int keel_switch_use_model(const keel_switch_state *s, unsigned long request_hash);

/* Parse keel's answer body {"system","state","percent","fallback",
 * "version","etag"} (n bytes) into *out and its etag (quoted, as the ETag
 * header) into zEtag. 0, or -1 when it is not such an answer. Exposed for
 * the fuzz harness. */
int keel_switch_parse(const char *z, size_t n, keel_switch_state *out, char *zEtag, size_t nEtag);

#endif
