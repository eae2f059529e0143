#!/usr/bin/env bash
# uvm benchmarks: one command that builds what it needs, runs every comparison back to back on
# the same guest image and prints a Markdown table, also written to BENCHMARKS.md.
#
#   bench/run.sh            full run (12 repetitions of each boot, a multiple of the 4 orders, 500 sessions,
#                           Debian installed twice next to mmdebstrap twice, ...), about 20 min
#   bench/run.sh --quick    smoke run (3 repetitions, fewer sessions and cycles), about 3 min;
#                           writes bench/build/BENCHMARKS.quick.md instead of BENCHMARKS.md
#   options: --output FILE (where the report goes), --no-libvirt (skip the libvirt comparison)
#
# Needs root for the Debian packages (libvirt-daemon-system, hyperfine, jq, curl) and for
# libvirt. Everything runs under a private folder in /tmp: its own uvm daemon (socket, config,
# state), its own QEMU processes and, when none was running, its own libvirtd and virtlogd; all
# of them are stopped at the end, and only those.
set -euo pipefail
home=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
bench=$home/bench
build=$bench/build
. "$bench/lib/common.sh"

quick=0
out=
with_libvirt=1
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--output) out=${2:?--output needs a file}; shift ;;
	--no-libvirt) with_libvirt=0 ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done

if [ "$quick" = 1 ]; then
	reps=3 warm_runs=5 sessions=50 session_warmup=10 idle_cycles=3 idle_window=10 net_rounds=2
	jmh_args=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
	out=${out:-$build/BENCHMARKS.quick.md}
else
	reps=12 warm_runs=30 sessions=500 session_warmup=50 idle_cycles=20 idle_window=60 net_rounds=6
	jmh_args=(-f 1 -wi 3 -w 2s -i 5 -r 2s)
	out=${out:-$home/BENCHMARKS.md}
fi
debian_mirror=http://deb.debian.org/debian
memory_mb=512          # guest RAM of every VM here (uvm's default)
idle_timeout_ms=2000   # vmIdleTimeout of the VM used for the idle-reclamation cycles
settle_s=0.5           # pause before each timed boot (then bench/lib/common.sh: settle waits for a quiet machine)
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t_start=$(now_ms)

# ------------------------------------------------------------------ dependencies and build

say "setting up uvm (scripts/setup.sh)"
"$home/scripts/setup.sh"
say "uvm's own guest kernel (scripts/kernel.sh --wait)"
"$home/scripts/kernel.sh" --wait

pkgs=(hyperfine jq curl)
[ "$with_libvirt" = 1 ] && pkgs+=(libvirt-daemon-system)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi

mkdir -p "$build"
if [ ! -x "$build/agent-true" ] || [ "$bench/lib/agent-true.c" -nt "$build/agent-true" ] ||
	[ "$home/guest/test/agentctl.c" -nt "$build/agent-true" ]; then
	say "compiling agent-true (guest/test/agentctl.c)"
	gcc -O2 -Wall -Wno-unused-function -o "$build/agent-true" "$bench/lib/agent-true.c"
fi
if [ ! -x "$build/agentctl" ] || [ "$home/guest/test/agentctl.c" -nt "$build/agentctl" ]; then
	say "compiling agentctl (guest/test/agentctl.c)"
	gcc -O2 -Wall -o "$build/agentctl" "$home/guest/test/agentctl.c"
fi
client_jar=$(ls "$home"/client/target/uvm-client-*.jar | head -n 1)
bench_jar=$(ls "$bench"/target/uvm-bench-*.jar 2>/dev/null | head -n 1 || true)
if [ -z "$bench_jar" ] || [ "$client_jar" -nt "$bench_jar" ] ||
	[ -n "$(find "$bench/pom.xml" "$bench/src" -newer "$bench_jar" -type f -print -quit)" ]; then
	say "building the benchmark module (mvn -f bench/pom.xml package)"
	mvn -B -q -f "$bench/pom.xml" package
fi


# the client's JVM flags, from bin/uvm itself, for the floor measurement
client_flags=$(sed -n 's/^flags=(\(.*\))$/\1/p' "$home/bin/uvm" | head -n 1)
[ -n "$client_flags" ] || die "cannot read the client's JVM flags from bin/uvm"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# ------------------------------------------------------------------ run folder and cleanup

