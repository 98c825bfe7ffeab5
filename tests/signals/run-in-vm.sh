#!/usr/bin/env bash
# The signal tests inside the test VM (Linux 6.1, TCG): the kprobe,
# kprobe.multi and fentry phases the host cannot run, plus the native ones on
# that kernel.
#
#   tests/signals/run-in-vm.sh [run.py options, e.g. --filter 'matrix/k*']
#
# Without options it runs the kernel phases plus the quick native cases
# (under TCG, LLVM and 200,000 uprobe hits take many minutes: the compile
# phase and the lost-event counts run natively only).
#
# Environment: PROBE_BUILD (default <repo>/build), PROBE_BIN (default
# $PROBE_BUILD/probe), PROBE_VM_TIMEOUT (default 1200), run-in-vm.sh's PROBE_VM_*.
# Exit: run.py's status; 77 (with "SKIP: <reason>") when the VM cannot run.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${PROBE_BUILD:-$repo/build}" 2>/dev/null && pwd) || { echo "signals: no build directory" >&2; exit 2; }
probe=${PROBE_BIN:-$build/probe}
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
cd "$repo" || exit 2
# The uprobe steady/END phases run natively (6.18); under TCG on 6.1 they
# once stalled RCU for minutes (a kernel hang, not probe), so the VM runs the
# kernel-probe phases only.
[ $# -gt 0 ] || set -- --filter 'matrix/k*' \
  --filter epipe --filter dev-full --filter json-utf8 --filter sigint-twice
# One vCPU: with two, a TCG vCPU thread starved by the host can stall RCU on
# the other (seen on CI: the whole 600 s spent, twice); one vCPU takes 56 s.
# The guest-side timeout reports a hung test with its output before the VM's.
export PROBE_VM_SMP=${PROBE_VM_SMP:-1}
vm_timeout=${PROBE_VM_TIMEOUT:-600}
exec "$repo/tests/vm/run-in-vm.sh" --timeout "$vm_timeout" -- \
  timeout -k 5 $((vm_timeout - 60)) "$python" tests/signals/run.py --probe "$probe" --kernel "$@"
