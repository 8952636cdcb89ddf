/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connection watch: a list of open connections under one mutex. The fd of
 * a connection in the list is open (libmicrohttpd notifies the close before
 * it closes the socket, and the close notification takes the mutex), so the
 * sweep may shut it down safely. */
#include "http/conns.h"
#include "util/timeutil.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct Conn {
    struct Conn *pPrev, *pNext;
    int fd;
    int family;
    unsigned char a[16]; /* the peer's address */
    int bTrusted;        /* a trusted proxy: no per-address limit */
    int bInRequest;      /* a head has come; its response is not done */
    int bShut;           /* shut down by the sweep */
    double tStart;       /* when the wait for a head began, monotonic ms */
} Conn;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static Conn *pHead;
static int nOpen;
static int gHeaderTimeout = 10, gMaxPerAddr = 512;
static const ProxyList *gTrusted;

void conns_configure(int headerTimeout, int maxPerAddr, const ProxyList *pTrusted) {
    gHeaderTimeout = headerTimeout;
    gMaxPerAddr = maxPerAddr;
    gTrusted = pTrusted;
}

/* The address of sa into family and a; 0 when it is neither IPv4 nor IPv6. */
static int addr_of(const struct sockaddr *sa, unsigned char a[16]) {
    memset(a, 0, 16);
    if (sa && sa->sa_family == AF_INET) {
        memcpy(a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return AF_INET;
    }
    if (sa && sa->sa_family == AF_INET6) {
        memcpy(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return AF_INET6;
    }
    return 0;
}

static int addr_trusted(int family, const unsigned char a[16]) {
    if (!gTrusted || !gTrusted->n || !family) return 0;
    char z[INET6_ADDRSTRLEN];
    if (!inet_ntop(family, a, z, sizeof z)) return 0;
    return proxy_trusted(gTrusted, z);
}

enum MHD_Result conns_accept(void *cls, const struct sockaddr *sa, socklen_t n) {
    (void)cls;
    (void)n;
    unsigned char a[16];
    int family = addr_of(sa, a);
    if (!family || addr_trusted(family, a)) return MHD_YES;
    int k = 0;
    pthread_mutex_lock(&mu);
    for (Conn *p = pHead; p && k < gMaxPerAddr; p = p->pNext)
        if (p->family == family && memcmp(p->a, a, 16) == 0) k++;
    pthread_mutex_unlock(&mu);
    return k < gMaxPerAddr ? MHD_YES : MHD_NO;
}

void conns_notify(void *cls, struct MHD_Connection *conn, void **ppSocket,
                  enum MHD_ConnectionNotificationCode code) {
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        Conn *p = calloc(1, sizeof *p);
        *ppSocket = p;
        if (!p) return; /* not watched */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        p->fd = ci ? ci->connect_fd : -1;
        ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        p->family = addr_of(ci ? ci->client_addr : NULL, p->a);
        p->bTrusted = addr_trusted(p->family, p->a);
        p->tStart = time_mono_ms();
        pthread_mutex_lock(&mu);
        p->pNext = pHead;
        if (pHead) pHead->pPrev = p;
        pHead = p;
        nOpen++;
        pthread_mutex_unlock(&mu);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        Conn *p = *ppSocket;
        if (!p) return;
        pthread_mutex_lock(&mu);
        if (p->pPrev)
            p->pPrev->pNext = p->pNext;
        else
            pHead = p->pNext;
        if (p->pNext) p->pNext->pPrev = p->pPrev;
        nOpen--;
        pthread_mutex_unlock(&mu);
        free(p);
        *ppSocket = NULL;
    }
}

static Conn *conn_of(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? (Conn *)ci->socket_context : NULL;
}

void conns_request_started(struct MHD_Connection *conn) {
    Conn *p = conn_of(conn);
    if (!p) return;
    pthread_mutex_lock(&mu);
    p->bInRequest = 1;
    pthread_mutex_unlock(&mu);
}

void conns_request_done(struct MHD_Connection *conn) {
    Conn *p = conn_of(conn);
    if (!p) return;
    pthread_mutex_lock(&mu);
    p->bInRequest = 0;
    p->tStart = time_mono_ms();
    pthread_mutex_unlock(&mu);
}

int conns_sweep(void) {
    double tLate = time_mono_ms() - gHeaderTimeout * 1000.0;
    int n = 0;
    pthread_mutex_lock(&mu);
    for (Conn *p = pHead; p; p = p->pNext)
        if (!p->bInRequest && !p->bShut && p->tStart < tLate && p->fd >= 0) {
            shutdown(p->fd, SHUT_RDWR); /* libmicrohttpd sees the end and closes it */
            p->bShut = 1;
            n++;
        }
    pthread_mutex_unlock(&mu);
    return n;
}

int conns_open(void) {
    pthread_mutex_lock(&mu);
    int n = nOpen;
    pthread_mutex_unlock(&mu);
    return n;
}