work=$(mktemp -d /tmp/uvm-bench.XXXXXX)
res=$work/results
mkdir -p "$res"
dpid=
qconf_backup=
started_libvirtd=
started_virtlogd=
domain=uvm-bench-${work##*.}
virsh=(virsh -q -c qemu:///system)

stop_daemon() {
	[ -n "$dpid" ] || return 0
	if alive "$dpid"; then
		timeout 120 "$uvm_bin" stop-daemon >/dev/null 2>&1 || true
		wait_until 90 dead "$dpid" || kill -9 "$dpid" 2>/dev/null || true
	fi
	wait "$dpid" 2>/dev/null || true
	dpid=
}

cleanup() {
	set +e
	stop_daemon
	if [ "$with_libvirt" = 1 ] && command -v virsh >/dev/null; then
		"${virsh[@]}" destroy "$domain" >/dev/null 2>&1
	fi
	for p in $(our_qemus "$work"); do
		kill -9 "$p" 2>/dev/null
	done
	[ -n "$started_libvirtd" ] && kill "$started_libvirtd" 2>/dev/null
	[ -n "$started_virtlogd" ] && kill "$started_virtlogd" 2>/dev/null
	if [ -n "$qconf_backup" ]; then
		cp "$qconf_backup" /etc/libvirt/qemu.conf
	fi
	rm -rf "$build/last-run"
	cp -r "$res" "$build/last-run" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A copy of what runs: bin/uvm, the client's and the daemon's jars with their libraries, the guest
# image. Every comparison then uses the same files even when the checkout is rebuilt during the run.
snap=$work/home
snapshot() {
	rm -rf "$snap"
	mkdir -p "$snap/bin" "$snap/client/target" "$snap/daemon/target" "$snap/guest/out"
	cp "$home/bin/uvm" "$snap/bin/" || return 1
	local side j
	for side in client daemon; do
		cp "$home/$side"/target/uvm-"$side"-*.jar "$snap/$side/target/" &&
			cp -r "$home/$side/target/lib" "$snap/$side/target/" || return 1
		for j in "$snap/$side"/target/uvm-"$side"-*.jar "$snap/$side"/target/lib/*.jar; do
			unzip -tqq "$j" >/dev/null 2>&1 || return 1
		done
	done
	cp "$home"/guest/out/vmlinux "$home"/guest/out/initramfs* "$home"/guest/out/cmdline "$home"/guest/out/image.json \
		"$snap/guest/out/" || return 1
	# uvm's own kernel, which VM default boots (bench/run.sh runs setup.sh, which starts its build,
	# then waits for it: the figures are about this kernel)
	cp "$home"/guest/out/vmlinux-uvm "$home"/guest/out/vmlinux-uvm.json "$home"/guest/out/vmlinux-uvm.config \
		"$snap/guest/out/" || return 1
	# unzip names the member itself (no `| grep -q`: under pipefail, grep's early exit can end unzip with SIGPIPE)
	unzip -l "$snap"/client/target/uvm-client-*.jar dev/uvm/client/Main.class >/dev/null || return 1
	unzip -l "$snap"/daemon/target/uvm-daemon-*.jar dev/uvm/daemon/Main.class >/dev/null || return 1
	# the client's class data sharing archive is valid only for the jars' paths: made anew here
	mkdir -p "$snap/scripts" && cp "$home/scripts/client-archive.sh" "$snap/scripts/" &&
		"$snap/scripts/client-archive.sh" 2>/dev/null
}
for attempt in 1 2 3 4 5 6; do
	snapshot && break
	[ "$attempt" -lt 6 ] || die "cannot copy a complete build of uvm (the checkout is being rebuilt?)"
	say "the build is incomplete (being rebuilt?); running setup again in 10 s"
	sleep 10
	"$home/scripts/setup.sh"
done
uvm_bin=$snap/bin/uvm
snap_jar=$(ls "$snap"/client/target/uvm-client-*.jar | head -n 1)
if [ "$with_libvirt" = 1 ]; then
	"$bench/lib/libvirt-initramfs.sh" "$work/libvirt-initramfs.cpio" "$snap/guest/out"
fi

# ------------------------------------------------------------------ machine details

other_qemus() { ps -eo comm= | grep -c '^qemu-system' || true; }
{
	echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "cores=$(nproc)"
	echo "mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
	echo "kernel=$(uname -sr)"
	echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
	echo "java=$("$java" -version 2>&1 | head -n 1)"
	echo "hyperfine=$(hyperfine --version)"
	echo "libvirt=$( [ "$with_libvirt" = 1 ] && libvirtd --version 2>/dev/null || echo "not used")"
	echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "other_qemus_start=$(other_qemus)"
	echo "commit=$(git -C "$home" rev-parse --short HEAD 2>/dev/null)$(git -C "$home" diff --quiet HEAD -- 2>/dev/null || echo ' (work tree with uncommitted changes)')"
} >"$res/machine"

# ------------------------------------------------------------------ the uvm daemon

# free_port [FIRST]: the first port from FIRST (19400) to 19499 that nothing listens on
free_port() {
	local p
	for p in $(seq "${1:-19400}" 19499); do
		if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return
		fi
	done
	die "no free port in ${1:-19400}-19499"
}

# daemon_start ACCEL: the daemon with its own socket, config, state and cache under $work/ACCEL
daemon_start() {
	local accel=$1 d=$work/$1
	mkdir -p "$d"
	port=$(free_port)
	# a declared port of VM suspend (figure 8), to a server in its guest on port 8080
	wake_port=$(free_port $((port + 1)))
	cat >"$d/uvm.conf" <<-EOF
		[daemon]
		metricsAddress = 127.0.0.1:$port
		stateDir = $d/state
		[vm]
		memory = ${memory_mb}MB
		processors = 1
		vmIdleTimeout = 30min
		[vm.debian]
		kernel = debian
		[vm.idle]
		vmIdleTimeout = ${idle_timeout_ms}ms
		[vm.suspend]
		vmIdleTimeout = 0
		idleAction = suspend
		ports = $wake_port:8080
	EOF
	export UVM_SOCKET=$d/uvm.sock UVM_CONFIG=$d/uvm.conf UVM_ACCEL=$accel
	export XDG_STATE_HOME=$d/xdg-state XDG_CACHE_HOME=$d/xdg-cache
	metrics_url=http://127.0.0.1:$port/metrics
	daemon_log=$d/daemon.log
	"$uvm_bin" daemon >"$daemon_log" 2>&1 &
	dpid=$!
	wait_until 60 test -S "$UVM_SOCKET" || die "daemon did not create its socket: $(tail -5 "$daemon_log")"
	wait_until 30 curl -fsS -o /dev/null --max-time 2 "$metrics_url" || die "no metrics at $metrics_url"
	say "daemon pid $dpid ($accel), socket $UVM_SOCKET, metrics $metrics_url"
	sleep 2
	rss_kb "$dpid" >"$res/$accel.daemon-rss-start"
}

uvm() { "$uvm_bin" "$@"; }

boot_lines() { grep -c "event=boot vm=$1 result=ok" "$daemon_log" || true; }
phase_sum() { metric uvm_vm_boot_phase_duration_seconds_sum "phase=\"$1\",vm=\"default\"" "$metrics_url"; }
vm_pid() { grep "event=boot vm=$1 result=ok" "$daemon_log" | tail -n 1 | sed -n 's/.* vmm_pid=\([0-9]*\).*/\1/p'; }

# ------------------------------------------------------------------ the raw QEMU command line

# capture_argv ACCEL: the daemon's own QEMU argument list, read from /proc of its running QEMU,
# with the daemon's VM folder replaced by the raw runs' folder
capture_argv() {
	local d=$work/$1 pid
	pid=$(vm_pid default)
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || die "no running QEMU of the daemon to copy the command line from"
	mapfile -d '' -t daemon_argv <"/proc/$pid/cmdline"
	local vmdir
	vmdir=$(dirname "$UVM_SOCKET")/vms/default
	printf '%s\n' "${daemon_argv[@]}" | grep -qF "$vmdir/agent.sock" || die "the daemon's QEMU does not use $vmdir"
	raw_dir=$d/raw
	mkdir -p "$raw_dir"
	raw_argv=()
	local a
	for a in "${daemon_argv[@]}"; do
		raw_argv+=("${a//$vmdir/$raw_dir}")
	done
	printf '%s\n' "${raw_argv[@]}" >"$res/$1.raw-argv"
	data_disk=
	for a in "${daemon_argv[@]}"; do
		case $a in file=/dev/fdset/*) data_disk=$d/state/disks/default.img ;; esac
	done
	kernel_path=$(printf '%s\n' "${daemon_argv[@]}" | sed -n '/^-kernel$/{n;p}')
	initrd_path=$(printf '%s\n' "${daemon_argv[@]}" | sed -n '/^-initrd$/{n;p}')
	kernel_cmdline=$(printf '%s\n' "${daemon_argv[@]}" | sed -n '/^-append$/{n;p}')
}

# raw_boot DIR TIMEOUT_S ARGV...: one boot: QEMU, READY, `true`, POWEROFF, QEMU gone.
# Prints "total_ms ready_ms"; fails when the agent did not answer in time.
raw_boot() {
	local dir=$1 limit=$2 t0 t1 q ok=0
	shift 2
	rm -f "$dir/agent.sock" "$dir/qmp.sock" "$dir/console.log"
	# The daemon's command line under a root daemon: QEMU is jailed in DIR/jail and takes the data disk
	# as inherited descriptors 4 (read-write) and 5 (read-only), which the daemon's launcher opens.
	mkdir -p "$dir/jail"
	t0=$(now_ns)
	if [ -n "${data_disk:-}" ]; then
		"$@" </dev/null >"$dir/qemu.log" 2>&1 4<>"$data_disk" 5<"$data_disk" &
	else
		"$@" </dev/null >"$dir/qemu.log" 2>&1 &
	fi
	q=$!
	if AGENTCTL_T0_NS=$t0 timeout $((limit + 20 + ${agent_loops:-0} / 10)) "$build/agent-true" "$dir/agent.sock" "$limit" ${agent_loops:-} >"$dir/agent.out" 2>&1; then
		t1=$(now_ns)
		ok=1
	fi
	wait_until 10 dead "$q" || kill -9 "$q" 2>/dev/null || true
	wait "$q" 2>/dev/null || true
	[ "$ok" = 1 ] || return 1
	echo "$(((t1 - t0) / 1000000)) $(sed -n 's/^ready_ms //p' "$dir/agent.out")"
}

# kvm_probe: boots the daemon's command line with -accel kvm (without the TCG-only
# tsc_early_khz); KVM counts as working only when the agent answers within 15 s.
kvm_probe() {
	if [ ! -e /dev/kvm ]; then
		kvm_reason="/dev/kvm does not exist"
		return 1
	fi
	local dir=$work/kvm-probe argv=() a
	mkdir -p "$dir"
	for a in "${raw_argv[@]}"; do
		a=${a//$raw_dir/$dir}
		[ "$a" = tcg ] && a=kvm
		argv+=("$(echo "$a" | sed 's/ tsc_early_khz=[0-9]*//')")
	done
	if raw_boot "$dir" 15 "${argv[@]}" >/dev/null; then
		kvm_reason="a probe boot with -accel kvm reached the guest agent"
		return 0
	fi
	kvm_reason="/dev/kvm exists, but a probe boot of the same image with -accel kvm did not reach the guest agent within 15 s"
	local last
	last=$(grep -v '^$' "$dir/qemu.log" 2>/dev/null | tail -n 1 || true)
	[ -n "$last" ] && kvm_reason="$kvm_reason (QEMU: $last)"
	[ -d /sys/module/kvm_pvm ] && kvm_reason="$kvm_reason; the host's KVM is the paravirtual nested kvm_pvm"
	return 1
}

# ------------------------------------------------------------------ libvirt

libvirt_up() {
	[ "$with_libvirt" = 1 ] || return 1
	if "${virsh[@]}" version >/dev/null 2>&1; then
		libvirt_note="an already running libvirtd was used as configured"
		return 0
	fi
	command -v libvirtd >/dev/null || { libvirt_note="libvirtd is not installed"; return 1; }
	# libvirt re-probes QEMU's capabilities (about a minute) at every domain start when KVM
	# worked for the root-run probe but /dev/kvm is not usable by its QEMU user; this machine's
	# /dev/kvm is root-only (0600), so QEMU runs as root here, as uvm's does. The file is
	# restored at the end.
	qconf_backup=$work/qemu.conf.orig
	cp /etc/libvirt/qemu.conf "$qconf_backup"
	printf '\n# added by uvm bench/run.sh for its run; restored afterwards\nuser = "+0"\ngroup = "+0"\n' >>/etc/libvirt/qemu.conf
	if ! pgrep -x virtlogd >/dev/null; then
		virtlogd -d --pid-file "$work/virtlogd.pid"
		wait_until 10 test -s "$work/virtlogd.pid" && started_virtlogd=$(cat "$work/virtlogd.pid")
	fi
	libvirtd -d --pid-file "$work/libvirtd.pid"
	wait_until 10 test -s "$work/libvirtd.pid" && started_libvirtd=$(cat "$work/libvirtd.pid")
	wait_until 30 "${virsh[@]}" version >/dev/null 2>&1 || { libvirt_note="libvirtd did not start"; return 1; }
	libvirt_note="libvirtd and virtlogd were started for the run (no service manager here) and stopped after it; its QEMU ran as root (qemu.conf user/group +0), as uvm's does, because libvirt re-probes QEMU at every start when its QEMU user cannot open /dev/kvm (root-only here)"
	return 0
}

# libvirt_xml ACCEL: a q35 domain with Debian's kernel (a q35 machine's devices sit on PCI, which
# uvm's own kernel does not have; figure 2 compares it with VM debian), the same command line,
# memory and vCPUs; the agent port is a virtio-serial channel to a Unix socket, the console a file
libvirt_xml() {
	local type=qemu
	[ "$1" = kvm ] && type=kvm
	lv_dir=$work/$1/libvirt
	mkdir -p "$lv_dir"
	cat >"$lv_dir/domain.xml" <<-EOF
		<domain type='$type'>
		  <name>$domain</name>
		  <memory unit='MiB'>$memory_mb</memory>
		  <vcpu>1</vcpu>
		  <os>
		    <type arch='x86_64' machine='q35'>hvm</type>
		    <kernel>$snap/guest/out/vmlinux</kernel>
		    <initrd>$work/libvirt-initramfs.cpio</initrd>
		    <cmdline>$kernel_cmdline</cmdline>
		  </os>
		  <features><acpi/></features>
		  <seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>
		  <on_poweroff>destroy</on_poweroff>
		  <on_reboot>destroy</on_reboot>
		  <on_crash>destroy</on_crash>
		  <devices>
		    <emulator>$(command -v qemu-system-x86_64)</emulator>
		    <controller type='usb' model='none'/>
		    <serial type='file'><source path='$lv_dir/console.log'/><target port='0'/></serial>
		    <channel type='unix'><source mode='bind' path='$lv_dir/agent.sock'/><target type='virtio' name='uvm.agent'/></channel>
		    <memballoon model='virtio'/>
		  </devices>
		</domain>
	EOF
	cp "$lv_dir/domain.xml" "$res/$1.libvirt-domain.xml"
}

domain_gone() { ! "${virsh[@]}" list --name 2>/dev/null | grep -qx "$domain"; }

# libvirt_boot: virsh create, READY, `true`, POWEROFF, QEMU gone; "total_ms ready_ms"
libvirt_boot() {
	local t0 t1 ok=0
	wait_until 30 domain_gone || "${virsh[@]}" destroy "$domain" >/dev/null 2>&1 || true
	rm -f "$lv_dir/agent.sock" "$lv_dir/console.log"
	t0=$(now_ns)
	if "${virsh[@]}" create "$lv_dir/domain.xml" >"$lv_dir/create.out" 2>&1 &&
		AGENTCTL_T0_NS=$t0 timeout 80 "$build/agent-true" "$lv_dir/agent.sock" 60 >"$lv_dir/agent.out" 2>&1; then
		t1=$(now_ns)
		ok=1
	fi
	wait_until 30 domain_gone || "${virsh[@]}" destroy "$domain" >/dev/null 2>&1 || true
	[ "$ok" = 1 ] || return 1
	echo "$(((t1 - t0) / 1000000)) $(sed -n 's/^ready_ms //p' "$lv_dir/agent.out")"
}

# ------------------------------------------------------------------ the measurements

# uvm_cold_once ACCEL: VM stopped (uvm shutdown), then `uvm run --system -- true` (the utility
# environment, as `uvm run -- true` with no distribution installed), timed end to end;
# then, untimed, the boot's phases from /metrics and the log, and /init's start from dmesg
uvm_cold_once() {
	local r=$res/$1 before=() after=() p t0 t1 n
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	local pid
	pid=$(vm_pid default)
	[ -z "$pid" ] || wait_until 30 dead "$pid" || say "warning: QEMU $pid still alive after uvm shutdown"
	settle
	for p in vmm_up kernel_start agent_ready; do before+=("$(phase_sum "$p")"); done
	n=$(boot_lines default)
	t0=$(now_ns)
	if ! uvm run --system -- true >/dev/null 2>"$work/run.err"; then
		say "uvm run failed: $(cat "$work/run.err")"
		return 1
	fi
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000)) >>"$r.cold-uvm"
	wait_until 5 more_lines "$daemon_log" "event=boot vm=default result=ok" "$n" || { say "no boot line for this run"; return 0; }
	for p in vmm_up kernel_start agent_ready; do after+=("$(phase_sum "$p")"); done
	local init_s
	init_s=$(uvm run --system -- dmesg 2>/dev/null | sed -n 's/^\[ *\([0-9.]*\)\] Run \/init.*/\1/p' | head -n 1)
	grep "event=boot vm=default result=ok" "$daemon_log" | tail -n 1 |
		sed -n 's/.* boot_ms=\([0-9]*\).*/\1/p' >>"$r.phase-boot"
	awk -v b="${before[*]}" -v a="${after[*]}" -v init="${init_s:--}" 'BEGIN {
		split(b, x, " "); split(a, y, " ")
		for (i = 1; i <= 3; i++) d[i] = (y[i] - x[i]) * 1000
		printf "%.0f %.0f %s %.0f\n", d[1], d[2], init == "-" ? "-" : sprintf("%.0f", d[2] + init * 1000), d[3]
	}' >>"$r.phases"
}

# debian_cold_once ACCEL: the cold start of uvm_cold_once in VM `debian` (kernel = debian):
# Debian's generic kernel and the initramfs with its modules, the same settings otherwise
debian_cold_once() {
	local r=$res/$1
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	settle
	local t0 t1
	t0=$(now_ns)
	if ! uvm run --vm debian --system -- true >/dev/null 2>"$work/run.err"; then
		say "uvm run --vm debian failed: $(cat "$work/run.err")"
		return 1
	fi
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000)) >>"$r.cold-debian"
}

