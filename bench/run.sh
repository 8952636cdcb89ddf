#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make bench: every benchmark, keel side by side with its reference stack.
# Each prints its ratios and exits non-zero when keel misses its floor.
# usage: bench/run.sh [KEEL_BIN]; env BENCH_ONLY="drift explain" to pick.
set -u
KEEL=${1:-build/keel}
HERE=$(cd "$(dirname "$0")" && pwd)
ONLY=${BENCH_ONLY:-"drift explain abtest fairness portfolio monitor switch"}
fail=0
for b in $ONLY; do
    echo "== $b"
    case $b in
    drift) "$HERE/drift_bench.sh" "$KEEL" || fail=1 ;;
    explain) /usr/bin/python3 "$HERE/explain_bench.py" "$KEEL" || fail=1 ;;
    abtest) "$HERE/abtest_bench.sh" "$KEEL" || fail=1 ;;
    fairness) "$HERE/fairness_bench.sh" "$KEEL" || fail=1 ;;
    portfolio) /usr/bin/python3 "$HERE/portfolio/run.py" "$KEEL" || fail=1 ;;
    monitor) /usr/bin/python3 "$HERE/monitor_bench.py" "$KEEL" || fail=1 ;;
    switch) /usr/bin/python3 "$HERE/switch_bench.py" "$KEEL" || fail=1 ;;
    *) echo "unknown benchmark $b"; fail=1 ;;
    esac
done
exit $fail
