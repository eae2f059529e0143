#!/usr/bin/env bash
# Installs the Debian packages uvm needs to build and run, if any is missing, and creates the
# unprivileged system user a root daemon runs QEMU as (uvm-vmm). Idempotent.
set -euo pipefail
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
fi
# The VMM user: no login, no home, no groups but its own; QEMU drops to it once it has opened its files.
if ! getent passwd uvm-vmm >/dev/null; then
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
    echo "uvm setup: need root to create the system user uvm-vmm (QEMU runs as it under the system service)" >&2
  else
    echo "uvm setup: creating the system user uvm-vmm, which QEMU runs as under a root daemon" >&2
    $sudo useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin uvm-vmm
  fi
fi
# build; QEMU backend (with the data disk tools and the Debian installer); guest image (GNU tar goes into it); uvm's own guest kernel (Debian's kernel source and what building it takes); HCS ABI test double; the Debian package (man pages from AsciiDoc and Markdown, lintian); metrics e2e (prometheus, promtool); shell e2e (tmux); zsh completion e2e
packages=(
  openjdk-17-jdk-headless maven
  qemu-system-x86 e2fsprogs mmdebstrap
  busybox-static musl-tools cpio xz-utils lz4 file tar
  linux-source make bc bison flex libelf-dev patch
  gcc libc6-dev
  asciidoctor pandoc lintian
  prometheus
  tmux zsh
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ -n "$sudo" ]; then
  command -v sudo >/dev/null || { echo "uvm setup: need root to install: ${missing[*]}" >&2; exit 1; }
fi
echo "uvm setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