# uvm_restore_once ACCEL: VM `suspend` saved to disk (idleAction = suspend, vmIdleTimeout = 0: it
# is saved as soon as its session ends), no other VM running; then `uvm run --vm suspend -- true`,
# timed end to end like uvm_cold_once. The other steps' `uvm shutdown` discards the saved state
# (an explicit stop means a cold boot next time), so each round first saves the VM again, untimed.
# A run that was not a restore (no new restore line in the log) is not counted.
uvm_restore_once() {
	local r=$res/$1 saved=$work/$1/state/vms/suspend.snapshot t0 t1 n
	if [ ! -s "$saved" ]; then
		uvm run --vm suspend -- true >/dev/null 2>"$work/run.err" || { say "uvm run --vm suspend failed: $(cat "$work/run.err")"; return 1; }
	fi
	wait_until 60 test -s "$saved" || { say "VM suspend was not saved: $(tail -3 "$daemon_log")"; return 1; }
	settle
	n=$(grep -c "event=restore vm=suspend result=ok" "$daemon_log" || true)
	t0=$(now_ns)
	if ! uvm run --vm suspend -- true >/dev/null 2>"$work/run.err"; then
		say "uvm run --vm suspend failed: $(cat "$work/run.err")"
		return 1
	fi
	t1=$(now_ns)
	if wait_until 5 more_lines "$daemon_log" "event=restore vm=suspend result=ok" "$n"; then
		echo $(((t1 - t0) / 1000000)) >>"$r.restore-uvm"
	else
		say "that run of VM suspend was not a restore: $(grep 'vm=suspend' "$daemon_log" | tail -2)"
	fi
	# saved again before the next step runs, so that no save overlaps a timed boot
	wait_until 60 test -s "$saved" || true
}

