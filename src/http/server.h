/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTP server: libmicrohttpd's internal thread pool (a worker per
 * core), each worker with its own database connection; connection timeout,
 * connection limit and per-connection memory limit set; an access log line
 * per request; graceful shutdown on SIGTERM / SIGINT. */
#ifndef KEEL_HTTP_SERVER_H
#define KEEL_HTTP_SERVER_H
#include <stdint.h>

typedef struct ServerConfig {
    const char *zDbPath; /* database file */
    const char *zHost;   /* address to bind, e.g. "127.0.0.1" */
    int port;            /* 0: any free port */
    int nThread;         /* workers; 0 = one per core */
    int connTimeout;     /* seconds of inactivity before a connection is closed */
    int connLimit;       /* simultaneous connections */
    int headerTimeout; /* seconds for a request head, from the connection's start or last answer */
    int maxPerAddr;    /* connections from one client address (trusted proxies: no limit) */
    int64_t sessionIdle;   /* session idle timeout, seconds */
    int64_t sessionMax;    /* session absolute lifetime, seconds */
    int bSecureCookie;     /* mark cookies Secure (behind a TLS proxy) */
    int bQuiet;            /* no access log */
    const char *zEventDir; /* monitoring event log (NULL: <db>.events) */
    int retentionDays;     /* event segments kept (0: the default, 90) */
    long dedupEntries;     /* event_ids the dedup index holds at most (0: the default, 2^24) */
    int bMigrate;          /* migrate an older schema at start (PostgreSQL; SQLite always does) */
    const char *zTrustedProxies; /* "ADDR[/BITS],…": X-Forwarded-For is read from these only */
    int64_t bodyBudget; /* request body bytes in flight on all connections together; beyond: 503 */
} ServerConfig;

/* Fill defaults. */
void server_config_init(ServerConfig *c);
/* Run until SIGTERM or SIGINT; returns 0 after a clean shutdown, or an
 * error when the server could not start (message logged). Prints
 * "keel: listening on http://HOST:PORT" on stdout once ready. */
int server_run(const ServerConfig *c);

#endif
