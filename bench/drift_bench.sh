#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Drift and profile benchmark: `keel drift --json REF CUR` against the
# pandas + scipy reference (bench/drift_ref.py), and `keel profile --json`
# against the pandas one (bench/profile_ref.py), on a reference and a
# current file of ROWS rows x 20 columns (15 numeric, 5 categorical; about
# 120 MB each at 1,000,000 rows). Whole processes side by side under
# /usr/bin/time -v, RUNS times each, interleaved: best wall time (with the
# CPU time, user + system, of that run, which shows what load did), and
# the highest maximum resident set size seen (mapped file pages count).
# usage: bench/drift_bench.sh [KEEL_BIN]   (env: ROWS, RUNS, BENCH_DIR)
set -eu
KEEL=${1:-build/keel}
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/keel-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
REF=$DIR/drift_ref_$ROWS.csv
CUR=$DIR/drift_cur_$ROWS.csv
mkdir -p "$DIR"
if [ ! -s "$REF" ] || [ ! -s "$CUR" ]; then
    echo "generating $REF and $CUR ..."
    $PY "$HERE/gen_drift_data.py" "$ROWS" 42 "$REF" "$CUR"
fi

# measure NAME CMD...: append "NAME wall_seconds max_rss_kb cpu_seconds" to
# $DIR/drift_bench.raw
measure() {
    name=$1
    shift
    /usr/bin/time -v "$@" >"$DIR/out_$name.json" 2>"$DIR/time_$name.txt"
    awk -v n="$name" '
        /Elapsed \(wall clock\)/ { t = $NF; k = split(t, p, ":"); s = 0
                                   for (i = 1; i <= k; i++) s = s * 60 + p[i] }
        /Maximum resident set size/ { m = $NF }
        /User time|System time/ { c += $NF }
        END { print n, s, m, c }' "$DIR/time_$name.txt" >>"$DIR/drift_bench.raw"
}

: >"$DIR/drift_bench.raw"
for i in $(seq "$RUNS"); do
    measure keel_drift "$KEEL" drift --json "$REF" "$CUR"
    measure py_drift $PY "$HERE/drift_ref.py" "$REF" "$CUR"
    measure keel_profile "$KEEL" profile --json "$REF"
    measure py_profile $PY "$HERE/profile_ref.py" "$REF"
done

awk -v rows="$ROWS" -v runs="$RUNS" '
    { if (!($1 in t) || $2 < t[$1]) { t[$1] = $2; c[$1] = $4 }; if ($3 > m[$1]) m[$1] = $3 }
    END {
        printf "%s rows x 20 columns, best wall time of %s runs (CPU time of that run), highest peak RSS\n", rows, runs
        printf "%-34s %9s %9s %10s\n", "", "wall s", "cpu s", "peak MB"
        printf "%-34s %9.2f %9.2f %10.0f\n", "keel drift --json", t["keel_drift"], c["keel_drift"], m["keel_drift"] / 1024
        printf "%-34s %9.2f %9.2f %10.0f\n", "pandas + scipy (drift_ref.py)", t["py_drift"], c["py_drift"], m["py_drift"] / 1024
        printf "%-34s %9.1fx %8.1fx %9.2fx\n", "drift: speed-up, memory ratio", t["py_drift"] / t["keel_drift"], c["py_drift"] / c["keel_drift"], m["keel_drift"] / m["py_drift"]
        printf "%-34s %9.2f %9.2f %10.0f\n", "keel profile --json", t["keel_profile"], c["keel_profile"], m["keel_profile"] / 1024
        printf "%-34s %9.2f %9.2f %10.0f\n", "pandas (profile_ref.py)", t["py_profile"], c["py_profile"], m["py_profile"] / 1024
        printf "%-34s %9.1fx %8.1fx %9.2fx\n", "profile: speed-up, memory ratio", t["py_profile"] / t["keel_profile"], c["py_profile"] / c["keel_profile"], m["keel_profile"] / m["py_profile"]
    }' "$DIR/drift_bench.raw"
