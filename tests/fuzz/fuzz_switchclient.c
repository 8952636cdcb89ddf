/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for the C switch client's answer parser (keel_switch_parse,
 * clients/c/): any bytes a server, or something pretending to be keel,
 * sends back to a serving system. A parsed state is always one keel could
 * send: a known state, a percent 0-100, a fallback, an etag in quotes. */
#include "keel_switch.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    keel_switch_state s;
    char zEtag[80];
    if (keel_switch_parse((const char *)data, size, &s, zEtag, sizeof zEtag) == 0) {
        int bState = !strcmp(s.state, "on") || !strcmp(s.state, "off") ||
                     !strcmp(s.state, "shadow") || !strcmp(s.state, "percent");
        if (!bState || s.percent < 0 || s.percent > 100 || !s.fallback[0] || s.version < 0 ||
            zEtag[0] != '"' || zEtag[strlen(zEtag) - 1] != '"' || strlen(zEtag) < 3)
            abort();
    }
    return 0;
}
