#!/usr/bin/env bash
# Fresh Debian 12, as root: installs the dependencies, builds, then runs
#   1. the unit tests (ctest),
#   2. the runtime corpus natively (uprobes, tracepoints, BEGIN/END, errors),
#   3. a short fuzz run: probe --dry-run must never crash on bad input,
#   4. the VM suite: the corpus again inside the test VM (Linux 6.1).
# Exits non-zero if any part failed; a VM suite that cannot run (no qemu or
# test kernel) is reported as skipped, not failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/install-deps.sh || exit 1
./scripts/build.sh || { echo "test.sh: build failed"; exit 1; }
build=${PROBE_BUILD:-build}
python=/usr/bin/python3
[ -x "$python" ] || python=python3

declare -A result
echo; echo "=== unit tests (ctest) ==="
if (cd "$build" && ctest --output-on-failure -j1); then result[ctest]=passed; else result[ctest]=FAILED; fi

echo; echo "=== runtime corpus (native) ==="
if "$python" tests/corpus/run_corpus.py --probe "$build/probe" --build "$build" --requires native \
    --junit "$build/corpus-native.xml"; then result[corpus]=passed; else result[corpus]=FAILED; fi

echo; echo "=== fuzz (probe --dry-run on mutated programs and flags; crashes fail) ==="
if "$python" tests/fuzz/fuzz_dry_run.py --probe "$build/probe" --iterations 1000 --seed "${PROBE_FUZZ_SEED:-1}"; then
  result[fuzz]=passed; else result[fuzz]=FAILED; fi

echo; echo "=== VM suite ==="
tests/vm/run-vm-suite.sh
case $? in
  0) result[vm]=passed ;;
  77) result[vm]=skipped ;;
  *) result[vm]=FAILED ;;
esac

echo; echo "=== summary ==="
rc=0
for part in ctest corpus fuzz vm; do
  echo "  $part: ${result[$part]}"
  [ "${result[$part]}" = FAILED ] && rc=1
done
exit $rc
