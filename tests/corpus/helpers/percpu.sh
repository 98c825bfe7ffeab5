#!/bin/sh
# percpu.sh TRACEE MARKER N1 N2: runs `TRACEE -n N1 -s MARKER` pinned to the
# first CPU and `TRACEE -n N2 -s MARKER` pinned to the last one at the same
# time, so that per-CPU maps get events on two CPUs (one CPU: both on it).
# A script because `-c` splits its command on spaces (bpftrace 0.17 too).
tracee=$1 marker=$2 n1=$3 n2=$4
last=$(( $(nproc) - 1 ))
taskset -c 0 "$tracee" -n "$n1" -s "$marker" &
taskset -c "$last" "$tracee" -n "$n2" -s "$marker"
wait
