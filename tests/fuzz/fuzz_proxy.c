/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness for the trusted-proxy list and X-Forwarded-For (http/proxy.c).
 * Input: "PROXIES\nPEER\nX-FORWARDED-FOR". The client address found is
 * always a trusted peer's claim or the peer itself, and always an address. */
#include "http/proxy.h"
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *z = malloc(size + 1);
    if (!z) return 0;
    memcpy(z, data, size);
    z[size] = 0;
    char *zPeer = strchr(z, '\n');
    char *zXff = NULL;
    if (zPeer) {
        *zPeer++ = 0;
        zXff = strchr(zPeer, '\n');
        if (zXff) *zXff++ = 0;
    }
    ProxyList p;
    char zErr[128], zOut[64];
    if (proxy_list_parse(z, &p, zErr, sizeof zErr) == 0 && zPeer) {
        proxy_client_addr(&p, zPeer, zXff, zOut, sizeof zOut);
        unsigned char a[16];
        if (strcmp(zOut, zPeer) != 0 && inet_pton(AF_INET, zOut, a) != 1 &&
            inet_pton(AF_INET6, zOut, a) != 1)
            abort(); /* a forwarded claim that is not an address */
        if (strcmp(zOut, zPeer) != 0 && !proxy_trusted(&p, zPeer)) abort();
    }
    free(z);
    return 0;
}
