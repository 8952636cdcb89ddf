/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trusted reverse proxies and the client address behind them. A proxy
 * list is "ADDR[/BITS],…" (IPv4 or IPv6); X-Forwarded-For is read only
 * when the connection comes from one of them, right to left, and the first
 * address that is not a trusted proxy is the client. */
#ifndef KEEL_HTTP_PROXY_H
#define KEEL_HTTP_PROXY_H
#include <stddef.h>

#define PROXY_MAX 16

typedef struct ProxyNet {
    int family; /* AF_INET or AF_INET6 */
    unsigned char a[16];
    int bits;
} ProxyNet;

typedef struct ProxyList {
    ProxyNet a[PROXY_MAX];
    int n;
} ProxyList;

/* Parse a comma-separated list (NULL or "" for none). 0, or -1 with a
 * message naming the bad entry in zErr. */
int proxy_list_parse(const char *z, ProxyList *p, char *zErr, size_t nErr);
/* Is the textual address zAddr in the list? */
int proxy_trusted(const ProxyList *p, const char *zAddr);
/* The client's address: zPeer (the socket's), or, when zPeer is a trusted
 * proxy and zXff is given, the rightmost X-Forwarded-For entry that is not
 * a trusted proxy (stopping at the first entry that is not an address).
 * Writes a normalised address into zOut. */
void proxy_client_addr(const ProxyList *p, const char *zPeer, const char *zXff, char *zOut,
                       size_t nOut);

#endif
