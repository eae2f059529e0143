#!/usr/bin/env bash
# uvm's own guest kernel (guest/kernel/build.sh), for setup.sh and test.sh:
#   scripts/kernel.sh --background   starts the build at low priority unless it is up to date or
#                                    already running, and returns at once
#   scripts/kernel.sh --wait         builds it, or waits for the build under way, with a progress
#                                    line every 15 s; fails when the build fails
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
out=guest/out
mkdir -p "$out"
case "${1:-}" in
--background)
  if guest/kernel/build.sh --check 2>/dev/null; then
    exit 0
  fi
  if [ -e "$out/kernel-build.state" ] && grep -q '^building' "$out/kernel-build.state" &&
     [ -d "/proc/$(awk '{ print $2 }' "$out/kernel-build.state")" ]; then
    echo "uvm setup: uvm's own guest kernel is being built in the background ($(cut -d' ' -f3- "$out/kernel-build.state"))" >&2
    exit 0
  fi
  setsid nohup nice -n 10 guest/kernel/build.sh >"$out/kernel-build.progress" 2>&1 </dev/null &
  echo "building $! starting" >"$out/kernel-build.state"
  echo "uvm setup: building uvm's own guest kernel in the background, at low priority (about 15 minutes on 2 CPUs;" \
    "progress: uvm --version, or tail -f $out/kernel-build.progress). Until it is done, VMs boot Debian's kernel" \
    "and each such boot says so." >&2
  ;;
--wait)
  if guest/kernel/build.sh --check 2>/dev/null; then
    exit 0
  fi
  # progress every 15 s, from this build or from the one under way that it waits for
  nice -n 10 guest/kernel/build.sh ||
    { echo "uvm: uvm's own guest kernel failed to build (guest/out/kernel-build.log)" >&2; exit 1; }
  ;;
*)
  echo "usage: scripts/kernel.sh --background | --wait" >&2
  exit 2
  ;;
esac
