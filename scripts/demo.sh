#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make demo: a fresh demo database, loaded and served.
# usage: scripts/demo.sh KEEL_BINARY DB_FILE HOST:PORT
set -eu
keel=$1 db=$2 listen=$3
rm -rf "$db" "$db-wal" "$db-shm" "$db.events"
"$keel" init --db "$db" >/dev/null
"$keel" demo --db "$db" --listen "$listen"
echo "keel: open http://$listen/ (Ctrl-C stops the server)"
exec "$keel" serve --db "$db" --listen "$listen"
