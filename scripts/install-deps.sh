#!/usr/bin/env bash
# Installs the Debian packages uvm needs to build and run, if any is missing. Idempotent.
set -euo pipefail
# build; QEMU backend (with the data disk tools and the Debian installer); guest image (GNU tar goes into it); HCS ABI test double; metrics e2e (prometheus, promtool); shell e2e (tmux)
packages=(
  openjdk-17-jdk-headless maven
  qemu-system-x86 e2fsprogs mmdebstrap
  busybox-static musl-tools cpio xz-utils lz4 file tar
  gcc libc6-dev
  prometheus
  tmux
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "uvm setup: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "uvm setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
