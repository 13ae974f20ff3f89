#!/usr/bin/env bash
# Counts heap allocations per call for each client benchmark case, SDK and baseline, on the
# release build, with a small LD_PRELOAD malloc counter (malloc_counter.c, compiled here with
# the system C compiler): (count for 2N calls − count for N calls) / N, which cancels the
# process's start-up allocations. Linux only.
#
#     bash Examples/Benchmarks/count-allocations.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-500}
swift build -c release --product Benchmarks >/dev/null
bin=.build/release/Benchmarks
shim=$(mktemp -d)/malloc_counter.so
cc -O2 -shared -fPIC -o "$shim" Examples/Benchmarks/malloc_counter.c -ldl
count() {
  LD_PRELOAD="$shim" "$bin" --alloc-case "$1" "$2" "$3" 2>&1 >/dev/null | sed -n 's/^allocations //p' | tail -1
}
printf "%-24s %10s %10s %7s\n" case sdk baseline ratio
for name in "Krafter create" "Krafter get" "Krafter list" "AutoSend create" "AutoSend get" "AutoSend list" \
  "AhaSend create" "AhaSend get" "AhaSend list" "SendKit create" "AhaSend get +metrics" "AhaSend get +metrics+log"; do
  s1=$(count "$name" sdk "$n"); s2=$(count "$name" sdk $((2 * n)))
  b1=$(count "$name" baseline "$n"); b2=$(count "$name" baseline $((2 * n)))
  sdk=$(( (s2 - s1) / n )); base=$(( (b2 - b1) / n ))
  printf "%-24s %10s %10s %7s\n" "$name" "$sdk" "$base" "$(awk "BEGIN { printf \"%.2fx\", $sdk / $base }")"
done
