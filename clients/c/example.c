/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel-switch-watch: the switch client at work (clients/c/keel_switch.h).
 *
 *   keel-switch-watch --url URL --system NAME --token-file FILE
 *                     [--timeout-ms 200] [--default human_review]
 *                     [--max-stale-ms 60000] [--every-ms N [--polls K]]
 *
 * With --every-ms it polls every N ms (K times, or for ever) and prints a
 * line whenever the state or its source changes; without, it polls once per
 * line read from standard input and prints every result (how the tests
 * drive it). A line:
 *   source=fresh state=percent percent=20 fallback=rules version=7 connects=1 ms=0.4 error=
 */
#include "keel_switch.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const azSource[] = {"fresh", "unchanged", "stale", "default"};

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int usage(void) {
    fprintf(stderr, "usage: keel-switch-watch --url URL --system NAME --token-file FILE "
                    "[--timeout-ms MS] [--default FALLBACK] [--max-stale-ms MS] "
                    "[--every-ms MS [--polls N]]\n");
    return 2;
}

int main(int argc, char **argv) {
    keel_switch_config c = {
        .timeout_ms = 200, .default_fallback = "human_review", .max_stale_ms = 60000};
    const char *zTokenFile = NULL;
    long everyMs = 0, polls = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return usage();
        if (strcmp(a, "--url") == 0)
            c.url = v;
        else if (strcmp(a, "--system") == 0)
            c.system = v;
        else if (strcmp(a, "--token-file") == 0)
            zTokenFile = v;
        else if (strcmp(a, "--timeout-ms") == 0)
            c.timeout_ms = atol(v);
        else if (strcmp(a, "--default") == 0)
            c.default_fallback = v;
        else if (strcmp(a, "--max-stale-ms") == 0)
            c.max_stale_ms = atol(v);
        else if (strcmp(a, "--every-ms") == 0)
            everyMs = atol(v);
        else if (strcmp(a, "--polls") == 0)
            polls = atol(v);
        else
            return usage();
        i++;
    }
    char zToken[256] = "";
    FILE *f = zTokenFile ? fopen(zTokenFile, "r") : NULL;
    if (!f || !fgets(zToken, sizeof zToken, f)) {
        fprintf(stderr, "keel-switch-watch: cannot read the token from %s\n",
                zTokenFile ? zTokenFile : "(no --token-file)");
        if (f) fclose(f);
        return 2;
    }
    fclose(f);
    zToken[strcspn(zToken, "\r\n")] = 0;
    c.token = zToken;
    keel_switch *ks = keel_switch_new(&c);
    if (!ks) {
        fprintf(stderr, "keel-switch-watch: --url, --system and a timeout above 0 are needed\n");
        return 2;
    }
    keel_switch_state s, prev = {.source = -1};
    char zLine[64];
    for (long n = 0; polls < 0 || n < polls; n++) {
        if (everyMs <= 0 && !fgets(zLine, sizeof zLine, stdin)) break;
        double t0 = now_ms();
        keel_switch_poll(ks, &s);
        double ms = now_ms() - t0;
        int bChanged = s.source != prev.source || s.version != prev.version ||
                       strcmp(s.state, prev.state) || s.percent != prev.percent;
        if (everyMs <= 0 || bChanged) {
            printf("source=%s state=%s percent=%d fallback=%s version=%lld connects=%ld ms=%.1f "
                   "error=%s\n",
                   azSource[s.source], s.state, s.percent, s.fallback, s.version,
                   keel_switch_connects(ks), ms, s.error);
            fflush(stdout);
        }
        prev = s;
        if (everyMs > 0) {
            struct timespec ts = {everyMs / 1000, (everyMs % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    keel_switch_free(ks);
    return 0;
}
