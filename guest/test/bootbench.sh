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
: >"$tmp/ready"
: >"$tmp/uptime"
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	qemu_start "$tmp" "$extra"
	if out=$(AGENTCTL_T0_NS=$qemu_t0_ns "$tmp/agentctl" "$tmp/agent.sock" ready-poweroff 60); then
		ms=$(echo "$out" | sed -n 's/^ready_ms //p')
		up=$(echo "$out" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p')
		echo "boot $i: ready after $ms ms, guest uptime $up s"
		echo "$ms" >>"$tmp/ready"
		echo "$up" | awk '{ print int($1 * 1000) }' >>"$tmp/uptime"
	else
		echo "boot $i: no READY"; cat "$tmp/console.log"
	fi
	qemu_wait_exit 20 || echo "boot $i: QEMU did not exit after POWEROFF"
done
echo "median: ready $(median <"$tmp/ready") ms, guest uptime $(median <"$tmp/uptime") ms (n=$n, cmdline: $(base_cmdline)${extra:+ $extra})"
