#!/usr/bin/env bash
# Runs one command inside a throwaway VM booted from the test kernel, and exits
# with the command's exit status.
#
#   tests/vm/run-in-vm.sh [--timeout S] [--env NAME=VALUE]... -- CMD [ARG]...
#
# The VM (qemu, TCG only: the host's /dev/kvm is nested and hangs) boots
# ${PROBE_VM_KERNEL:-<repo>/../shared/testkernel/bzImage} with a tiny initramfs
# built here on the fly (static busybox + an init script). Init mounts the
# host's root read-only over 9p, chroots into it, mounts proc, sys, tracefs,
# debugfs, bpffs, devtmpfs and a tmpfs /tmp, exports PROBE_IN_VM=1, cds to the
# current directory and runs CMD. Its stdout and stderr (merged) stream to our
# stdout. Everything on the host is visible at the same path, read-only; writes
# go to /tmp (if the current directory itself lives under /tmp, its top-level
# /tmp/<dir> is bound back in, read-only too).
#
# Environment: PROBE_VM_KERNEL (kernel image), PROBE_VM_MEM (default 2G),
# PROBE_VM_SMP (default 2), PROBE_VM_KEEP_LOG=1 keeps the full console log.
# Variables named PROBE_* are passed through to the command.
#
# Exit status: the command's; 77 with "SKIP: <reason>" when qemu, the kernel or
# a static busybox is missing; 124 on timeout; 125 when the VM failed to report.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
timeout_s=600
extra_env=()
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) timeout_s=$2; shift 2 ;;
    --timeout=*) timeout_s=${1#*=}; shift ;;
    --env) extra_env+=("$2"); shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
