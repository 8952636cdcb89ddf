#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# keel's API on SQLite vs PostgreSQL, side by side in one run:
#   one server on SQLite, one server on PostgreSQL, two servers on PostgreSQL
# for a read-heavy mix (95% GET) and a write-heavy mix (50% POST), with wrk
# and bench/pg/mix.lua. Prints requests per second and requests
# per CPU-second of the keel server(s) (and of PostgreSQL's processes).
#   bench/pg_bench.sh [build/keel]  DURATION=10 CONNS=16 THREADS=2 PG_THREADS=8
# THREADS: workers of a server on SQLite (one per core, the default);
# PG_THREADS: of a server on PostgreSQL, where a worker waits for each round
# trip to the database and more workers keep the cores busy.
# The data is the demo enterprise (keel demo), copied to PostgreSQL with
# keel copy so that both back ends serve the same rows. PostgreSQL is a
# throwaway server (scripts/pgtest.sh) with PostgreSQL's default
# durability (fsync on, KEEL_PGTEST_DURABLE=1), unlike the test one.
set -eu
KEEL=${1:-build/keel}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
PG_THREADS=${PG_THREADS:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "pg_bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/keel-pgbench.XXXXXX)
state=$tmp/pg.state
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    "$root/scripts/pgtest.sh" stop "$state" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

KEEL_PGTEST_DURABLE=1 "$root/scripts/pgtest.sh" start "$state"
base=$(sed -n 's/^url=//p' "$state")
pgdir=$(sed -n 's/^dir=//p' "$state")
pgurl="$base?options=-csearch_path%3Dbench"
psql -X -q "$base" -c "CREATE SCHEMA bench"
printf 'bench-password-123\n' >"$tmp/pw"
export KEEL_FAST_PWHASH=1
"$KEEL" demo --db "$tmp/bench.db" --password-file "$tmp/pw" >/dev/null
"$KEEL" copy --from "$tmp/bench.db" --to "$pgurl" >/dev/null
tok_sq=$("$KEEL" token create --db "$tmp/bench.db" --email admin@meridian.example --name bench 2>/dev/null)
tok_pg=$("$KEEL" token create --db "$pgurl" --email admin@meridian.example --name bench 2>/dev/null)

cpu_of() { # utime+stime of a process, in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_cpu() { # every process of the PostgreSQL cluster
    pm=$(head -1 "$pgdir/data/postmaster.pid")
    t=$(cpu_of "$pm")
    for c in $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$pm" '$4 == p {print $1}'); do
        t=$((t + $(cpu_of "$c")))
    done
    echo "$t"
}
hz=$(getconf CLK_TCK)

nserver=0
start_server() { # db -> prints "pid port"
    nserver=$((nserver + 1))
    f=$tmp/port.$nserver
    th=$THREADS
    case $1 in postgres*) th=$PG_THREADS ;; esac
    "$KEEL" serve --db "$1" --listen 127.0.0.1:0 --quiet --threads "$th" >"$f" 2>>"$tmp/serve.log" &
    pid=$!
    for _ in $(seq 100); do
        if grep -q listening "$f" 2>/dev/null; then break; fi
        sleep 0.1
    done
    port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$f")
    echo "$pid $port"
}

run_case() { # name db token nservers mix
    name=$1 db=$2 tok=$3 n=$4 mix=$5
    servers=""
    for i in $(seq "$n"); do
        s=$(start_server "$db" | tr ' ' ':')
        servers="$servers $s"
        pids="$pids ${s%%:*}"
    done
    c0=0
    for s in $servers; do c0=$((c0 + $(cpu_of "${s%%:*}"))); done
    p0=0
    case $db in postgres*) p0=$(pg_cpu) ;; esac
    wpids=""
    i=0
    for s in $servers; do
        i=$((i + 1))
        pct=5
        if [ "$mix" = write ]; then pct=50; fi
        KEEL_BENCH_WRITE_PCT=$pct KEEL_BENCH_SEED=$i KEEL_BENCH_TOKEN=$tok \
            wrk -t1 -c$((CONNS / n)) -d"${DURATION}s" -s "$root/bench/pg/mix.lua" \
            "http://127.0.0.1:${s##*:}" >"$tmp/wrk.$i" 2>&1 &
        wpids="$wpids $!"
    done
    for w in $wpids; do wait "$w"; done
    c1=0
    for s in $servers; do c1=$((c1 + $(cpu_of "${s%%:*}"))); done
    p1=0
    case $db in postgres*) p1=$(pg_cpu) ;; esac
    for s in $servers; do kill "${s%%:*}"; wait "${s%%:*}" 2>/dev/null || true; done
    rps=$(cat "$tmp"/wrk.* | awk '/Requests\/sec/ {s += $2} END {printf "%.0f", s}')
    bad=$(cat "$tmp"/wrk.* | awk '/Non-2xx/ {s += $NF} END {print s + 0}')
    lat=$(awk '/Latency/ {print $2; exit}' "$tmp/wrk.1")
    rm -f "$tmp"/wrk.*
    total=$(awk -v r="$rps" -v d="$DURATION" 'BEGIN {printf "%.0f", r * d}')
    kcpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')
    pcpu=$(awk -v a="$p0" -v b="$p1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')
    per=$(awk -v t="$total" -v c="$kcpu" 'BEGIN {printf "%.0f", (c > 0 ? t / c : 0)}')
    printf '| %-22s | %-5s | %8s | %8s | %7s | %6s | %6s | %5s |\n' "$name" "$mix" "$rps" "$per" "$lat" \
        "$kcpu" "$pcpu" "$bad"
    echo "$name $mix $rps" >>"$tmp/results"
}

echo "keel pg_bench: ${DURATION}s per case, $CONNS connections in all, worker threads per server: $THREADS (SQLite), $PG_THREADS (PostgreSQL); $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo '| setup                  | mix   |    req/s | req/keel CPU-s | p50 lat | keel CPU s | PG CPU s | non-2xx |'
echo '|---|---|---|---|---|---|---|---|'
for mix in read write; do
    run_case "1 server, SQLite" "$tmp/bench.db" "$tok_sq" 1 $mix
    run_case "1 server, PostgreSQL" "$pgurl" "$tok_pg" 1 $mix
    run_case "2 servers, PostgreSQL" "$pgurl" "$tok_pg" 2 $mix
done
echo
awk '$1 == 1 && $3 == "SQLite" && $4 == "read" {s = $5} $1 == 2 && $4 == "read" {p = $5}
     END {printf "two servers on PostgreSQL / one on SQLite, read-heavy: %.2fx (floor 0.5x)\n", p / s}' \
    "$tmp/results"
