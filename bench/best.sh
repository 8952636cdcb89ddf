# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the benchmark scripts. best CMD...: the best wall-clock and
# CPU (user + system) seconds of $RUNS runs of CMD, as "WALL CPU", to the
# millisecond (bash's time; /usr/bin/time rounds to 10 ms); CPU time is
# the steadier figure on a shared machine. Needs $RUNS and $DIR.
best() {
    bw=""
    bc=""
    for i in $(seq "$RUNS"); do
        bash -c 'TIMEFORMAT="%3R %3U %3S"; { time "$@" >/dev/null 2>&1; } 2>"$0"' "$DIR/.time" "$@"
        w=$(cut -d' ' -f1 "$DIR/.time")
        c=$(awk '{c = $2 + $3; print (c < 0.001 ? 0.001 : c)}' "$DIR/.time")
        if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc -l)" = 1 ]; then bw=$w; fi
        if [ -z "$bc" ] || [ "$(echo "$c < $bc" | bc -l)" = 1 ]; then bc=$c; fi
    done
    echo "$bw $bc"
}
