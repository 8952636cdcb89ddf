#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fairness benchmark: `keel fairness` against the equivalent pandas
# group-by code (bench/fairness_pandas.py) on a 10,000,000-row CSV with two
# protected attributes, whole processes side by side, best of RUNS runs;
# then keel with a 1,000-replicate bootstrap, timed separately.
# usage: bench/fairness_bench.sh [KEEL_BIN]   (env: ROWS, RUNS, BENCH_DIR, FLOOR)
# Exits 1 when the wall-clock ratio is below FLOOR (default 20, issue 6).
set -eu
KEEL=${1:-build/keel}
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/keel-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
CSV=$DIR/fairness_$ROWS.csv
mkdir -p "$DIR"
[ -s "$CSV" ] || { echo "generating $CSV ..."; $PY "$HERE/fairness_gen.py" "$CSV" "$ROWS"; }

. "$HERE/best.sh"

K=$(best "$KEEL" fairness "$CSV" --protected gender,region --score score --prediction prediction --json)
P=$(best $PY "$HERE/fairness_pandas.py" "$CSV")
B=$(best "$KEEL" fairness "$CSV" --protected gender,region --score score --prediction prediction --bootstrap 1000 --seed 1 --json)
set -- $K $P $B
printf 'fairness, %s rows, 2 protected attributes + intersection (best of %s)\n' "$ROWS" "$RUNS"
printf '                           wall        CPU\n'
printf '  keel fairness            %8.3f s %8.3f s\n' "$1" "$2"
printf '  pandas group-by          %8.3f s %8.3f s\n' "$3" "$4"
printf '  ratio                    %8.1fx  %8.1fx\n' "$(echo "$3 / $1" | bc -l)" "$(echo "$4 / $2" | bc -l)"
printf '  keel with bootstrap 1000 %8.3f s %8.3f s\n' "$5" "$6"
FLOOR=${FLOOR:-20}
if [ "$(echo "$3 / $1 >= $FLOOR" | bc -l)" = 1 ]; then
    printf '  floor %sx (wall): met\n' "$FLOOR"
else
    printf '  floor %sx (wall): NOT met\n' "$FLOOR"
    exit 1
fi
