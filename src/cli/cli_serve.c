/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel serve: the HTTP API (and, later, the web UI) over one database. */
#include "cli/cli.h"
#include "domain/compliance.h"
#include "http/server.h"
#include "util/crypto.h"
#include <stdlib.h>
#include <string.h>

/* Split "HOST:PORT" into its parts; 0 or CLI_EXIT_USAGE. */
static int parse_listen(const char *z, char *zHost, size_t nHost, int *pPort) {
    const char *c = strrchr(z, ':');
    if (!c || c == z || (size_t)(c - z) >= nHost)
        return cli_usage_error("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    char *end;
    long port = strtol(c + 1, &end, 10);
    if (!c[1] || *end || port < 0 || port > 65535)
        return cli_usage_error("--listen: '%s' is not a port (0 to 65535)", c + 1);
    memcpy(zHost, z, (size_t)(c - z));
    zHost[c - z] = 0;
    *pPort = (int)port;
    return 0;
}

static int parse_positive(const char *z, const char *zName, long lo, long hi, long *pv) {
    char *end;
    long v = strtol(z, &end, 10);
    if (!*z || *end || v < lo || v > hi)
        return cli_usage_error("--%s must be an integer from %ld to %ld", zName, lo, hi);
    *pv = v;
    return 0;
}

int cli_serve(int argc, char **argv) {
    CliOpt a[] = {
        {"db", 0, "DB", "SQLite file or postgresql:// URL (created by keel init)", NULL},
        {"listen", 0, "HOST:PORT", "address to serve on (default 127.0.0.1:8080; port 0: any)",
         NULL},
        {"threads", 0, "N", "worker threads (default: one per core)", NULL},
        {"session-idle", 0, "MINUTES", "sign out after this idle time (default 30)", NULL},
        {"session-max", 0, "HOURS", "sign out after this time at the latest (default 12)", NULL},
        {"secure-cookies", 1, "", "mark cookies Secure (when served over TLS by a proxy)", NULL},
        {"quiet", 1, "", "no access log", NULL},
        {"events-dir", 0, "DIR", "monitoring event log (default FILE.events)", NULL},
        {"retention-days", 0, "N", "days event segments are kept (default 90)", NULL},
        {"dedup-entries", 0, "N", "event_ids the dedup index holds at most (default 16777216)",
         NULL},
        {"rules-dir", 0, "DIR",
         "compliance rule packs replacing the built-in ones (checked at start)", NULL},
        {"migrate", 1, "",
         "migrate an older schema before serving (on PostgreSQL; otherwise `keel migrate`)", NULL},
        {"trusted-proxy", 0, "ADDR[/BITS],...",
         "reverse proxies whose X-Forwarded-For names the client (default: none)", NULL},
        {"max-connections", 0, "N", "simultaneous connections (default 4096)", NULL},
        {"max-per-address", 0, "N",
         "connections from one client address; trusted proxies are exempt (default 512)", NULL},
        {"header-timeout", 0, "SECONDS",
         "time for a request's head, from the connection's start or its last answer (default 10)",
         NULL},
        {"body-budget", 0, "MB",
         "request bodies in flight on all connections together; beyond: 503 (default 128)", NULL},
    };
    int n = sizeof a / sizeof a[0], nPos = 0;
    int rc = cli_parse(argc, argv, a, n,
                       "usage: keel serve --db DB [--listen 127.0.0.1:8080]\n\n"
                       "Serve the HTTP API. Stops cleanly on SIGTERM or SIGINT: requests in\n"
                       "flight finish, the database is closed.",
                       &nPos);
    if (rc) return rc < 0 ? 0 : rc;
    if (nPos) return cli_usage_error("unexpected argument '%s'", argv[1]);
    ServerConfig c;
    server_config_init(&c);
    c.zDbPath = cli_opt(a, n, "db");
    if (!c.zDbPath) return cli_usage_error("--db DB is required");
    char zHost[64] = "127.0.0.1";
    const char *z;
    if ((z = cli_opt(a, n, "listen")) && (rc = parse_listen(z, zHost, sizeof zHost, &c.port)))
        return rc;
    c.zHost = zHost;
    long v = 0;
    if ((z = cli_opt(a, n, "threads"))) {
        if ((rc = parse_positive(z, "threads", 1, 64, &v))) return rc;
        c.nThread = (int)v;
    }
    if ((z = cli_opt(a, n, "session-idle"))) {
        if ((rc = parse_positive(z, "session-idle", 1, 7 * 24 * 60, &v))) return rc;
        c.sessionIdle = v * 60;
    }
    if ((z = cli_opt(a, n, "session-max"))) {
        if ((rc = parse_positive(z, "session-max", 1, 24 * 30, &v))) return rc;
        c.sessionMax = v * 3600;
    }
    c.bSecureCookie = cli_opt(a, n, "secure-cookies") != NULL;
    c.bQuiet = cli_opt(a, n, "quiet") != NULL;
    c.zEventDir = cli_opt(a, n, "events-dir");
    {
        KeelError ce = {0};
        if (compliance_init(cli_opt(a, n, "rules-dir"), &ce))
            return cli_usage_error("the rule packs are refused: %s", ce.zMsg);
    }
    if ((z = cli_opt(a, n, "retention-days"))) {
        if ((rc = parse_positive(z, "retention-days", 1, 36500, &v))) return rc;
        c.retentionDays = (int)v;
    }
    if ((z = cli_opt(a, n, "dedup-entries"))) {
        if ((rc = parse_positive(z, "dedup-entries", 1024, 1L << 30, &v))) return rc;
        c.dedupEntries = v;
    }
    c.bMigrate = cli_opt(a, n, "migrate") != NULL;
    c.zTrustedProxies = cli_opt(a, n, "trusted-proxy");
    if ((z = cli_opt(a, n, "max-connections"))) {
        if ((rc = parse_positive(z, "max-connections", 1, 1000000, &v))) return rc;
        c.connLimit = (int)v;
    }
    if ((z = cli_opt(a, n, "max-per-address"))) {
        if ((rc = parse_positive(z, "max-per-address", 1, 1000000, &v))) return rc;
        c.maxPerAddr = (int)v;
    }
    if ((z = cli_opt(a, n, "header-timeout"))) {
        if ((rc = parse_positive(z, "header-timeout", 1, 3600, &v))) return rc;
        c.headerTimeout = (int)v;
    }
    if ((z = cli_opt(a, n, "body-budget"))) {
        if ((rc = parse_positive(z, "body-budget", 1, 65536, &v))) return rc;
        c.bodyBudget = (int64_t)v << 20;
    }
    if (crypto_init()) return cli_fail("libsodium failed to initialise");
    rc = server_run(&c);
    return rc == 0 ? 0 : cli_exit_for(rc);
}