# The distribution of the distribution rows. --quick: a small busybox root file system made here
# and imported (the import is timed); full: Debian installed with `uvm install debian`, timed
# next to mmdebstrap alone with the same command line, writing its tarball to /dev/null, twice
# each in the order mmdebstrap, uvm, uvm, mmdebstrap. The VM is running during both, so the
# uvm figure is mmdebstrap plus streaming the tarball into the guest and unpacking it there.
bench_distro=
prepare_distro() {
	local accel=$1 r=$res/$1 t0 t1 i s
	uvm run --system -- true >/dev/null || { say "uvm run failed before the distribution was made"; return 1; }
	if [ "$quick" = 1 ]; then
		local root=$work/distro-rootfs a
		say "[$accel] distribution: importing a busybox root file system"
		mkdir -p "$root/bin" "$root/etc" "$root/root" "$root/tmp"
		cp /bin/busybox "$root/bin/busybox"
		for a in sh true ls cat; do ln -sf busybox "$root/bin/$a"; done
		echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
		echo 'root:x:0:' >"$root/etc/group"
		tar --numeric-owner -C "$root" -czf "$work/distro.tar.gz" .
		wc -c <"$work/distro.tar.gz" >"$r.import-bytes"
		settle
		t0=$(now_ns)
		uvm import bench-busybox "$work/distro.tar.gz" >/dev/null 2>"$work/run.err" ||
			{ say "uvm import failed: $(cat "$work/run.err")"; return 1; }
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000000)) >>"$r.import-distro"
		bench_distro=bench-busybox
		return 0
	fi
	say "[$accel] distribution: uvm install debian next to mmdebstrap alone, 2 each (downloads from $debian_mirror)"
	for i in 1 2; do
		for s in $([ "$i" = 1 ] && echo "mmdebstrap uvm" || echo "uvm mmdebstrap"); do
			settle
			t0=$(now_ns)
			if [ "$s" = uvm ]; then
				uvm install debian --name "bench-debian-$i" >"$work/install.out" 2>&1 ||
					{ say "uvm install failed: $(tail -3 "$work/install.out")"; continue; }
				[ -n "$bench_distro" ] || bench_distro=bench-debian-$i
			else
				# DebianInstaller.command(release, no user): keep the two in step
				mmdebstrap --mode=auto --variant=minbase --format=tar \
					--include=ca-certificates,sudo,procps,less,bash-completion,nano \
					bookworm - "$debian_mirror" >/dev/null 2>"$work/mmdebstrap.err" ||
					{ say "mmdebstrap failed: $(tail -3 "$work/mmdebstrap.err")"; continue; }
			fi
			t1=$(now_ns)
			echo $(((t1 - t0) / 1000000)) >>"$r.install-$s"
			say "[$accel] install $i: $s $(((t1 - t0) / 1000000)) ms"
		done
	done
	[ -n "$bench_distro" ]
}

