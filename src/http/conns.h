/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel's watch over the server's connections (docs/security.md, slow
 * clients): a deadline for each request head, which libmicrohttpd does not
 * have (its timeout is for inactivity, and a client sending a byte now and
 * then is never inactive), and a limit on the connections from one client
 * address, from which trusted proxies are exempt. libmicrohttpd calls the
 * hooks below; the server's main loop calls conns_sweep. */
#ifndef KEEL_HTTP_CONNS_H
#define KEEL_HTTP_CONNS_H
#include "http/proxy.h"
#include <microhttpd.h>
#include <sys/socket.h>

/* Settings, kept by pointer: headerTimeout seconds for a request head from
 * the connection's start or its previous response; at most maxPerAddr
 * connections from one address (proxies in pTrusted: no limit). */
void conns_configure(int headerTimeout, int maxPerAddr, const ProxyList *pTrusted);
/* MHD_AcceptPolicyCallback: refuse an address that has its limit. */
enum MHD_Result conns_accept(void *cls, const struct sockaddr *sa, socklen_t n);
/* MHD_NotifyConnectionCallback: track connections as they start and close. */
void conns_notify(void *cls, struct MHD_Connection *conn, void **ppSocket,
                  enum MHD_ConnectionNotificationCode code);
/* A request head is complete on conn (the head deadline stops), and its
 * response is done (the deadline for the next head starts). */
void conns_request_started(struct MHD_Connection *conn);
void conns_request_done(struct MHD_Connection *conn);
/* Shut down the connections whose head is late; returns how many. */
int conns_sweep(void);
/* Connections open now. */
int conns_open(void);

#endif
