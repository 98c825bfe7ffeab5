#!/usr/bin/env bash
# Regenerates tests/data/mini_vmlinux.btf (raw BTF) from mini_vmlinux.c.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
clang-19 -g -O2 -target bpf -c mini_vmlinux.c -o "$tmp/mini.o"
llvm-objcopy-19 --dump-section .BTF="$tmp/mini.btf" "$tmp/mini.o"
cp "$tmp/mini.btf" mini_vmlinux.btf
echo "mini_vmlinux.btf: $(stat -c %s mini_vmlinux.btf) bytes"