# distro_cold_once ACCEL: as uvm_cold_once, into the distribution: VM stopped, then
# `uvm run -d NAME -- true` (boot, the distribution's namespaces and init, the command)
distro_cold_once() {
	local r=$res/$1 pid t0 t1
	[ -n "$bench_distro" ] || return 0
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	pid=$(vm_pid default)
	[ -z "$pid" ] || wait_until 30 dead "$pid" || say "warning: QEMU $pid still alive after uvm shutdown"
	settle
	t0=$(now_ns)
	if ! uvm run -d "$bench_distro" -- true >/dev/null 2>"$work/run.err"; then
		say "uvm run -d $bench_distro failed: $(cat "$work/run.err")"
		return 1
	fi
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000)) >>"$r.cold-distro"
}

measure_cold() {
	local accel=$1 r=$res/$1 i order s
	say "[$accel] cold start: $reps rounds of uvm / raw QEMU${lv_ok:+ / libvirt}, interleaved"
	for i in $(seq 1 "$reps"); do
		[ $(($(now_ms) - t_start)) -lt 3600000 ] || { say "time budget used up; stopping the cold rounds"; break; }
		# A Williams square: over 4 rounds each contender runs once in each position and right
		# after each other contender once, so that what a teardown leaves behind (libvirtd's
		# clean-up, a saved VM's file) does not fall on one contender more than on another.
		case $((i % 4)) in
		1) order="uvm raw restore libvirt" ;;
		2) order="raw libvirt uvm restore" ;;
		3) order="libvirt restore raw uvm" ;;
		0) order="restore uvm libvirt raw" ;;
		esac
		for s in $order; do
			case $s in
			uvm)
				# uvm's own kernel (VM default) and Debian's (VM debian) one after the other, in turns
				if [ $((i % 2)) = 1 ]; then
					uvm_cold_once "$accel" || true
					debian_cold_once "$accel" || true
				else
					debian_cold_once "$accel" || true
					uvm_cold_once "$accel" || true
				fi
				# the distribution right after: the same conditions as uvm's own cold run
				distro_cold_once "$accel" || true
				;;
			restore)
				timeout 120 "$uvm_bin" terminate default >/dev/null 2>&1 || true
				uvm_restore_once "$accel" || true
				;;
			raw)
				# the daemon's VM must not run beside the raw one
				timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
				settle
				if x=$(raw_boot "$raw_dir" 60 "${raw_argv[@]}"); then
					echo "${x% *}" >>"$r.cold-raw"
					echo "${x#* }" >>"$r.ready-raw"
				else
					say "raw QEMU boot failed: $(tail -3 "$raw_dir/agent.out" 2>/dev/null)"
				fi
				;;
			libvirt)
				[ -n "$lv_ok" ] || continue
				timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
				settle
				if x=$(libvirt_boot); then
					echo "${x% *}" >>"$r.cold-libvirt"
					echo "${x#* }" >>"$r.ready-libvirt"
				else
					say "libvirt boot failed: $(cat "$lv_dir/create.out" "$lv_dir/agent.out" 2>/dev/null | tail -3)"
					echo "$(cat "$lv_dir/create.out" "$lv_dir/agent.out" 2>/dev/null | tail -3)" >"$r.libvirt-error"
				fi
				;;
			esac
		done
		say "[$accel] round $i/$reps: uvm $(tail -n 1 "$r.cold-uvm" 2>/dev/null) ms, distribution $(tail -n 1 "$r.cold-distro" 2>/dev/null) ms, restore $(tail -n 1 "$r.restore-uvm" 2>/dev/null) ms, raw $(tail -n 1 "$r.cold-raw" 2>/dev/null) ms, libvirt $(tail -n 1 "$r.cold-libvirt" 2>/dev/null || echo -) ms"
	done
}

