#!/usr/bin/env bash
# The sanitizer lane: an ASan+UBSan (+libFuzzer coverage) build with clang-19
# in build-san/, then the unit tests, the native runtime corpus and the
# dry-run fuzz smoke against it. Any sanitizer report fails the lane: the
# options below make every report fatal, and each report is also written to
# build-san/san-reports/ (so one from a process whose exit status a test
# ignores still counts).
#   scripts/sanitize.sh [--build-only | --no-build] [--skip-corpus]
# Env: PROBE_SAN_BUILD=DIR (default build-san), JOBS=N (default 2),
#      FUZZ_ITERATIONS=N for the dry-run fuzz smoke (default 300),
#      PROBE_BUILD_LOCK=FILE to build under flock (shared machines).
# The libFuzzer smoke is scripts/fuzz.sh (same build). Last line:
# `sanitize: PASS (N s)` or `sanitize: FAIL: <what>`; exit status 1 on failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${PROBE_SAN_BUILD:-build-san}
mode=all
corpus=1
for a in "$@"; do
  case $a in
    --build-only) mode=build ;;
    --no-build) mode=test ;;
    --skip-corpus) corpus=0 ;;
    *) echo "usage: scripts/sanitize.sh [--build-only | --no-build] [--skip-corpus]" >&2; exit 2 ;;
  esac
done
start=$SECONDS
fail() { echo "sanitize: FAIL: $* ($((SECONDS - start)) s)"; exit 1; }

if [ "$mode" != test ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  lock=()
  [ -n "${PROBE_BUILD_LOCK:-}" ] && lock=(flock "$PROBE_BUILD_LOCK")
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-19 \
    -DCMAKE_CXX_COMPILER=clang++-19 -DPROBE_SANITIZE=ON -DPROBE_FUZZ=ON "${launcher[@]}" >/dev/null ||
    fail "cmake configure"
  "${lock[@]}" cmake --build "$build" -j"${JOBS:-2}" || fail "build"
  echo "sanitize: built $build in $((SECONDS - start)) s"
  [ "$mode" = build ] && exit 0
fi

reports=$PWD/$build/san-reports
rm -rf "$reports" && mkdir -p "$reports"
common="halt_on_error=1:abort_on_error=1:log_path=$reports/report:log_exe_name=1"
export ASAN_OPTIONS="$common:detect_leaks=1:strict_init_order=1:detect_stack_use_after_return=0"
export LSAN_OPTIONS="$common:report_objects=1:suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="$common:print_stacktrace=1"
results=()
check_reports() {
  if compgen -G "$reports/report*" >/dev/null; then
    echo "sanitizer reports after $1:"
    for f in "$reports"/report*; do echo "== $f"; head -60 "$f"; done
    fail "sanitizer reports after $1"
  fi
}

t=$SECONDS
(cd "$build" && ctest --output-on-failure -j"${JOBS:-2}" --timeout 300) > "$build/san-ctest.log" 2>&1
rc=$?
grep -E "tests passed|tests failed|\*\*\*Failed|\*\*\*Exception|Timeout" "$build/san-ctest.log" | tail -20
check_reports "the unit tests"
[ $rc -eq 0 ] || fail "unit tests (log: $build/san-ctest.log)"
results+=("unit tests $((SECONDS - t)) s")

if [ "$corpus" = 1 ]; then
  t=$SECONDS
  python3 tests/corpus/run_corpus.py --probe "$build/probe" --build "$build" --requires native \
    > "$build/san-corpus.log" 2>&1
  rc=$?
  grep -E "^(FAIL|[0-9]+ passed)" "$build/san-corpus.log" | tail -30
  check_reports "the runtime corpus"
  [ $rc -eq 0 ] || fail "runtime corpus (log: $build/san-corpus.log)"
  results+=("corpus $((SECONDS - t)) s")
fi

t=$SECONDS
python3 tests/fuzz/fuzz_dry_run.py --probe "$build/probe" --iterations "${FUZZ_ITERATIONS:-300}" \
  --crashers "$build/dry-run-crashers" > "$build/san-dryfuzz.log" 2>&1
rc=$?
tail -1 "$build/san-dryfuzz.log"
check_reports "the dry-run fuzz smoke"
[ $rc -eq 0 ] || fail "dry-run fuzz smoke (log: $build/san-dryfuzz.log, inputs: $build/dry-run-crashers)"
results+=("dry-run fuzz $((SECONDS - t)) s")

echo "sanitize: PASS ($((SECONDS - start)) s: $(IFS=,; echo "${results[*]}"))"
