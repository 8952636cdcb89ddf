#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The CSV reader before and after a change, side by side: builds
# bench/csv_bench.c against the reader (src/engine/csv*.c) of revision REV
# (default main) and of the working tree, generates ROWS x 20 numeric
# columns (normal, 3 decimals) without missing values and with 2% missing
# cells spelled `nan` and `NaN`, and prints each build's best CPU time of
# RUNS one-thread parses, interleaved (the steadier figure on a shared
# machine).  usage: bench/csv_bench.sh [REV]  (env: ROWS, RUNS, BENCH_DIR)
set -eu
REV=${1:-main}
ROWS=${ROWS:-500000}
RUNS=${RUNS:-7}
DIR=${BENCH_DIR:-/tmp/keel-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
mkdir -p "$DIR/csv_old/src"
CC=${CC:-cc}
FLAGS="-O2 -D_GNU_SOURCE -pthread"
(cd "$TOP" && git archive "$REV" src/engine src/util) | tar -x -C "$DIR/csv_old"
# shellcheck disable=SC2086
$CC $FLAGS -I "$DIR/csv_old/src" -o "$DIR/csv_bench_old" "$HERE/csv_bench.c" \
    "$DIR"/csv_old/src/engine/csv*.c $(ls "$DIR"/csv_old/src/engine/par.c 2>/dev/null) -lm
# shellcheck disable=SC2086
$CC $FLAGS -I "$TOP/src" -o "$DIR/csv_bench_new" "$HERE/csv_bench.c" \
    "$TOP"/src/engine/csv*.c "$TOP"/src/engine/par.c -lm
for s in "0 - clean" "0.02 nan nan2" "0.02 NaN NaN2"; do
    # shellcheck disable=SC2086
    set -- $s
    f=$DIR/csv_${3}_$ROWS.csv
    [ -s "$f" ] || /usr/bin/python3 - "$ROWS" "$1" "$2" "$f" <<'PY'
import sys
import numpy as np
rows, frac, spell, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = np.random.default_rng(7)
s = np.round(rng.normal(50, 10, (rows, 20)), 3).astype(str).astype(object)
if frac > 0:
    s[rng.random((rows, 20)) < frac] = spell
with open(out, "w") as f:
    f.write(",".join(f"x{i}" for i in range(20)) + "\n")
    for r in s:
        f.write(",".join(r) + "\n")
PY
done
for i in 1 2; do
    for b in old new; do
        echo "== $b ($([ $b = old ] && echo "$REV" || echo "working tree"), round $i)"
        "$DIR/csv_bench_$b" "$RUNS" "$DIR/csv_clean_$ROWS.csv" "$DIR/csv_nan2_$ROWS.csv" \
            "$DIR/csv_NaN2_$ROWS.csv"
    done
done
