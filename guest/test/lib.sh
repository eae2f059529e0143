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
# UVM_PLAIN_CMDLINE=1 leaves out/cmdline out.
base_cmdline() {
	_bc_khz=$(host_tsc_khz)
	_bc_rec=
	if [ "${UVM_PLAIN_CMDLINE:-0}" != 1 ] && [ -s "$guest/out/cmdline" ]; then
		_bc_rec=$(cat "$guest/out/cmdline")
	fi
	echo "console=ttyS0 quiet panic=-1 reboot=t edd=off${_bc_khz:+ tsc_early_khz=$_bc_khz}${_bc_rec:+ $_bc_rec}${UVM_EXTRA_CMDLINE:+ $UVM_EXTRA_CMDLINE}"
}

image_kernel() { echo "$guest/out/vmlinux"; }
image_initrd() { ls "$guest"/out/initramfs* 2>/dev/null | head -n 1; }

# qemu_start DIR EXTRA_CMDLINE: starts QEMU in the background with its sockets and console
# log in DIR; sets $qemu_pid and $qemu_t0_ns (CLOCK_REALTIME ns just before the start).
# Optional devices: UVM_DISK=FILE attaches FILE as the data disk, as the host does (raw,
# virtio-blk, discard passed through; the guest mounts it at /data); UVM_SHARE_DIR=DIR shares
# DIR over virtio-9p with the tag hostshare, which the guest mounts at /mnt/host (uvm.share=).
qemu_start() {
	_qs_dir=$1
	rm -f "$_qs_dir/agent.sock" "$_qs_dir/qmp.sock" "$_qs_dir/console.log"
	qemu_t0_ns=$(date +%s%N)
	qemu-system-x86_64 -M microvm -accel tcg -m "${UVM_MEM:-256M}" -smp "${UVM_CPUS:-1}" \
		-nodefaults -no-user-config -nographic -no-reboot \
		-kernel "$(image_kernel)" -initrd "${UVM_INITRD:-$(image_initrd)}" \
		-append "$(base_cmdline)${UVM_SHARE_DIR:+ uvm.share=hostshare:/mnt/host:rw}${2:+ $2}" \
		-chardev "file,id=console,path=$_qs_dir/console.log" -serial chardev:console \
		-device virtio-serial-device \
		-chardev "socket,id=agent,path=$_qs_dir/agent.sock,server=on,wait=off" \
		-device virtserialport,chardev=agent,name=uvm.agent \
		-device virtio-balloon-device,free-page-reporting=on \
		${UVM_DISK:+-drive "file=$UVM_DISK,format=raw,if=none,id=data,discard=unmap,detect-zeroes=unmap"} \
		${UVM_DISK:+-device virtio-blk-device,drive=data} \
		${UVM_SHARE_DIR:+-fsdev "local,id=fs0,path=$UVM_SHARE_DIR,security_model=none"} \
		${UVM_SHARE_DIR:+-device virtio-9p-device,fsdev=fs0,mount_tag=hostshare} \
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

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'; }

build_agentctl() {
	command -v gcc >/dev/null 2>&1 || { echo "gcc not found: install Debian package 'gcc'" >&2; exit 2; }
	gcc -O2 -Wall -o "$tmp/agentctl" "$guest/test/agentctl.c"
}
