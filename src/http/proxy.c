/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trusted proxies and X-Forwarded-For; see proxy.h. */
#include "http/proxy.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One address (no mask) into family and bytes; 0 or -1. */
static int addr_parse(const char *z, size_t n, int *pFamily, unsigned char *a) {
    char zBuf[64];
    while (n > 0 && (*z == ' ' || *z == '\t'))
        z++, n--;
    while (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= sizeof zBuf) return -1;
    memcpy(zBuf, z, n);
    zBuf[n] = 0;
    if (inet_pton(AF_INET, zBuf, a) == 1) {
        *pFamily = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, zBuf, a) == 1) {
        *pFamily = AF_INET6;
        return 0;
    }
    return -1;
}

int proxy_list_parse(const char *z, ProxyList *p, char *zErr, size_t nErr) {
    memset(p, 0, sizeof *p);
    if (!z) return 0;
    while (*z) {
        const char *e = strchr(z, ',');
        size_t n = e ? (size_t)(e - z) : strlen(z);
        const char *slash = memchr(z, '/', n);
        ProxyNet net;
        memset(&net, 0, sizeof net);
        int bad = p->n >= PROXY_MAX ||
                  addr_parse(z, slash ? (size_t)(slash - z) : n, &net.family, net.a) != 0;
        int maxBits = net.family == AF_INET ? 32 : 128;
        net.bits = maxBits;
        if (!bad && slash) {
            char *end;
            long b = strtol(slash + 1, &end, 10);
            if (end == slash + 1 || end != z + n || b < 0 || b > maxBits) bad = 1;
            net.bits = (int)b;
        }
        if (bad) {
            if (p->n >= PROXY_MAX)
                snprintf(zErr, nErr, "at most %d trusted proxies", PROXY_MAX);
            else
                snprintf(zErr, nErr, "'%.*s' is not an IP address or ADDRESS/BITS network",
                         (int)(n > 60 ? 60 : n), z);
            return -1;
        }
        p->a[p->n++] = net;
        z += n;
        if (*z == ',') z++;
    }
    return 0;
}

static int net_has(const ProxyNet *net, int family, const unsigned char *a) {
    if (net->family != family) return 0;
    int full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->a, a, (size_t)full) != 0) return 0;
    if (rest == 0) return 1;
    unsigned char m = (unsigned char)(0xff << (8 - rest));
    return (net->a[full] & m) == (a[full] & m);
}

static int trusted_bytes(const ProxyList *p, int family, const unsigned char *a) {
    for (int i = 0; i < p->n; i++)
        if (net_has(&p->a[i], family, a)) return 1;
    return 0;
}

int proxy_trusted(const ProxyList *p, const char *zAddr) {
    unsigned char a[16];
    int family;
    if (!p || !p->n || !zAddr || addr_parse(zAddr, strlen(zAddr), &family, a)) return 0;
    return trusted_bytes(p, family, a);
}

void proxy_client_addr(const ProxyList *p, const char *zPeer, const char *zXff, char *zOut,
                       size_t nOut) {
    snprintf(zOut, nOut, "%s", zPeer ? zPeer : "");
    if (!zXff || !proxy_trusted(p, zPeer)) return;
    /* right to left: each hop appended the address it saw */
    size_t end = strlen(zXff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && zXff[start - 1] != ',')
            start--;
        unsigned char a[16];
        int family;
        if (addr_parse(zXff + start, end - start, &family, a)) return; /* not an address */
        char zBuf[INET6_ADDRSTRLEN];
        if (inet_ntop(family, a, zBuf, sizeof zBuf)) snprintf(zOut, nOut, "%s", zBuf);
        if (!trusted_bytes(p, family, a)) return;
        end = start > 0 ? start - 1 : 0;
    }
}
