#!/bin/sh
# Smoke test of the guest image and agent: boots guest/out under QEMU (microvm, TCG) with
# the agent port on a temporary Unix socket and drives it with agentctl (agentctl.c):
#   - boot time, QEMU start -> READY, median of $SMOKE_BOOTS boots (default 5)
#   - the protocol suite (agentctl smoke): exec, stdout/stderr, exit codes, concurrent
#     channels, 10 MB through cat, flow control, PTY, signals, ping, stats, POWEROFF
#   - a 9p host share named by uvm.share= on the kernel command line
#   - QEMU exits after POWEROFF
#   - distributions (agentctl distro-smoke): a fresh data disk at /data, tarballs imported
#     with GNU tar, EXEC with CONTEXT/LOGIN in their namespaces, a gtar round trip with
#     xattrs, device nodes and links; then the disk is clean after POWEROFF, a second boot
#     finds the files of the first, and an unformatted disk does not stop a boot
#   - with rdinit=/bin/sleep 9999 the guest never becomes ready and QEMU keeps running
# Prints PASS/FAIL lines and exits non-zero on any failure. Builds the image first
# (guest/build-image.sh, quick when nothing changed) unless SMOKE_NO_BUILD=1.
# SMOKE_ONLY="boot suite share distro sleep" (any of them) runs only those sections.
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

