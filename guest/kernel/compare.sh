#!/bin/sh
# Boots several guest kernels in turns and reports each one's median time from QEMU's start to
# the agent's READY, and the guest's uptime at READY: the measurements of guest/kernel/README.md.
#   compare.sh N LABEL=KERNEL:INITRD:MACHINE[:CMDLINE] ...
# e.g. compare.sh 8 debian=out/vmlinux:out/initramfs.cpio:microvm \
#                   uvm=out/vmlinux-uvm:out/initramfs-uvm.cpio:microvm,acpi=off:lapic_timer_period=4000000:initmem_poison=0
# Paths are relative to guest/. CMDLINE, its words separated by colons, is added to that
# kernel's command line (the daemon adds lapic_timer_period= and initmem_poison=0 for uvm's own
# kernel under TCG); a word -WORD leaves WORD of the image's recommended line out. Round i starts
# with the i-th kernel, so each comes first equally often. The command line is guest/test/lib.sh's
# (the image's recommended one), with 512 MiB, 1 vCPU, NAT networking and a data disk as the
# daemon boots them; UVM_EXTRA_CMDLINE adds to every boot's.
set -eu
guest=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/uvm-kernel-compare.XXXXXX)
. "$guest/test/lib.sh"
trap 'qemu_kill; rm -rf "$tmp"' EXIT INT TERM
n=${1:?usage: compare.sh N LABEL=KERNEL:INITRD:MACHINE[:CMDLINE] ...}
shift
[ $# -gt 0 ] || { echo "usage: compare.sh N LABEL=KERNEL:INITRD:MACHINE[:CMDLINE] ..." >&2; exit 2; }
build_agentctl
truncate -s 1G "$tmp/disk.img"
mkfs.ext4 -q -F "$tmp/disk.img"
export UVM_MEM=512M UVM_NET=1 UVM_DISK="$tmp/disk.img"
count=$#
round=0
while [ "$round" -lt "$n" ]; do
	round=$((round + 1))
	k=0
	while [ "$k" -lt "$count" ]; do
		idx=$(( (round - 1 + k) % count + 1 ))
		k=$((k + 1))
		eval "spec=\${$idx}"
		label=${spec%%=*}
		rest=${spec#*=}
		UVM_KERNEL=$(cd "$guest" && readlink -f "${rest%%:*}")
		rest=${rest#*:}
		UVM_INITRD=$(cd "$guest" && readlink -f "${rest%%:*}")
		rest=${rest#*:}
		UVM_MACHINE=${rest%%:*}
		extra=
		UVM_CMDLINE_DROP=
		case $rest in *:*) extra=$(echo "${rest#*:}" | tr ':' ' ') ;; esac
		for word in $extra; do # -WORD: leave WORD of the image's command line out
			case $word in -*) UVM_CMDLINE_DROP="$UVM_CMDLINE_DROP ${word#-}"; extra=$(echo " $extra " | sed "s| $word | |") ;; esac
		done
		export UVM_KERNEL UVM_INITRD UVM_MACHINE UVM_CMDLINE_DROP
		echo "round $round: $label: $(boot_measured "$tmp" "$extra" "$tmp/$label")"
	done
done
for spec in "$@"; do
	label=${spec%%=*}
	echo "$label: median ready $(median <"$tmp/$label.ready") ms, guest uptime $(median <"$tmp/$label.uptime") ms (n=$(wc -l <"$tmp/$label.ready"); ready: $(sort -n "$tmp/$label.ready" | tr '\n' ' '))"
done
