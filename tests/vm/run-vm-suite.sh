#!/usr/bin/env bash
# Runs the corpus inside ONE boot of the test VM (Linux 6.1): every case by
# default (--requires all), so the 6.1 kernel is covered as well as the
# host's; `REQUIRES vm` cases (kprobe, fentry/fexit, kprobe_multi: what the
# host kernel cannot do) run only here. Kernel-probe cases wait in
# tests/corpus/pending/ until those probe types are implemented.
#
#   tests/vm/run-vm-suite.sh [run_corpus.py options, e.g. --filter 'vm_kprobe*']
#
# Environment: PROBE_BUILD (default <repo>/build), PROBE_BIN (default
# $PROBE_BUILD/probe), PROBE_VM_TIMEOUT (seconds for the whole boot, default
# 1800), plus run-in-vm.sh's PROBE_VM_*.
# Prints the runner's output and a closing "VM suite: N passed, N failed, N skipped".
# Exit: the runner's status; 77 (with "SKIP: <reason>") when the VM cannot run.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${PROBE_BUILD:-$repo/build}" 2>/dev/null && pwd) || { echo "run-vm-suite: no build directory (${PROBE_BUILD:-$repo/build}); run scripts/build.sh" >&2; exit 2; }
probe=${PROBE_BIN:-$build/probe}
[ -x "$probe" ] || { echo "run-vm-suite: $probe is not built; run scripts/build.sh" >&2; exit 2; }
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

log=$(mktemp "${TMPDIR:-/tmp}/probe-vm-suite.XXXXXX")
trap 'rm -f "$log"' EXIT
cd "$repo" || exit 2
echo "VM suite: booting ${PROBE_VM_KERNEL:-$repo/../shared/testkernel/bzImage} (TCG; about 5-10 s to userspace)"
"$here/run-in-vm.sh" --timeout "${PROBE_VM_TIMEOUT:-1800}" -- \
  "$python" tests/corpus/run_corpus.py --probe "$probe" --build "$build" --src "$repo" --requires all "$@" \
  | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" = 77 ] && grep -q '^SKIP: ' "$log"; then
  echo "VM suite skipped: $(sed -n 's/^SKIP: //p' "$log" | head -n 1)"
  exit 77
fi
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1)
if [ -z "$summary" ]; then
  echo "VM suite: the runner reported no summary (exit $rc)"
  [ "$rc" = 0 ] && rc=1
  exit "$rc"
fi
echo "VM suite: $summary"
exit "$rc"
