#!/usr/bin/env bash
# Configures and builds probe (and the examples, tests and corpus helpers) into build/.
#   scripts/build.sh [extra cmake configure args]      JOBS=N overrides -j2
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${PROBE_BUILD:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build "$build" -j"${JOBS:-2}"
