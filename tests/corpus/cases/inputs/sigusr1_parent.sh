#!/bin/sh
# The -c command of the SIGUSR1 cases: asks its parent (the tracer) to print
# its maps once, then gives it time to do so before exiting (which ends tracing).
sleep 0.5
kill -USR1 $PPID
sleep 0.5
