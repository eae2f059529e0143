# Shared by smoke.sh and bootbench.sh: boots the guest image under QEMU (microvm, TCG).
# Source it after setting $guest (the guest/ folder) and $tmp (a private temporary folder).

# The host's TSC frequency in kHz. Under TCG the guest's TSC runs at the host's rate, and the
# guest kernel cannot calibrate it on microvm (no HPET or PM timer; PIT calibration fails
# under emulation and the boot then hangs), so it is passed as tsc_early_khz.
host_tsc_khz() {
	awk -F: '/^cpu MHz/ { printf "%d\n", $2 * 1000 + 0.5; exit }' /proc/cpuinfo
}

# The kernel command line used by the scripts: the host's base line, tsc_early_khz, and the
# image's recommended additions from out/cmdline (see README.md for the measurements).
# UVM_PLAIN_CMDLINE=1 leaves out/cmdline out, UVM_CMDLINE_DROP="WORD ..." some of its words.
base_cmdline() {
	_bc_khz=$(host_tsc_khz)
	_bc_rec=
	if [ "${UVM_PLAIN_CMDLINE:-0}" != 1 ] && [ -s "$guest/out/cmdline" ]; then
		_bc_rec=$(cat "$guest/out/cmdline")
		for _bc_drop in ${UVM_CMDLINE_DROP:-}; do # words of out/cmdline to leave out
			_bc_rec=$(echo " $_bc_rec " | sed "s| $_bc_drop | |; s|^ *||; s| *$||")
		done
	fi
	echo "console=ttyS0 quiet panic=-1 reboot=t edd=off${_bc_khz:+ tsc_early_khz=$_bc_khz}${_bc_rec:+ $_bc_rec}${UVM_EXTRA_CMDLINE:+ $UVM_EXTRA_CMDLINE}"
}

image_kernel() { echo "${UVM_KERNEL:-$guest/out/vmlinux}"; }
image_initrd() { ls "$guest"/out/initramfs.* 2>/dev/null | head -n 1; } # not initramfs-uvm.*, which has no modules

# qemu_start DIR EXTRA_CMDLINE: starts QEMU in the background with its sockets and console
# log in DIR; sets $qemu_pid and $qemu_t0_ns (CLOCK_REALTIME ns just before the start).
# Optional devices: UVM_DISK=FILE attaches FILE as the data disk, as the host does (raw,
# virtio-blk, discard passed through; the guest mounts it at /data); UVM_SHARE_DIR=DIR shares
# DIR over virtio-9p with the tag hostshare, which the guest mounts at /mnt/host (uvm.share=);
# UVM_NET=1 adds NAT networking as the host does (uvm.net=nat). UVM_KERNEL=FILE boots another
# kernel, UVM_MACHINE another machine (microvm,acpi=off for uvm's own kernel), UVM_TCG_OPTS
# options of TCG (",tb-size=16").
qemu_start() {
	_qs_dir=$1
	rm -f "$_qs_dir/agent.sock" "$_qs_dir/qmp.sock" "$_qs_dir/console.log"
	qemu_t0_ns=$(date +%s%N)
	qemu-system-x86_64 -M "${UVM_MACHINE:-microvm}" -accel "tcg${UVM_TCG_OPTS:-}" -m "${UVM_MEM:-256M}" -smp "${UVM_CPUS:-1}" \
		-nodefaults -no-user-config -nographic -no-reboot \
		-kernel "$(image_kernel)" -initrd "${UVM_INITRD:-$(image_initrd)}" \
		-append "$(base_cmdline)${UVM_SHARE_DIR:+ uvm.share=hostshare:/mnt/host:rw}${UVM_NET:+ uvm.net=nat}${2:+ $2}" \
		-chardev "file,id=console,path=$_qs_dir/console.log" -serial chardev:console \
		-device virtio-serial-device \
		-chardev "socket,id=agent,path=$_qs_dir/agent.sock,server=on,wait=off" \
		-device virtserialport,chardev=agent,name=uvm.agent \
		-device virtio-balloon-device,free-page-reporting=on \
		${UVM_DISK:+-drive "file=$UVM_DISK,format=raw,if=none,id=data,discard=unmap,detect-zeroes=unmap"} \
		${UVM_DISK:+-device virtio-blk-device,drive=data} \
		${UVM_SHARE_DIR:+-fsdev "local,id=fs0,path=$UVM_SHARE_DIR,security_model=none"} \
		${UVM_SHARE_DIR:+-device virtio-9p-device,fsdev=fs0,mount_tag=hostshare} \
		${UVM_NET:+-netdev user,id=net0,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,ipv6=off} \
		${UVM_NET:+-device virtio-net-device,netdev=net0} \
		-qmp "unix:$_qs_dir/qmp.sock,server=on,wait=off" \
		</dev/null >"$_qs_dir/qemu.log" 2>&1 &
	qemu_pid=$!
}

# qemu_wait_exit SECONDS: 0 if QEMU exited within SECONDS, else kills it and returns 1.
qemu_wait_exit() {
	_qw_left=$(( $1 * 10 ))
	while [ "$_qw_left" -gt 0 ]; do
		kill -0 "$qemu_pid" 2>/dev/null || { wait "$qemu_pid" 2>/dev/null || true; qemu_pid=; return 0; }
		sleep 0.1
		_qw_left=$((_qw_left - 1))
	done
	qemu_kill
	return 1
}

qemu_kill() {
	if [ -n "${qemu_pid:-}" ]; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
		qemu_pid=
	fi
}

# boot_measured DIR EXTRA_CMDLINE FILES_PREFIX: one boot to READY and POWEROFF; appends the time
# from QEMU's start to READY (ms) to FILES_PREFIX.ready and the guest uptime at READY (ms) to
# FILES_PREFIX.uptime, and prints "ready after N ms, guest uptime U s" (or why not)
boot_measured() {
	qemu_start "$1" "$2"
	if _bm_out=$(AGENTCTL_T0_NS=$qemu_t0_ns "$tmp/agentctl" "$1/agent.sock" ready-poweroff 60); then
		_bm_ms=$(echo "$_bm_out" | sed -n 's/^ready_ms //p')
		_bm_up=$(echo "$_bm_out" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p')
		echo "ready after $_bm_ms ms, guest uptime $_bm_up s"
		echo "$_bm_ms" >>"$3.ready"
		echo "$_bm_up" | awk '{ print int($1 * 1000) }' >>"$3.uptime"
	else
		echo "no READY"; tail -5 "$1/console.log"
	fi
	qemu_wait_exit 20 || echo "QEMU did not exit after POWEROFF"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'; }

build_agentctl() {
	command -v gcc >/dev/null 2>&1 || { echo "gcc not found: install Debian package 'gcc'" >&2; exit 2; }
	gcc -O2 -Wall -o "$tmp/agentctl" "$guest/test/agentctl.c"
}
