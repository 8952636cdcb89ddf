# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the benchmark scripts. best CMD...: the best wall-clock and
# CPU (user + system) seconds of $RUNS runs of CMD, as "WALL CPU"; CPU time
# is the steadier figure on a shared machine. Needs $RUNS and $DIR.
best() {
    bw=""
    bc=""
    for i in $(seq "$RUNS"); do
        /usr/bin/time -f "%e %U %S" -o "$DIR/.time" "$@" >/dev/null
        w=$(cut -d' ' -f1 "$DIR/.time")
        c=$(awk '{c = $2 + $3; print (c < 0.005 ? 0.005 : c)}' "$DIR/.time")
        if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc -l)" = 1 ]; then bw=$w; fi
        if [ -z "$bc" ] || [ "$(echo "$c < $bc" | bc -l)" = 1 ]; then bc=$c; fi
    done
    echo "$bw $bc"
}
