#!/usr/bin/env bash
# Runs the whole test suite under a sanitizer, in a build folder of its own.
#
#   scripts/sanitize.sh thread    # ThreadSanitizer: data races (the default)
#   scripts/sanitize.sh address   # AddressSanitizer: memory errors
#
# Extra arguments go to `swift test` (e.g. --filter HostileServer). Exit status is swift test's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
sanitizer="${1:-thread}"
shift || true
case "$sanitizer" in
  thread | address) ;;
  *) echo "usage: scripts/sanitize.sh [thread|address] [swift test arguments…]" >&2; exit 2 ;;
esac
# TSan reports a race as a failure; halt_on_error keeps the first report readable.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
exec swift test --sanitize="$sanitizer" --scratch-path ".build-$sanitizer" "$@"
