#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Build every tests/fuzz/fuzz_*.c with clang's libFuzzer and run each for
# FUZZ_SECONDS (default 60) over its corpus, adding new finds to it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${FUZZ_SECONDS:-60}
cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DKEEL_SANITIZE=ON -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" >/dev/null
cmake --build "$root/build-fuzz" --target keelcore -j2 >/dev/null
for src in "$root"/tests/fuzz/fuzz_*.c; do
  name=$(basename "$src" .c)
  corpus="$root/tests/fuzz/corpus/${name#fuzz_}"
  mkdir -p "$corpus"
  # the switch client's harness (clients/c/) builds with the client itself
  extra=""
  [ "$name" = fuzz_switchclient ] && extra="-I$root/clients/c $root/clients/c/keel_switch.c -lcurl"
  clang -fsanitize=fuzzer,address,undefined -g -O1 -D_GNU_SOURCE -I"$root/src" "$src" $extra \
    "$root/build-fuzz/libkeelcore.a" $(pkg-config --libs libmicrohttpd jansson sqlite3 libsodium gsl libzstd) \
    -lglpk -lm -lpthread -o "$root/build-fuzz/$name"
  "$root/build-fuzz/$name" -max_total_time="$secs" "$corpus"
done
