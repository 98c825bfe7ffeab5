#!/bin/sh
# Fault-injection and command-line failure tests (needs root): bpf() and
# perf_event_open() failing (seccomp, via build/tests/faults/faultexec),
# few file descriptors, tracefs hidden, -c commands that cannot run, program
# files that are not files, non-root use. Usage:
#   tests/faults/run.sh [--build DIR] [--filter GLOB] [-v]
# Prints PASS/FAIL/SKIP per case and "N passed, N failed, N skipped"; exits 1 on a failure.
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/run_faults.py" "$@"
