/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel's switch client; see keel_switch.h. libcurl only: one easy handle
 * per client keeps its connection alive between polls. */
#include "keel_switch.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BODY_MAX 4096 /* keel's answer is about 100 bytes */

struct keel_switch {
    CURL *curl;
    char *zUrl, *zAuth, *zDefault;
    long timeoutMs, maxStaleMs;
    char zEtag[80];         /* quoted, for If-None-Match; "" until keel answered */
    keel_switch_state last; /* the last state keel answered */
    int bHave;              /* last is set */
    double lastOkMs;        /* when keel last answered (monotonic) */
    char aBody[BODY_MAX + 1];
    size_t nBody;
    int bOverflow;
    long nConnects; /* connections opened so far (keep-alive: 1 while keel is up) */
};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- the answer's JSON: one flat object of strings and integers ---- */

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* A JSON string at p into z (at most n-1 bytes, no escapes other than \"
 * and \\ kept: keel's names and etags have none); the end, or NULL. */
static const char *parse_str(const char *p, const char *end, char *z, size_t n) {
    if (p >= end || *p != '"') return NULL;
    size_t k = 0;
    for (p++; p < end; p++) {
        char c = *p;
        if (c == '"') {
            if (z) z[k] = 0;
            return p + 1;
        }
        if ((unsigned char)c < 0x20) return NULL;
        if (c == '\\') {
            if (++p >= end) return NULL;
            c = *p;
            if (c == 'u') { /* \uXXXX: skipped, kept out of the value */
                if (end - p < 5) return NULL;
                p += 4;
                continue;
            }
            if (!strchr("\"\\/bfnrt", c)) return NULL;
        }
        if (z && k + 1 < n)
            z[k++] = c;
        else if (z)
            return NULL; /* longer than any value keel sends */
    }
    return NULL;
}

/* A JSON integer at p; the end, or NULL. */
static const char *parse_int(const char *p, const char *end, long long *pv) {
    int neg = 0, digits = 0;
    long long v = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    while (p < end && *p >= '0' && *p <= '9') {
        if (v > 99999999999999LL) return NULL;
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits || (p < end && (*p == '.' || *p == 'e' || *p == 'E'))) return NULL;
    *pv = neg ? -v : v;
    return p;
}

int keel_switch_parse(const char *z, size_t n, keel_switch_state *out, char *zEtag, size_t nEtag) {
    const char *p = z, *end = z + n;
    keel_switch_state s;
    memset(&s, 0, sizeof s);
    char etag[64] = "";
    long long pct = -1, ver = -1;
    p = skip_ws(p, end);
    if (p >= end || *p++ != '{') return -1;
    p = skip_ws(p, end);
    if (p < end && *p == '}') return -1;
    for (;;) {
        char key[32];
        p = parse_str(skip_ws(p, end), end, key, sizeof key);
        if (!p) return -1;
        p = skip_ws(p, end);
        if (p >= end || *p++ != ':') return -1;
        p = skip_ws(p, end);
        if (p >= end) return -1;
        if (strcmp(key, "state") == 0)
            p = parse_str(p, end, s.state, sizeof s.state);
        else if (strcmp(key, "fallback") == 0)
            p = parse_str(p, end, s.fallback, sizeof s.fallback);
        else if (strcmp(key, "etag") == 0)
            p = parse_str(p, end, etag, sizeof etag);
        else if (strcmp(key, "percent") == 0)
            p = parse_int(p, end, &pct);
        else if (strcmp(key, "version") == 0)
            p = parse_int(p, end, &ver);
        else if (*p == '"')
            p = parse_str(p, end, NULL, 0); /* system, or a later field */
        else {
            long long ignored;
            p = parse_int(p, end, &ignored);
        }
        if (!p) return -1;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}') break;
        return -1;
    }
    if (skip_ws(p + 1, end) != end) return -1;
    int bState = strcmp(s.state, "on") == 0 || strcmp(s.state, "off") == 0 ||
                 strcmp(s.state, "shadow") == 0 || strcmp(s.state, "percent") == 0;
    if (!bState || !s.fallback[0] || !etag[0] || pct < 0 || pct > 100 || ver < 0) return -1;
    s.percent = (int)pct;
    s.version = ver;
    s.source = KEEL_SWITCH_FRESH;
    *out = s;
    if (zEtag && (size_t)snprintf(zEtag, nEtag, "\"%s\"", etag) >= nEtag) return -1;
    return 0;
}

/* ---- the client ---- */

static size_t on_body(char *p, size_t sz, size_t n, void *pv) {
    keel_switch *ks = pv;
    size_t k = sz * n;
    if (ks->nBody + k > BODY_MAX) {
        ks->bOverflow = 1;
        return k; /* read on (the connection stays usable); the answer is refused */
    }
    memcpy(ks->aBody + ks->nBody, p, k);
    ks->nBody += k;
    return k;
}

