#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A/B benchmark: `keel abtest --csv` (frequentist tests, SRM, CUPED, power,
# sequential and Bayesian as well) against pandas + scipy + statsmodels
# (bench/abtest_pandas.py) on a 10,000,000-unit CSV, whole processes side
# by side, best of RUNS runs.
# usage: bench/abtest_bench.sh [KEEL_BIN]   (env: ROWS, RUNS, BENCH_DIR, FLOOR)
# Exits 1 when the wall-clock ratio is below FLOOR (default 20, issue 6).
set -eu
KEEL=${1:-build/keel}
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/keel-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CSV=$DIR/abtest_$ROWS.csv
mkdir -p "$DIR"
[ -s "$CSV" ] || { echo "generating $CSV ..."; $PY "$HERE/abtest_gen.py" "$CSV" "$ROWS"; }

. "$HERE/best.sh"

K=$(best "$KEEL" abtest "$HERE/abtest_spec.json" --csv "$CSV" --json)
P=$(best $PY "$HERE/abtest_pandas.py" "$CSV")
set -- $K $P
printf 'abtest, %s units, 3 arms, CUPED + conversions (best of %s)\n' "$ROWS" "$RUNS"
printf '                                  wall        CPU\n'
printf '  keel abtest                     %8.3f s %8.3f s\n' "$1" "$2"
printf '  pandas + scipy + statsmodels    %8.3f s %8.3f s\n' "$3" "$4"
printf '  ratio                           %8.1fx  %8.1fx\n' "$(echo "$3 / $1" | bc -l)" "$(echo "$4 / $2" | bc -l)"
FLOOR=${FLOOR:-20}
if [ "$(echo "$3 / $1 >= $FLOOR" | bc -l)" = 1 ]; then
    printf '  floor %sx (wall): met\n' "$FLOOR"
else
    printf '  floor %sx (wall): NOT met\n' "$FLOOR"
    exit 1
fi