section() { case " ${SMOKE_ONLY:-boot suite share distro sleep} " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- boot time
if section boot; then
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
fi

# ---------------------------------------------------------------- protocol suite
if section suite; then
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
fi

# ---------------------------------------------------------------- 9p share
mkdir -p "$tmp/share"
echo "hello from the host" >"$tmp/share/hello.txt"
if section share; then
# the guest's /init mounts the share named by uvm.share= (lib.sh adds it with UVM_SHARE_DIR)
UVM_SHARE_DIR=$tmp/share qemu_start "$tmp" ""
out=$("$ctl" "$tmp/agent.sock" run -- sh -c 'cat /mnt/host/hello.txt && echo "written by the guest" >/mnt/host/from-guest.txt' 2>&1) || true
if [ "$out" = "hello from the host" ] && [ "$(cat "$tmp/share/from-guest.txt" 2>/dev/null)" = "written by the guest" ]; then
	pass "9p share mounted from uvm.share= (read and write)"
else
	fail "9p share: got '$out'"
fi
"$ctl" "$tmp/agent.sock" poweroff >/dev/null 2>&1 || true
qemu_wait_exit 20 || fail "QEMU still running 20 s after POWEROFF (share boot)"
fi

# ---------------------------------------------------------------- distributions
if section distro; then
command -v mkfs.ext4 >/dev/null 2>&1 || { echo "mkfs.ext4 not found: install Debian package 'e2fsprogs'" >&2; exit 2; }
dd=$tmp/distro
mkdir -p "$dd"
# A busybox root file system, as a distribution's tarball would hold: the image's busybox
# with its applet links, root and alice (1000, also in the group users), a file naming it.
make_root() { # DIR NAME
	mkdir -p "$1/bin" "$1/etc" "$1/root" "$1/home/alice" "$1/tmp"
	cp "$guest/out/rootfs/bin/busybox" "$1/bin/busybox"
	for applet in $("$1/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$1/bin/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >"$1/etc/passwd"
	printf 'root:x:0:\nusers:x:100:alice\nalice:x:1000:\n' >"$1/etc/group"
	chown 1000:1000 "$1/home/alice"
	chmod 700 "$1/root"
	chmod 1777 "$1/tmp"
	echo "$2" >"$1/$2-only"
}
make_root "$dd/t1" t1
make_root "$dd/t2" t2
tar -czf "$dd/t1.tar.gz" --numeric-owner -C "$dd/t1" .
tar -cJf "$dd/t2.tar.xz" --numeric-owner -C "$dd/t2" .
# what GNU tar must carry through an import and an export: a user.* xattr, a device node, a
# hard link, a symlink, owners 1000:1000, mode 4755
mkdir -p "$dd/x/dir"
echo data >"$dd/x/dir/file"
xattr_set=1
if command -v setfattr >/dev/null 2>&1; then
	setfattr -n user.uvm -v "test value" "$dd/x/dir/file" || xattr_set=0
elif command -v python3 >/dev/null 2>&1; then
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.uvm", b"test value")' "$dd/x/dir/file" || xattr_set=0
else
	xattr_set=0
fi
ln "$dd/x/dir/file" "$dd/x/dir/hardlink"
ln -s file "$dd/x/dir/symlink"
mknod "$dd/x/dir/null" c 1 3
echo suid >"$dd/x/dir/suid"
chown -R 1000:1000 "$dd/x/dir"
chmod 4755 "$dd/x/dir/suid"
tar -cf "$dd/xattr.tar" --xattrs --xattrs-include='*' --numeric-owner --sort=name -C "$dd/x" .
truncate -s 256M "$dd/disk.img"
mkfs.ext4 -q -F "$dd/disk.img"

UVM_DISK=$dd/disk.img UVM_SHARE_DIR=$tmp/share qemu_start "$tmp" ""
if "$ctl" "$tmp/agent.sock" distro-smoke "$dd" >"$tmp/distro.out" 2>"$tmp/distro.err"; then
	suite_ok=1
else
	suite_ok=0
fi
grep -E '^(PASS|FAIL) ' "$tmp/distro.out" | sed 's/^/  /'
if [ "$suite_ok" = 1 ]; then
	pass "distribution suite ($(tail -n 1 "$tmp/distro.out"))"
else
	fail "distribution suite ($(tail -n 1 "$tmp/distro.out"))"
	sed 's/^/  stderr: /' "$tmp/distro.err"
fi
qemu_wait_exit 20 || fail "QEMU still running 20 s after POWEROFF (distribution boot)"

listing() { tar -tvv --xattrs --full-time -f "$1"; }
if [ ! -s "$dd/xattr-back.tar" ]; then
	fail "gtar round trip: nothing came back"
elif [ "$(listing "$dd/xattr.tar")" = "$(listing "$dd/xattr-back.tar")" ]; then
	if [ "$xattr_set" = 1 ] && listing "$dd/xattr-back.tar" | grep -q 'x: 10 user.uvm'; then
		pass "gtar round trip: the same listing (xattr, device node, hard link, symlink, owners, setuid)"
	else
		fail "gtar round trip: the same listing, but no xattr was set on the host (setfattr or python3 missing?)"
	fi
else
	fail "gtar round trip: listings differ"
	listing "$dd/xattr.tar" >"$tmp/l1"
	listing "$dd/xattr-back.tar" >"$tmp/l2"
	diff "$tmp/l1" "$tmp/l2" | sed 's/^/  /'
fi
# read only: the host never mounts the disk
if e2fsck -fn "$dd/disk.img" >"$tmp/fsck.out" 2>&1; then
	pass "data disk clean after POWEROFF (e2fsck -fn)"
else
	fail "data disk after POWEROFF: e2fsck -fn: $(tail -n 3 "$tmp/fsck.out" | tr '\n' ' ')"
fi

UVM_DISK=$dd/disk.img qemu_start "$tmp" ""
out=$("$ctl" "$tmp/agent.sock" run -r /data/distros/t1 -u alice -- sh -c 'cat /persist-synced /persist-unsynced; id -un' 2>&1) || true
if [ "$out" = "$(printf 'synced\nunsynced\nalice')" ]; then
	pass "second boot: files written in the first are on the disk"
else
	fail "second boot: got '$out'"
fi
"$ctl" "$tmp/agent.sock" poweroff >/dev/null 2>&1 || true
qemu_wait_exit 20 || fail "QEMU still running 20 s after POWEROFF (second disk boot)"

truncate -s 16M "$dd/blank.img"
UVM_DISK=$dd/blank.img qemu_start "$tmp" ""
out=$("$ctl" "$tmp/agent.sock" run -- sh -c 'grep -c " /data " /proc/mounts; uname -s' 2>&1) || true
if [ "$out" = "$(printf '0\nLinux')" ] && [ "$(grep -c '^uvm-init: cannot mount the data disk' "$tmp/console.log")" = 1 ]; then
	pass "unformatted data disk: the boot goes on, one line on the console ($(grep '^uvm-init: cannot mount' "$tmp/console.log"))"
else
	fail "unformatted data disk: got '$out'"
fi
"$ctl" "$tmp/agent.sock" poweroff >/dev/null 2>&1 || true
qemu_wait_exit 20 || fail "QEMU still running 20 s after POWEROFF (unformatted disk boot)"
fi

# ---------------------------------------------------------------- a guest that never gets ready
if section sleep; then
qemu_start "$tmp" "rdinit=/bin/sleep 9999"
if "$ctl" "$tmp/agent.sock" ready 8 >/dev/null 2>&1; then
	fail "rdinit=/bin/sleep 9999: the guest reported ready"
elif kill -0 "$qemu_pid" 2>/dev/null; then
	pass "rdinit=/bin/sleep 9999: no READY within 8 s and QEMU keeps running"
else
	fail "rdinit=/bin/sleep 9999: QEMU exited"
fi
qemu_kill
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