measure_warm() {
	local accel=$1 r=$res/$1 cp
	say "[$accel] warm session: hyperfine, $warm_runs runs each"
	uvm run --system -- true >/dev/null || { say "uvm run failed before the warm measurements"; return 0; }
	cp="$bench/target/classes:$snap_jar:$snap/client/target/lib/*"
	# shellcheck disable=SC2086
	hyperfine -N --style basic --warmup 3 --runs "$warm_runs" --export-json "$r.warm.json" \
		-n "uvm run --system -- true" "$uvm_bin run --system -- true" \
		-n "java Hello (floor)" "$java $client_flags -cp $cp dev.uvm.bench.Hello" \
		-n "uvm status" "$uvm_bin status" \
		${bench_distro:+-n "uvm run -d $bench_distro -- true" "$uvm_bin run -d $bench_distro -- true"} >"$r.hyperfine.txt" 2>&1 ||
		{ say "hyperfine failed: $(tail -5 "$r.hyperfine.txt")"; return 0; }
	jq -r '.results[0].times[] * 1000' "$r.warm.json" >"$r.warm-uvm"
	jq -r '.results[1].times[] * 1000' "$r.warm.json" >"$r.warm-floor"
	jq -r '.results[2].times[] * 1000' "$r.warm.json" >"$r.warm-status"
	[ -z "$bench_distro" ] || jq -r '.results[3].times[] * 1000' "$r.warm.json" >"$r.warm-distro"
	say "[$accel] daemon-side session latency: $sessions sessions (+$session_warmup warm-up) from one JVM"
	"$java" -cp "$cp" dev.uvm.bench.SessionLoad "$UVM_SOCKET" "$sessions" "$session_warmup" default true \
		>"$r.sessions" 2>"$r.sessions.err" || say "SessionLoad failed: $(tail -3 "$r.sessions.err")"
	say "[$accel] the agent's own round trip: $sessions EXECs of true on a raw QEMU VM, no daemon"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	if agent_loops=$((sessions + session_warmup)) raw_boot "$raw_dir" 60 "${raw_argv[@]}" >/dev/null; then
		sed -n 's/^exec_us //p' "$raw_dir/agent.out" | tail -n "$sessions" | awk '{ printf "%.2f\n", $1 / 1000 }' >"$r.agent-exec"
	else
		say "raw QEMU boot for the agent round trip failed: $(tail -3 "$raw_dir/agent.out" 2>/dev/null)"
	fi
}

measure_qemu_footprint() {
	local accel=$1 r=$res/$1 pid
	uvm run --system -- true >/dev/null || { say "uvm run failed before the footprint measurement"; return 0; }
	pid=$(vm_pid default)
	[ -n "$pid" ] && alive "$pid" || { say "no running QEMU to measure"; return 0; }
	qemu_smaps "$pid" $((memory_mb * 1024)) "$kernel_path" "$initrd_path" >"$r.qemu-smaps"
	uvm run --system -- cat /proc/meminfo >"$r.guest-meminfo" 2>/dev/null || true
	grep -E '^(Threads|VmHWM):' "/proc/$pid/status" >"$r.qemu-status" || true
	# the same with Debian's kernel: VM debian, alone, after the same warm-up (a cold boot and a session)
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	uvm run --vm debian --system -- true >/dev/null || { say "uvm run --vm debian failed before its footprint"; return 0; }
	uvm run --vm debian --system -- true >/dev/null || true
	pid=$(vm_pid debian)
	[ -n "$pid" ] && alive "$pid" || { say "no running QEMU of VM debian to measure"; return 0; }
	local dk di
	dk=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^-kernel$/{n;p}')
	di=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^-initrd$/{n;p}')
	qemu_smaps "$pid" $((memory_mb * 1024)) "$dk" "$di" >"$r.qemu-smaps-debian"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
}

# measure_restored_memory ACCEL: QEMU's RSS 10 s into an idle session of VM `suspend`, after a cold
# boot and after a restore whose save followed a session that wrote and read a 200 MB file (a page
# cache the guest no longer needs); uvm's guest gives its caches back before a save, so what a
# restored VM holds is what its guest uses. Writes "cold_kb restored_kb saved_bytes".
measure_restored_memory() {
	local accel=$1 r=$res/$1 saved=$work/$1/state/vms/suspend.snapshot cold restored bytes
	say "[$accel] host memory after a restore next to after a cold boot"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	uvm terminate suspend >/dev/null 2>&1 || true
	cold=$(idle_session_rss suspend) || { say "no cold-booted VM suspend to measure"; return 0; }
	wait_until 60 test -s "$saved" || { say "VM suspend was not saved"; return 0; }
	uvm run --vm suspend -- sh -c 'dd if=/dev/urandom of=/data/bench-cache bs=1M count=200 2>/dev/null && cat /data/bench-cache >/dev/null && rm /data/bench-cache' \
		>/dev/null 2>"$work/run.err" || { say "the page cache session failed: $(cat "$work/run.err")"; return 0; }
	wait_until 60 test -s "$saved" || { say "VM suspend was not saved after the page cache session"; return 0; }
	bytes=$(command stat -c %s "$saved")
	restored=$(idle_session_rss suspend) || { say "no restored VM suspend to measure"; return 0; }
	wait_until 60 test -s "$saved" || true
	echo "$cold $restored $bytes" >"$r.restored-memory"
}

# idle_session_rss VM: QEMU's RSS in KiB 10 s into a 14 s session of VM that does nothing
idle_session_rss() {
	local vm=$1 client pid rss
	uvm run --vm "$vm" -- sleep 14 >/dev/null 2>&1 &
	client=$!
	sleep 10
	pid=$(pgrep -f "vms/$vm/agent.sock" | head -n 1 || true)
	rss=
	[ -n "$pid" ] && rss=$(rss_kb "$pid")
	wait "$client" || true
	[ -n "$rss" ] && echo "$rss"
}

