#!/usr/bin/env bash
# Runs probe's libFuzzer targets (tests/fuzz/*_fuzz.cpp) from the sanitizer
# build (scripts/sanitize.sh --build-only makes it):
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all, 30 s each (CI smoke)
# Each target first replays its regression inputs (tests/fuzz/regressions/T;
# those listed in regressions/KNOWN are crashes queued for a fix: reported,
# not failed),
# then fuzzes for SECONDS from its seeds (tests/fuzz/seeds/T) plus a working
# corpus kept in $BUILD/fuzz-corpus/T. FUZZ_JOBS=N runs N targets at a time
# (default 2); PROBE_SAN_BUILD=DIR picks the build (default build-san).
# One summary line per target; crash inputs land in $BUILD/fuzz-artifacts/T/.
# Exit status 1 if any target crashed, leaked, timed out or ran out of memory.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build=${PROBE_SAN_BUILD:-build-san}
want=${1:-all}
secs=${2:-30}
jobs=${FUZZ_JOBS:-2}
list=$build/tests/fuzz/targets.txt
if [ ! -f "$list" ]; then
  echo "fuzz.sh: $list missing: build with scripts/sanitize.sh --build-only first" >&2
  exit 2
fi
mapfile -t all < "$list"
if [ "$want" = all ]; then
  targets=("${all[@]}")
else
  grep -qx "$want" "$list" || { echo "fuzz.sh: unknown target '$want' (have: ${all[*]})" >&2; exit 2; }
  targets=("$want")
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0}
mkdir -p "$build/fuzz-logs"

# Runs one target; its summary is the last line of $build/fuzz-logs/T.summary.
run_one() {
  local t=$1 bin=$build/tests/fuzz/${1}_fuzz log=$build/fuzz-logs/$1.log
  local sum=$build/fuzz-logs/$1.summary work=$build/fuzz-corpus/$1 art=$build/fuzz-artifacts/$1/
  mkdir -p "$work" "$art"
  : > "$log"
  # Regression inputs, one process each. Those listed in regressions/KNOWN
  # (crashes queued for a fix elsewhere) are reported but do not fail.
  local f known_note=""
  for f in "$root"/tests/fuzz/regressions/"$t"/*; do
    [ -f "$f" ] || continue
    local rel=${f#"$root"/tests/fuzz/regressions/}
    local known=0
    grep -qx "$rel" "$root/tests/fuzz/regressions/KNOWN" 2>/dev/null && known=1
    if "$bin" -rss_limit_mb=2048 -timeout=10 "$f" >> "$log" 2>&1; then
      [ $known = 1 ] && known_note+=" [KNOWN $rel passes now: delete it from regressions/KNOWN]"
    elif [ $known = 1 ]; then
      known_note+=" [KNOWN $rel still crashes]"
    else
      echo "FAIL $t: regression input $rel crashes again (see $log)" > "$sum"
      return 1
    fi
  done
  local start=$SECONDS rc=0 dict=()
  [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
  "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$art" "$work" "$root/tests/fuzz/seeds/$t" >> "$log" 2>&1 || rc=$?
  local execs rate cov ft units
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  units=$(ls "$work" | wc -l)
  local what="${execs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus $units, $((SECONDS - start)) s"
  if [ "$rc" -eq 0 ]; then
    echo "PASS $t: $what$known_note" > "$sum"
  else
    echo "FAIL $t (exit $rc): $what; crash input: $(ls -t "$art" | head -1 | sed "s|^|$art|"); log: $log" > "$sum"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)|^ *#[0-9] ' "$log" | head -15 >> "$sum"
    return 1
  fi
}

fail=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
done
wait
for t in "${targets[@]}"; do
  s=$build/fuzz-logs/$t.summary
  if [ -f "$s" ]; then cat "$s"; else echo "FAIL $t: no result"; fi
  grep -q '^PASS' "$s" 2>/dev/null || fail=1
done
echo "fuzz: ${#targets[@]} targets, $([ $fail = 0 ] && echo all passed || echo FAILURES) (${secs} s each)"
exit $fail
