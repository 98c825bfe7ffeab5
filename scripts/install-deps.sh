#!/usr/bin/env bash
# Installs every build, test and demo dependency of probe from Debian 12's packages.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (apt-get needs it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  build-essential cmake pkg-config
  llvm-19-dev libpolly-19-dev libzstd-dev libxml2-dev libffi-dev libedit-dev libtinfo-dev
  libbpf-dev libelf-dev zlib1g-dev
  flex bison
  googletest libgtest-dev
  clang-19 libclang-rt-19-dev llvm-19  # sanitizer/fuzz build (scripts/sanitize.sh), llvm-objcopy
  bpftool python3 libz3-dev
  qemu-system-x86 busybox-static
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
