#!/bin/sh
# Smoke test of the guest image and agent: boots guest/out under QEMU (microvm, TCG) with
# the agent port on a temporary Unix socket and drives it with agentctl (agentctl.c):
#   - boot time, QEMU start -> READY, median of $SMOKE_BOOTS boots (default 5)
#   - the protocol suite (agentctl smoke): exec, stdout/stderr, exit codes, concurrent
#     channels, 10 MB through cat, flow control, PTY, signals, ping, stats, POWEROFF
#   - a 9p host share named by uvm.share= on the kernel command line
#   - QEMU exits after POWEROFF
#   - with rdinit=/bin/sleep 9999 the guest never becomes ready and QEMU keeps running
# Prints PASS/FAIL lines and exits non-zero on any failure. Builds the image first
# (guest/build-image.sh, quick when nothing changed) unless SMOKE_NO_BUILD=1.
set -eu
guest=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/uvm-smoke.XXXXXX)
. "$guest/test/lib.sh"
trap 'qemu_kill; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
	{ echo "qemu-system-x86_64 not found: install Debian package 'qemu-system-x86'" >&2; exit 2; }
if [ "${SMOKE_NO_BUILD:-0}" != 1 ]; then
	"$guest/build-image.sh"
fi
[ -s "$guest/out/vmlinux" ] && [ -n "$(image_initrd)" ] || { echo "no guest image in $guest/out" >&2; exit 2; }
build_agentctl
ctl=$tmp/agentctl
passed=0
failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() {
	echo "FAIL $*"
	failed=$((failed + 1))
	if [ -s "$tmp/console.log" ]; then
		echo "---- guest console:"
		tail -n 30 "$tmp/console.log"
		echo "----"
	fi
}

# ---------------------------------------------------------------- boot time
boots=${SMOKE_BOOTS:-5}
: >"$tmp/ready_ms"
i=0
while [ "$i" -lt "$boots" ]; do
	i=$((i + 1))
	qemu_start "$tmp" ""
	if out=$(AGENTCTL_T0_NS=$qemu_t0_ns "$ctl" "$tmp/agent.sock" ready-poweroff 60 2>&1); then
		ms=$(echo "$out" | sed -n 's/^ready_ms //p')
		up=$(echo "$out" | sed -n 's/.*uptime=\([0-9.]*\).*/\1/p')
		echo "boot $i: READY after $ms ms (guest uptime $up s)"
		echo "$ms" >>"$tmp/ready_ms"
		qemu_wait_exit 20 || fail "boot $i: QEMU still running 20 s after POWEROFF"
	else
		fail "boot $i: no READY: $out"
		qemu_kill
	fi
done
if [ -s "$tmp/ready_ms" ]; then
	pass "boot time: median $(median <"$tmp/ready_ms") ms from QEMU start to READY" \
		"($(wc -l <"$tmp/ready_ms") boots: $(tr '\n' ' ' <"$tmp/ready_ms"| sed 's/ $//'))"
fi

# ---------------------------------------------------------------- protocol suite
qemu_start "$tmp" ""
if "$ctl" "$tmp/agent.sock" smoke >"$tmp/smoke.out" 2>"$tmp/smoke.err"; then
	suite_ok=1
else
	suite_ok=0
fi
grep -E '^(PASS|FAIL) ' "$tmp/smoke.out" | sed 's/^/  /'
if [ "$suite_ok" = 1 ]; then
	pass "agent protocol suite ($(tail -n 1 "$tmp/smoke.out"))"
else
	fail "agent protocol suite ($(tail -n 1 "$tmp/smoke.out"))"
	sed 's/^/  stderr: /' "$tmp/smoke.err"
fi
if qemu_wait_exit 20; then
	pass "QEMU exited after POWEROFF"
else
	fail "QEMU still running 20 s after POWEROFF"
fi

# ---------------------------------------------------------------- 9p share
mkdir -p "$tmp/share"
echo "hello from the host" >"$tmp/share/hello.txt"
UVM_SHARE_DIR=$tmp/share
qemu_start_share() {
	# like qemu_start, with a virtio-9p device; the guest's /init mounts it
	_qs_dir=$tmp
	rm -f "$tmp/agent.sock" "$tmp/qmp.sock" "$tmp/console.log"
	qemu-system-x86_64 -M microvm -accel tcg -m 256M -smp 1 -nodefaults -no-user-config -nographic -no-reboot \
		-kernel "$(image_kernel)" -initrd "$(image_initrd)" \
		-append "$(base_cmdline) uvm.share=hostshare:/mnt/host:rw" \
		-chardev "file,id=console,path=$tmp/console.log" -serial chardev:console \
		-device virtio-serial-device \
		-chardev "socket,id=agent,path=$tmp/agent.sock,server=on,wait=off" \
		-device virtserialport,chardev=agent,name=uvm.agent \
		-fsdev "local,id=fs0,path=$UVM_SHARE_DIR,security_model=none" \
		-device virtio-9p-device,fsdev=fs0,mount_tag=hostshare \
		</dev/null >"$tmp/qemu.log" 2>&1 &
	qemu_pid=$!
}
qemu_start_share
out=$("$ctl" "$tmp/agent.sock" run -- sh -c 'cat /mnt/host/hello.txt && echo "written by the guest" >/mnt/host/from-guest.txt' 2>&1) || true
if [ "$out" = "hello from the host" ] && [ "$(cat "$tmp/share/from-guest.txt" 2>/dev/null)" = "written by the guest" ]; then
	pass "9p share mounted from uvm.share= (read and write)"
else
	fail "9p share: got '$out'"
fi
"$ctl" "$tmp/agent.sock" poweroff >/dev/null 2>&1 || true
qemu_wait_exit 20 || fail "QEMU still running 20 s after POWEROFF (share boot)"

# ---------------------------------------------------------------- a guest that never gets ready
qemu_start "$tmp" "rdinit=/bin/sleep 9999"
if "$ctl" "$tmp/agent.sock" ready 8 >/dev/null 2>&1; then
	fail "rdinit=/bin/sleep 9999: the guest reported ready"
elif kill -0 "$qemu_pid" 2>/dev/null; then
	pass "rdinit=/bin/sleep 9999: no READY within 8 s and QEMU keeps running"
else
	fail "rdinit=/bin/sleep 9999: QEMU exited"
fi
qemu_kill

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
