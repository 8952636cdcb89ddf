#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A throwaway PostgreSQL for the tests (Debian's postgresql package):
#   scripts/pgtest.sh start STATEFILE   initdb + pg_ctl in a new 0700 temporary
#                                       directory on a free loopback port; writes
#                                       the server's URL and directory to STATEFILE
#   scripts/pgtest.sh stop STATEFILE    stops it and removes the directory
# As root the server runs as the postgres user (runuser -u postgres).
# Tests read the URL from STATEFILE (KEEL_TEST_PG_FILE) and each works in
# a schema of its own.
set -eu

cmd=${1:-}
state=${2:-}
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATEFILE" >&2; exit 2; }

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ]; then bindir=$d; break; fi
done
if [ -z "$bindir" ]; then
    echo "pgtest: PostgreSQL server binaries not found (apt-get install postgresql; scripts/bootstrap.sh does)" >&2
    exit 1
fi

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
    [ -f "$state" ] || return 0
    dir=$(sed -n 's/^dir=//p' "$state")
    if [ -n "$dir" ] && [ -d "$dir/data" ]; then
        as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$dir" ] && rm -rf "$dir"
    rm -f "$state"
}

case $cmd in
start)
    stop
    dir=$(mktemp -d /tmp/keel-pg.XXXXXX)
    chmod 0700 "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --locale=C -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    # tests need no crash safety from it; benchmarks ask for PostgreSQL's
    # defaults (KEEL_PGTEST_DURABLE=1)
    fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ -n "${KEEL_PGTEST_DURABLE:-}" ]; then fast=""; fi
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c shared_buffers=64MB $fast" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    printf 'url=postgresql://postgres@127.0.0.1:%s/postgres\ndir=%s\n' "$port" "$dir" >"$state"
    ;;
stop) stop ;;
*) echo "usage: $0 start|stop STATEFILE" >&2; exit 2 ;;
esac