if [ $# -eq 0 ]; then
  echo "usage: $0 [--timeout S] [--env NAME=VALUE]... -- CMD [ARG]..." >&2
  exit 2
fi

skip() { echo "SKIP: $*"; exit 77; }

kernel=${PROBE_VM_KERNEL:-$repo/../shared/testkernel/bzImage}
qemu=$(command -v qemu-system-x86_64) || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
[ -r "$kernel" ] || skip "test kernel not found at $kernel (set PROBE_VM_KERNEL)"
busybox=""
for b in "${PROBE_VM_BUSYBOX:-}" /bin/busybox /usr/bin/busybox; do
  [ -n "$b" ] && [ -x "$b" ] || continue
  # The initramfs has no libc: busybox must be static (package busybox-static).
  if ! readelf -l "$b" 2>/dev/null | grep -q 'program interpreter'; then busybox=$b; break; fi
done
[ -n "$busybox" ] || skip "no static busybox found (apt-get install busybox-static)"

work=$(mktemp -d "${TMPDIR:-/tmp}/probe-vm.XXXXXX")
qpid=""
cleanup() {
  [ -n "$qpid" ] && kill "$qpid" 2>/dev/null
  if [ "${PROBE_VM_KEEP_LOG:-0}" = 1 ]; then echo "run-in-vm: console log kept in $work/console.log" >&2
  else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the command, as a bash script the guest runs inside the chroot ---
{
  echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  echo 'export HOME=/tmp TERM=dumb LANG=C.UTF-8 PROBE_IN_VM=1'
  while IFS= read -r name; do
    printf 'export %s=%q\n' "$name" "${!name}"
  done < <(compgen -e | grep '^PROBE_' | grep -v '^PROBE_IN_VM$')
  for kv in "${extra_env[@]+"${extra_env[@]}"}"; do printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}"; done
  printf 'cd %q || exit 126\n' "$PWD"
  printf '%q ' "$@"; echo
} > "$work/cmd.sh"

# --- the initramfs: /init + static busybox ---
root="$work/initramfs"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/mnt" "$root/hosttmp"
cp "$busybox" "$root/bin/busybox"
cp "$work/cmd.sh" "$root/cmd.sh"
# Under /tmp, the current directory would be hidden by the guest's tmpfs.
tmp_top=""
case "$PWD/" in /tmp/?*) tmp_top=${PWD#/tmp/}; tmp_top=${tmp_top%%/*} ;; esac
[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null
cat > "$root/init" <<EOF
#!/bin/busybox sh
bb=/bin/busybox
\$bb mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/null >/dev/console 2>&1
\$bb mount -t proc proc /proc
fail() { echo "run-in-vm init: \$*"; echo "@@PROBE-VM-EXIT 125@@"; \$bb sync; \$bb poweroff -f; }
\$bb mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /mnt \\
  || \$bb mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /mnt || fail "cannot mount the 9p host root"
\$bb mount --bind /mnt/tmp /hosttmp
\$bb mount -t proc proc /mnt/proc || fail "mount proc"
\$bb mount -t sysfs sysfs /mnt/sys || fail "mount sysfs"
\$bb mount -t devtmpfs dev /mnt/dev || fail "mount devtmpfs"
\$bb mkdir -p /mnt/dev/pts /mnt/dev/shm 2>/dev/null
# devtmpfs has no fd links (udev makes them): /dev/stderr must not become a file.
\$bb ln -sf /proc/self/fd /mnt/dev/fd 2>/dev/null
for n in 0:stdin 1:stdout 2:stderr; do \$bb ln -sf /proc/self/fd/\${n%%:*} /mnt/dev/\${n#*:} 2>/dev/null; done
\$bb mount -t devpts devpts /mnt/dev/pts 2>/dev/null
\$bb mount -t tmpfs tmpfs /mnt/dev/shm 2>/dev/null
\$bb mount -t tracefs tracefs /mnt/sys/kernel/tracing || fail "mount tracefs"
\$bb mount -t debugfs debugfs /mnt/sys/kernel/debug || fail "mount debugfs"
\$bb mount -t bpf bpf /mnt/sys/fs/bpf || fail "mount bpffs"
\$bb mount -t tmpfs -o mode=1777 tmpfs /mnt/tmp || fail "mount tmpfs /tmp"
\$bb mount -t tmpfs tmpfs /mnt/run 2>/dev/null
if [ -n "$tmp_top" ]; then
  \$bb mkdir -p "/mnt/tmp/$tmp_top" && \$bb mount --bind "/hosttmp/$tmp_top" "/mnt/tmp/$tmp_top" || fail "bind /tmp/$tmp_top"
fi
\$bb cp /cmd.sh /mnt/tmp/.probe-vm-cmd.sh
\$bb hostname probe-vm
echo; echo "@@PROBE-VM-BEGIN@@"
\$bb chroot /mnt /bin/bash /tmp/.probe-vm-cmd.sh
rc=\$?
echo "@@PROBE-VM-EXIT \$rc@@"
\$bb sync
\$bb poweroff -f
echo o > /proc/sysrq-trigger
EOF
chmod 755 "$root/init"
(cd "$root" && find . | "$busybox" cpio -o -H newc 2>/dev/null) | gzip -1 > "$work/initramfs.cpio.gz" \
  || { echo "run-in-vm: cannot build the initramfs" >&2; exit 125; }

# --- boot; stream the command's output; pick up its exit status ---
log="$work/console.log"
: > "$log"
timeout -k 5 "$timeout_s" "$qemu" -accel tcg -cpu max -m "${PROBE_VM_MEM:-2G}" -smp "${PROBE_VM_SMP:-2}" \
  -nographic -no-reboot -monitor none \
  -kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
  -append "console=ttyS0 quiet panic=-1 init=/init rdinit=/init" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -nic none </dev/null 2>&1 \
  | tr -d '\r' | tee "$log" \
  | awk '/^@@PROBE-VM-EXIT [0-9]+@@$/ { on = 0 } on { print; fflush() } /@@PROBE-VM-BEGIN@@$/ { on = 1 }'
status=("${PIPESTATUS[@]}")
qrc=${status[0]}
rc=$(sed -n 's/^@@PROBE-VM-EXIT \([0-9]*\)@@$/\1/p' "$log" | tail -n 1)
if [ -n "$rc" ]; then
  exit "$rc"
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
  # Say what the guest was doing: a hung kernel (RCU stall, oops) or a hung test.
  echo "run-in-vm: timed out after ${timeout_s}s; console tail:" >&2
  tail -n 40 "$log" >&2
  exit 124
fi
echo "run-in-vm: the VM stopped without reporting an exit status (qemu exit $qrc); console tail:" >&2
tail -n 40 "$log" >&2
exit 125
