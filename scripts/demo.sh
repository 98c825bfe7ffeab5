#!/usr/bin/env bash
# Fresh Debian 12, as root: installs the dependencies, builds, and traces the
# example program's uprobed_add() calls (entry arguments and return value).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/install-deps.sh
./scripts/build.sh
echo
echo "+ build/probe -c \"./build/examples/uprobed -n 5 -i 200\" -e '...uprobed_add entry + return...'"
exec build/probe -c "./build/examples/uprobed -n 5 -i 200" -e 'uprobe:/proc/self/exe:uprobed_add { printf("add %d %d\n", arg0, arg1); } uretprobe:/proc/self/exe:uprobed_add { printf("= %d\n", retval); }'