measure_idle() {
	local accel=$1 r=$res/$1 c n_stop n_stopped dl ts line
	say "[$accel] idle reclamation: $idle_cycles cycles, vmIdleTimeout ${idle_timeout_ms} ms"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	for c in $(seq 1 "$idle_cycles"); do
		[ $(($(now_ms) - t_start)) -lt 3600000 ] || { say "time budget used up; stopping the idle cycles"; break; }
		n_stop=$(grep -c 'event=transition vm=idle from=idle to=stopping' "$daemon_log" || true)
		n_stopped=$(grep -c 'event=transition vm=idle from=stopping to=stopped' "$daemon_log" || true)
		uvm run --vm idle -- true >/dev/null || { say "uvm run --vm idle failed"; continue; }
		dl=
		for _ in $(seq 1 40); do
			dl=$(metric uvm_vm_idle_deadline_timestamp_seconds 'vm="idle"' "$metrics_url")
			case $dl in
			"" | NaN) dl= ; sleep 0.05 ;;
			*) break ;;
			esac
		done
		[ -n "$dl" ] || { say "cycle $c: no idle deadline in /metrics"; continue; }
		dl=$(awk -v s="$dl" 'BEGIN { printf "%.0f", s * 1000 }')
		if ! wait_until 30 more_lines "$daemon_log" "event=transition vm=idle from=idle to=stopping" "$n_stop"; then
			say "cycle $c: the VM was not stopped within 30 s"
			continue
		fi
		line=$(grep 'event=transition vm=idle from=idle to=stopping' "$daemon_log" | tail -n 1)
		ts=$(iso_ms "${line%% *}")
		echo $((ts - dl)) >>"$r.idle-late"
		wait_until 30 more_lines "$daemon_log" "event=transition vm=idle from=stopping to=stopped" "$n_stopped" ||
			say "cycle $c: the VM did not reach stopped within 30 s"
	done
}

# measure_network ACCEL: forwarded TCP next to QEMU's own user-mode networking. The daemon's VM
# `default` runs busybox httpd (started by a detached job, which the server outlives) on guest port
# G, which uvm's localhost forwarding serves at 127.0.0.1:G. A raw QEMU with the daemon's command
# line, `hostfwd=tcp:127.0.0.1:H-:G` added to its -netdev and an empty data disk of its own runs the
# same server, started through its agent (agentctl). Both VMs stay up while the two paths alternate
# (ABBA). Connect latency: curl's time_starttransfer for a 6-byte file on a new connection
# (connect, request, first byte of the answer); throughput: curl's speed_download of a 32 MiB file.
measure_network() {
	local accel=$1 r=$res/$1 d=$work/$1/net g h i s p a qpid apid setup net_argv=()
	say "[$accel] networking: localhost forwarding next to QEMU's hostfwd, $net_rounds rounds"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	g=$(free_port $((wake_port + 1)))
	h=$(free_port $((g + 1)))
	setup="mkdir -p /tmp/www && echo hello >/tmp/www/small && head -c 33554432 /dev/zero >/tmp/www/big"
	uvm run --detach --system -- sh -c "$setup && httpd -p $g -h /tmp/www" >/dev/null ||
		{ say "could not start the server in VM default"; return 0; }
	wait_until 30 curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$g/small" ||
		{ say "127.0.0.1:$g was not forwarded: $(tail -3 "$daemon_log")"; return 0; }
	mkdir -p "$d/jail"
	for a in "${raw_argv[@]}"; do
		case $a in
		user,id=net0,*) net_argv+=("$a,hostfwd=tcp:127.0.0.1:$h-:$g") ;;
		*.console.log*) net_argv+=("${a%%path=*}path=$d/console.log,append=on") ;;
		*) net_argv+=("${a//$raw_dir/$d}") ;;
		esac
	done
	if [ -n "${data_disk:-}" ]; then
		truncate -s 1G "$d/disk.img" && mkfs.ext4 -q -F "$d/disk.img"
		"${net_argv[@]}" </dev/null >"$d/qemu.log" 2>&1 4<>"$d/disk.img" 5<"$d/disk.img" &
	else
		"${net_argv[@]}" </dev/null >"$d/qemu.log" 2>&1 &
	fi
	qpid=$!
	if ! "$build/agentctl" "$d/agent.sock" ready 60 >/dev/null 2>&1 ||
		! "$build/agentctl" "$d/agent.sock" run -- sh -c "$setup" >/dev/null 2>&1; then
		say "the hostfwd VM did not come up: $(tail -3 "$d/qemu.log")"
		kill "$qpid" 2>/dev/null
		return 0
	fi
	# the agent's connection stays open for the server's lifetime: it is this channel's process
	"$build/agentctl" "$d/agent.sock" run -- httpd -f -p "$g" -h /tmp/www >/dev/null 2>&1 &
	apid=$!
	wait_until 30 curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$h/small" ||
		{ say "hostfwd 127.0.0.1:$h does not answer: $(tail -3 "$d/qemu.log")"; kill "$apid" "$qpid" 2>/dev/null; return 0; }
	for i in $(seq 1 "$net_rounds"); do
		for s in $([ $((i % 2)) = 1 ] && echo "uvm hostfwd hostfwd uvm" || echo "hostfwd uvm uvm hostfwd"); do
			[ "$s" = uvm ] && p=$g || p=$h
			settle
			for _ in $(seq 1 10); do
				curl -s -o /dev/null --max-time 30 -w '%{time_starttransfer}\n' "http://127.0.0.1:$p/small" |
					awk '{ printf "%.3f\n", $1 * 1000 }' >>"$r.net-latency-$s"
			done
			curl -s -o /dev/null --max-time 120 -w '%{speed_download}\n' "http://127.0.0.1:$p/big" |
				awk '{ printf "%.1f\n", $1 / 1048576 }' >>"$r.net-throughput-$s"
		done
		say "[$accel] network round $i/$net_rounds: first byte uvm $(tail -n 1 "$r.net-latency-uvm") ms, hostfwd $(tail -n 1 "$r.net-latency-hostfwd") ms; throughput uvm $(tail -n 1 "$r.net-throughput-uvm") MiB/s, hostfwd $(tail -n 1 "$r.net-throughput-hostfwd") MiB/s"
	done
	kill "$apid" 2>/dev/null
	"$build/agentctl" "$d/agent.sock" poweroff >/dev/null 2>&1 || true
	wait_until 15 dead "$qpid" || kill -9 "$qpid" 2>/dev/null
	wait "$qpid" "$apid" 2>/dev/null || true
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
}

