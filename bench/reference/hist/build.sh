# Builds the hist floor into $1: genarg (umask(i - 2) loop), hist.bpf.o (clang -O2 -target bpf)
# and hist (its libbpf loader). Needs clang, bpftool, libbpf-dev, libelf-dev.
set -e
out=$1; src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); mkdir -p "$out"; cd "$out"
[ -f vmlinux.h ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c >vmlinux.h
cp "$src"/genarg.c "$src"/hist.bpf.c "$src"/hist.c .
gcc -O2 genarg.c -o genarg
${CLANG:-$(command -v clang-19 || echo clang)} -O2 -g -target bpf -D__TARGET_ARCH_x86 -c hist.bpf.c -o hist.bpf.o
gcc -O2 hist.c -o hist -lbpf -lelf -lz