static char *dup_printf(const char *zFmt, const char *a, const char *b) {
    size_t n = strlen(zFmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *z = malloc(n);
    if (z) snprintf(z, n, zFmt, a, b ? b : "");
    return z;
}

keel_switch *keel_switch_new(const keel_switch_config *c) {
    static int bInit;
    if (!c || !c->url || !c->system || !c->token || !c->default_fallback || c->timeout_ms <= 0 ||
        c->max_stale_ms < 0)
        return NULL;
    if (!bInit) { /* once per process; curl_global_init is not thread-safe before 7.84 */
        curl_global_init(CURL_GLOBAL_DEFAULT);
        bInit = 1;
    }
    keel_switch *ks = calloc(1, sizeof *ks);
    if (!ks) return NULL;
    char *zSys = NULL;
    ks->curl = curl_easy_init();
    if (ks->curl) zSys = curl_easy_escape(ks->curl, c->system, 0);
    size_t nUrl = strlen(c->url);
    int bSlash = nUrl && c->url[nUrl - 1] == '/';
    if (zSys)
        ks->zUrl = dup_printf(bSlash ? "%sapi/v1/switch/%s" : "%s/api/v1/switch/%s", c->url, zSys);
    curl_free(zSys);
    ks->zAuth = dup_printf("Authorization: Bearer %s%s", c->token, NULL);
    ks->zDefault = dup_printf("%s%s", c->default_fallback, NULL);
    if (!ks->curl || !ks->zUrl || !ks->zAuth || !ks->zDefault) {
        keel_switch_free(ks);
        return NULL;
    }
    ks->timeoutMs = c->timeout_ms;
    ks->maxStaleMs = c->max_stale_ms;
    CURL *h = ks->curl;
    curl_easy_setopt(h, CURLOPT_URL, ks->zUrl);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ks->timeoutMs);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ks->timeoutMs);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, ks);
    return ks;
}

void keel_switch_free(keel_switch *ks) {
    if (!ks) return;
    if (ks->curl) curl_easy_cleanup(ks->curl);
    free(ks->zUrl);
    free(ks->zAuth);
    free(ks->zDefault);
    free(ks);
}

/* keel did not answer (why: zWhy): the last state within max_stale_ms, else
 * off with the default fallback. */
static int fall_back(keel_switch *ks, keel_switch_state *out, const char *zWhy) {
    if (ks->bHave && ks->maxStaleMs > 0 && now_ms() - ks->lastOkMs <= (double)ks->maxStaleMs) {
        *out = ks->last;
        out->source = KEEL_SWITCH_STALE;
    } else {
        memset(out, 0, sizeof *out);
        snprintf(out->state, sizeof out->state, "off");
        snprintf(out->fallback, sizeof out->fallback, "%s", ks->zDefault);
        out->source = KEEL_SWITCH_DEFAULT;
    }
    snprintf(out->error, sizeof out->error, "%s", zWhy);
    return out->source;
}

int keel_switch_poll(keel_switch *ks, keel_switch_state *out) {
    char zIf[sizeof ks->zEtag + 16], zWhy[160];
    struct curl_slist *hdr = curl_slist_append(NULL, ks->zAuth);
    if (hdr && ks->bHave) {
        snprintf(zIf, sizeof zIf, "If-None-Match: %s", ks->zEtag);
        struct curl_slist *h2 = curl_slist_append(hdr, zIf);
        if (h2) hdr = h2;
    }
    if (!hdr) return fall_back(ks, out, "out of memory");
    curl_easy_setopt(ks->curl, CURLOPT_HTTPHEADER, hdr);
    ks->nBody = 0;
    ks->bOverflow = 0;
    CURLcode rc = curl_easy_perform(ks->curl);
    long nNew = 0;
    if (curl_easy_getinfo(ks->curl, CURLINFO_NUM_CONNECTS, &nNew) == CURLE_OK)
        ks->nConnects += nNew;
    curl_slist_free_all(hdr);
    curl_easy_setopt(ks->curl, CURLOPT_HTTPHEADER, NULL);
    if (rc != CURLE_OK) {
        snprintf(zWhy, sizeof zWhy, "keel did not answer: %s", curl_easy_strerror(rc));
        return fall_back(ks, out, zWhy);
    }
    long status = 0;
    curl_easy_getinfo(ks->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status == 304 && ks->bHave) {
        ks->lastOkMs = now_ms();
        *out = ks->last;
        out->source = KEEL_SWITCH_UNCHANGED;
        return out->source;
    }
    if (status != 200) {
        snprintf(zWhy, sizeof zWhy, "keel answered HTTP %ld", status);
        return fall_back(ks, out, zWhy);
    }
    keel_switch_state s;
    char zEtag[sizeof ks->zEtag];
    if (ks->bOverflow || keel_switch_parse(ks->aBody, ks->nBody, &s, zEtag, sizeof zEtag))
        return fall_back(ks, out, "keel's answer is not a switch state");
    memcpy(ks->zEtag, zEtag, sizeof zEtag);
    ks->last = s;
    ks->bHave = 1;
    ks->lastOkMs = now_ms();
    *out = s;
    return out->source;
}

long keel_switch_connects(const keel_switch *ks) { return ks->nConnects; }

int keel_switch_use_model(const keel_switch_state *s, unsigned long request_hash) {
    if (strcmp(s->state, "on") == 0) return 1;
    if (strcmp(s->state, "percent") == 0) return (int)(request_hash % 100) < s->percent;
    return 0; /* off, shadow (the model runs beside, the fallback serves) */
}