# measure_wake ACCEL: VM `suspend` (vmIdleTimeout = 0, idleAction = suspend) declares
# `ports = WAKE:8080`, and a detached job starts busybox httpd on 8080 in it, so the server is saved
# and restored with the VM. While it is saved: curl's time_starttransfer for a 6-byte file through
# 127.0.0.1:WAKE (restore, the guest's ports report, connection, answer), alternating with the
# plain restore of figure 1 (`uvm run --vm suspend -- true`, client JVM included). A sample that
# was not a restore is not counted.
measure_wake() {
	local accel=$1 r=$res/$1 saved=$work/$1/state/vms/suspend.snapshot i s n t0 t1 x
	say "[$accel] declared port: first byte from a suspended VM next to a plain restore, $reps rounds"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	uvm terminate suspend >/dev/null 2>&1 || true
	uvm run --vm suspend --detach -- sh -c "mkdir -p /tmp/www && echo hello >/tmp/www/small && httpd -p 8080 -h /tmp/www" \
		>/dev/null 2>"$work/run.err" || { say "could not start the server in VM suspend: $(cat "$work/run.err")"; return 0; }
	for i in $(seq 1 "$reps"); do
		for s in $([ $((i % 2)) = 1 ] && echo "port restore" || echo "restore port"); do
			wait_until 60 test -s "$saved" || { say "VM suspend was not saved: $(tail -3 "$daemon_log")"; return 0; }
			settle
			n=$(grep -c "event=restore vm=suspend result=ok" "$daemon_log" || true)
			if [ "$s" = port ]; then
				x=$(curl -s -o /dev/null --max-time 60 -w '%{http_code} %{time_starttransfer}' "http://127.0.0.1:$wake_port/small" || true)
				[ "${x% *}" = 200 ] || { say "the declared port did not answer: $x"; continue; }
				x=$(awk -v s="${x#* }" 'BEGIN { printf "%.0f", s * 1000 }')
			else
				t0=$(now_ns)
				uvm run --vm suspend -- true >/dev/null 2>"$work/run.err" || { say "uvm run --vm suspend failed: $(cat "$work/run.err")"; continue; }
				t1=$(now_ns)
				x=$(((t1 - t0) / 1000000))
			fi
			if wait_until 5 more_lines "$daemon_log" "event=restore vm=suspend result=ok" "$n"; then
				echo "$x" >>"$r.wake-$s"
			else
				say "that $s sample of VM suspend was not a restore"
			fi
		done
	done
	wait_until 60 test -s "$saved" || true
	metric uvm_forward_wake_first_byte_seconds_sum "port=\"$wake_port\",vm=\"suspend\"" "$metrics_url" >"$r.wake-daemon-sum" || true
	metric uvm_forward_wake_first_byte_seconds_count "port=\"$wake_port\",vm=\"suspend\"" "$metrics_url" >"$r.wake-daemon-count" || true
	uvm terminate suspend >/dev/null 2>&1 || true
}

measure_daemon_idle() {
	local accel=$1 r=$res/$1 t0 c0 c1 hz rss max=0 i steps
	say "[$accel] daemon footprint: ${idle_window} s idle with no VM"
	timeout 120 "$uvm_bin" shutdown >/dev/null 2>&1 || true
	sleep 5
	hz=$(getconf CLK_TCK)
	c0=$(cpu_ticks "$dpid")
	t0=$(now_ms)
	steps=$((idle_window / 5))
	for i in $(seq 1 "$steps"); do
		sleep 5
		rss=$(rss_kb "$dpid")
		[ "$rss" -gt "$max" ] && max=$rss
	done
	c1=$(cpu_ticks "$dpid")
	awk -v c=$((c1 - c0)) -v hz="$hz" -v ms=$(($(now_ms) - t0)) -v rss="$rss" -v max="$max" -v thr="$(awk '/^Threads:/ { print $2 }' "/proc/$dpid/status")" \
		'BEGIN { printf "%.1f %.3f %d %d %d\n", ms / 1000, 100 * c / hz / (ms / 1000), rss, max, thr }' >"$r.daemon-idle"
}

measure() {
	local accel=$1
	daemon_start "$accel"
	say "[$accel] first boot (untimed: fills the page cache, gives the QEMU command line)"
	uvm run --system -- true >/dev/null || die "the first boot failed: $(tail -5 "$daemon_log")"
	capture_argv "$accel"
	prepare_distro "$accel" || say "no distribution: the distribution rows are left out"
	lv_ok=
	if [ "$with_libvirt" = 1 ] && [ -n "$libvirt_state" ]; then
		libvirt_xml "$accel"
		lv_ok=1
	fi
	measure_cold "$accel"
	measure_warm "$accel"
	measure_qemu_footprint "$accel"
	measure_restored_memory "$accel"
	measure_network "$accel"
	measure_wake "$accel"
	measure_idle "$accel"
	[ "$accel" = tcg ] && measure_daemon_idle "$accel"
	cp "$daemon_log" "$res/$accel.daemon.log"
	stop_daemon
}

libvirt_state=
libvirt_note="skipped (--no-libvirt)"
if [ "$with_libvirt" = 1 ] && libvirt_up; then
	libvirt_state=up
fi

accels=(tcg)
measure tcg
say "probing KVM"
if kvm_probe; then
	say "KVM works: $kvm_reason; measuring with KVM too"
	accels+=(kvm)
	measure kvm
else
	say "KVM not used: $kvm_reason"
fi
echo "$kvm_reason" >"$res/kvm"

say "event loop throughput: JMH (${jmh_args[*]})"
"$java" -cp "$bench/target/classes:$bench/target/lib/*" org.openjdk.jmh.Main SessionEventsBench "${jmh_args[@]}" \
	-rf json -rff "$res/jmh.json" >"$res/jmh.txt" 2>&1 || say "JMH failed: $(tail -5 "$res/jmh.txt")"

{
	echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "other_qemus_end=$(other_qemus)"
	echo "duration_s=$((($(now_ms) - t_start) / 1000))"
} >>"$res/machine"

. "$bench/lib/report.sh"
report >"$work/report.md"
cat "$work/report.md"
cp "$work/report.md" "$out"
say "written to $out"
