#!/bin/sh
# Boots the guest image N times and reports the wall time from QEMU start to the agent's
# READY frame, and the guest uptime READY reports, with their medians.
#   bootbench.sh [N] [EXTRA_KERNEL_CMDLINE]
# Environment: UVM_INITRD (another initramfs), UVM_EXTRA_CMDLINE, UVM_MEM, UVM_CPUS, UVM_DISK
# (a data disk image, see lib.sh), UVM_SHARE_DIR.
set -eu
guest=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/uvm-bootbench.XXXXXX)
. "$guest/test/lib.sh"
trap 'qemu_kill; rm -rf "$tmp"' EXIT INT TERM
n=${1:-5}
extra=${2:-}
build_agentctl
: >"$tmp/boot.ready"
: >"$tmp/boot.uptime"
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	echo "boot $i: $(boot_measured "$tmp" "$extra" "$tmp/boot")"
done
echo "median: ready $(median <"$tmp/boot.ready") ms, guest uptime $(median <"$tmp/boot.uptime") ms (n=$n, cmdline: $(base_cmdline)${extra:+ $extra})"
