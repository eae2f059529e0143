# The Markdown report of bench/run.sh, from the files in $res. Sourced by run.sh; prints to stdout.

m() { sed -n "s/^$1=//p" "$res/machine"; }

# row NUM WHAT N MEDIAN P90 TARGET RESULT
row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }

# ms FILE: "n median p90" of FILE in whole milliseconds
ms_stats() {
	local s
	s=$(stats "$1")
	echo "$(echo "$s" | cut -d' ' -f1) $(fmt "$(echo "$s" | cut -d' ' -f2)" "${2:-0}") $(fmt "$(echo "$s" | cut -d' ' -f3)" "${2:-0}")"
}

results_table() {
	local a=$1 r=$res/$1 n med p90 u_med u_p90 b_med b_p90 rt rt90 ok line
	echo "| # | measurement | n | median | p90 | target | result |"
	echo "|---|---|---|---|---|---|---|"

	# 1. cold start against raw QEMU
	read -r n u_med u_p90 <<<"$(ms_stats "$r.cold-uvm")"
	row 1 "cold start: \`uvm run --system -- true\` (the utility environment, where \`uvm run -- true\` goes with no distribution installed), daemon up, VM stopped (client JVM, boot, command)" "$n" "$u_med ms" "$u_p90 ms" "" ""
	read -r n b_med b_p90 <<<"$(ms_stats "$r.cold-raw")"
	row 1 "same image, plain \`qemu-system-x86_64\` (the daemon's command line): start, agent READY, \`true\`, power-off" "$n" "$b_med ms" "$b_p90 ms" "" ""
	rt=$(ratio "$u_med" "$b_med" 3) rt90=$(ratio "$u_p90" "$b_p90" 3)
	ok=1
	[ "$rt" != - ] && le "$(ratio "$u_med" "$b_med" 6)" 1.15 && ok=0
	row 1 "**uvm / raw QEMU**" "" "**${rt}x**" "${rt90}x" "within 1.15x" "$( [ "$rt" = - ] && echo "not measured" || met $ok)"
	if [ -s "$r.restore-uvm" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.restore-uvm")"
		row 1 "restore from suspend: \`uvm run --vm suspend -- true\` on a VM saved to disk (\`idleAction = suspend\`; client JVM, restore, clock set, command)" "$n" "$med ms" "$p90 ms" "" ""
		row 1 "**restore / cold uvm**, **restore / raw QEMU**" "" "**$(ratio "$med" "$u_med" 3)x**, **$(ratio "$med" "$b_med" 3)x**" "$(ratio "$p90" "$u_p90" 3)x, $(ratio "$p90" "$b_p90" 3)x" "" ""
	fi

	# 1. (distributions) cold and warm into a distribution, next to the rows above
	if [ -s "$r.cold-distro" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.cold-distro")"
		row 1 "cold start into a distribution: \`uvm run -d $bench_distro -- true\`, VM stopped (client JVM, boot, the distribution's namespaces and init, command); run right after each cold uvm run above" "$n" "$med ms" "$p90 ms" "" ""
		row 1 "**distribution / cold uvm**, **distribution / raw QEMU**" "" "**$(ratio "$med" "$u_med" 3)x**, **$(ratio "$med" "$b_med" 3)x**" "$(ratio "$p90" "$u_p90" 3)x, $(ratio "$p90" "$b_p90" 3)x" "adds little to cold uvm" "reported"
	fi

	# 2. libvirt
	if [ -s "$r.cold-libvirt" ]; then
		# libvirt boots Debian's kernel (q35 needs PCI): against uvm with the same kernel, VM debian
		[ -s "$r.cold-debian" ] && read -r n u_med u_p90 <<<"$(ms_stats "$r.cold-debian")"
		read -r n b_med b_p90 <<<"$(ms_stats "$r.cold-libvirt")"
		row 2 "Debian's kernel through libvirt: \`virsh create\` (q35), agent READY, \`true\`, power-off; against VM \`debian\` (\`kernel = debian\`) of figure 9" "$n" "$b_med ms" "$b_p90 ms" "" ""
		rt=$(ratio "$u_med" "$b_med" 3) rt90=$(ratio "$u_p90" "$b_p90" 3)
		ok=1
		lt "$u_med" "$b_med" && ok=0
		row 2 "**uvm / libvirt**" "" "**${rt}x**" "${rt90}x" "uvm faster" "$(met $ok)"
	else
		row 2 "libvirt (q35) comparison" "0" "-" "-" "uvm faster" "not measured: $(cat "$r.libvirt-error" 2>/dev/null | tr '\n|' '  ' || true)${libvirt_note}"
	fi

	# 3. warm session
	read -r n u_med u_p90 <<<"$(ms_stats "$r.warm-uvm" 1)"
	row 3 "warm: \`uvm run --system -- true\`, VM running (client JVM included; hyperfine)" "$n" "$u_med ms" "$u_p90 ms" "" ""
	read -r n b_med b_p90 <<<"$(ms_stats "$r.warm-floor" 1)"
	row 3 "floor: a Java \`main\` printing one line, bin/uvm's client JVM flags and class path" "$n" "$b_med ms" "$b_p90 ms" "" ""
	rt=$(ratio "$u_med" "$b_med" 3) rt90=$(ratio "$u_p90" "$b_p90" 3)
	ok=1
	[ "$rt" != - ] && le "$(ratio "$u_med" "$b_med" 6)" 1.5 && ok=0
	row 3 "**uvm warm / floor**" "" "**${rt}x**" "${rt90}x" "within 1.5x" "$( [ "$rt" = - ] && echo "not measured" || met $ok)"
	if [ -s "$r.warm-status" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.warm-status" 1)"
		row 3 "for reading: \`uvm status\` (client JVM, connect, hello, one request; no session)" "$n" "$med ms" "$p90 ms" "" ""
	fi
	if [ -s "$r.warm-distro" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.warm-distro" 1)"
		row 3 "warm into a distribution: \`uvm run -d $bench_distro -- true\`, VM and distribution running (hyperfine); **$(ratio "$med" "$u_med" 3)x** warm \`uvm run --system\`" "$n" "$med ms" "$p90 ms" "" ""
	fi
	line=$(grep '^total ' "$r.sessions" 2>/dev/null || true)
	if [ -n "$line" ]; then
		read -r _ n med p90 p99 max <<<"$line"
		ok=1
		lt "$p99" 15 && ok=0
		row 3 "daemon side: connect, hello, \`run true\` (utility environment), exit, from a JVM that stays up (p99 **$p99 ms**, max $max ms)" "$n" "$med ms" "$p90 ms" "p99 under 15 ms" "$(met $ok)"
	else
		row 3 "daemon side session latency" "0" "-" "-" "p99 under 15 ms" "not measured"
	fi

	# 4. idle reclamation
	if [ -s "$r.idle-late" ]; then
		read -r n med p90 p99 min max <<<"$(stats "$r.idle-late")"
		ok=1
		lt "$p99" 100 && ok=0
		row 4 "idle teardown lateness: \`from=idle to=stopping\` log time minus the idle deadline in /metrics (p99 **$p99 ms**, min $min, max $max)" "$n" "$(fmt "$med") ms" "$p90 ms" "p99 under 100 ms" "$(met $ok)"
	else
		row 4 "idle teardown lateness" "0" "-" "-" "p99 under 100 ms" "not measured"
	fi

	# 5. footprint
	if [ -s "$r.daemon-idle" ]; then
		read -r secs cpu rss max thr <<<"$(cat "$r.daemon-idle")"
		row 5 "daemon idle ${secs} s, no VM, after the other measurements: CPU $cpu % of one core, RSS $((rss / 1024)) MiB (max $((max / 1024)) MiB; $(($(cat "$r.daemon-rss-start" 2>/dev/null || echo 0) / 1024)) MiB 2 s after its start), $thr threads" "1" "" "" "(no target)" "reported"
	fi
	if [ -s "$r.qemu-smaps" ]; then
		read -r total guest tcg image other anon <<<"$(cat "$r.qemu-smaps")"
		local over=$((total - guest)) touched used
		used=$(awk '/^MemTotal:/ { t = $2 } /^MemFree:/ { f = $2 } END { if (t) print int((t - f) / 1024); else print "-" }' "$r.guest-meminfo" 2>/dev/null)
		ok=1
		[ $((other / 1024)) -le 5 ] && ok=0
		row 5 "QEMU RSS $((total / 1024)) MiB = guest RAM touched $((guest / 1024)) MiB + VMM $((over / 1024)) MiB (TCG code cache $((tcg / 1024)), kernel+initrd files kept mapped $((image / 1024)), rest $((other / 1024)) MiB, of which anonymous $((anon / 1024)) MiB); guest MemTotal-MemFree $used MiB" "1" "" "" "Firecracker anchor: VMM overhead 5 MiB" "rest $((other / 1024)) MiB: $(met $ok)"
	fi

	if [ -s "$r.restored-memory" ]; then
		read -r cold restored saved_bytes <<<"$(cat "$r.restored-memory")"
		ok=1
		[ "$restored" -le $((cold * 3 / 2)) ] && ok=0
		row 5 "QEMU RSS 10 s into an idle session: after a restore (its last session read a 200 MB file; saved state $((saved_bytes / 1048576)) MiB) **$((restored / 1024)) MiB** against after a cold boot $((cold / 1024)) MiB (**$(ratio "$restored" "$cold" 2)x**)" "1" "" "" "restored at most 1.5x cold" "$(met $ok)"
	fi

	# 7. making a distribution
	if [ -s "$r.install-uvm" ]; then
		read -r n u_med u_p90 <<<"$(ms_stats "$r.install-uvm")"
		row 7 "\`uvm install debian\` (bookworm, VM running: mmdebstrap on the host, the tarball streamed into the guest and unpacked onto its disk)" "$n" "$(fmt "$(ratio "$u_med" 1000 3)" 1) s" "$(fmt "$(ratio "$u_p90" 1000 3)" 1) s" "" ""
		if [ -s "$r.install-mmdebstrap" ]; then
			read -r n b_med b_p90 <<<"$(ms_stats "$r.install-mmdebstrap")"
			row 7 "\`mmdebstrap\` alone, the same command line, tarball to /dev/null" "$n" "$(fmt "$(ratio "$b_med" 1000 3)" 1) s" "$(fmt "$(ratio "$b_p90" 1000 3)" 1) s" "" ""
			row 7 "**uvm install / mmdebstrap**" "" "**$(ratio "$u_med" "$b_med" 3)x**" "$(ratio "$u_p90" "$b_p90" 3)x" "(no target)" "reported"
		fi
	fi
	if [ -s "$r.import-distro" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.import-distro")"
		row 7 "\`uvm import\` of a busybox root file system ($(($(cat "$r.import-bytes") / 1024)) KiB tar.gz), VM running" "$n" "$med ms" "$p90 ms" "(no target)" "reported"
	fi
	# 8. networking
	if [ -s "$r.net-latency-uvm" ] && [ -s "$r.net-latency-hostfwd" ]; then
		read -r n u_med u_p90 <<<"$(ms_stats "$r.net-latency-uvm" 1)"
		row 8 "forwarded TCP, time to the first byte of a 6-byte file on a new connection: uvm's localhost forwarding (the agent's CONNECT) to busybox httpd in VM \`default\`" "$n" "$u_med ms" "$u_p90 ms" "" ""
		read -r n b_med b_p90 <<<"$(ms_stats "$r.net-latency-hostfwd" 1)"
		row 8 "the same through QEMU's own \`hostfwd\` (libslirp) to the same server in a raw QEMU with the daemon's command line, up at the same time" "$n" "$b_med ms" "$b_p90 ms" "" ""
		ok=1
		le "$(awk -v a="$u_med" -v b="$b_med" 'BEGIN { print a - b }')" 2 && ok=0
		row 8 "**uvm − hostfwd**" "" "**$(awk -v a="$u_med" -v b="$b_med" 'BEGIN { printf "%+.1f", a - b }') ms**" "$(awk -v a="$u_p90" -v b="$b_p90" 'BEGIN { printf "%+.1f", a - b }') ms" "p50 within 2 ms of hostfwd" "$(met $ok)"
	fi
	if [ -s "$r.net-throughput-uvm" ] && [ -s "$r.net-throughput-hostfwd" ]; then
		read -r n u_med u_p90 <<<"$(stats "$r.net-throughput-uvm" | cut -d' ' -f1-3)"
		read -r n b_med b_p90 <<<"$(stats "$r.net-throughput-hostfwd" | cut -d' ' -f1-3)"
		row 8 "throughput of a 32 MiB file, guest to host: uvm **$(fmt "$u_med" 1) MiB/s** against hostfwd $(fmt "$b_med" 1) MiB/s (**$(ratio "$u_med" "$b_med" 2)x**; curl's average speed, median of $n each)" "$n" "" "" "at least 0.5x hostfwd" "$(le 0.5 "$(ratio "$u_med" "$b_med" 4)"; met $?)"
	fi
	if [ -s "$r.wake-port" ] && [ -s "$r.wake-restore" ]; then
		read -r n u_med u_p90 <<<"$(ms_stats "$r.wake-port")"
		row 8 "a request to a declared port of a suspended VM: curl's time to the first byte (restore, the guest's ports report, connection, answer)" "$n" "$u_med ms" "$u_p90 ms" "" ""
		read -r n b_med b_p90 <<<"$(ms_stats "$r.wake-restore")"
		row 8 "the plain restore of the same VM: \`uvm run --vm suspend -- true\` (client JVM included), alternating with the row above" "$n" "$b_med ms" "$b_p90 ms" "" ""
		row 8 "**first byte after a wake / plain restore**" "" "**$(ratio "$u_med" "$b_med" 2)x**" "$(ratio "$u_p90" "$b_p90" 2)x" "(no target)" "reported"
	fi

	# 9. the guest kernel: uvm's own (VM default, the rows of figure 1) against Debian's (VM debian)
	if [ -s "$r.cold-debian" ] && [ -s "$r.cold-uvm" ]; then
		read -r n u_med u_p90 <<<"$(ms_stats "$r.cold-uvm")"
		row 9 "cold start with uvm's own kernel $(sed -n 's/.*"release": "\([^"]*\)".*/\1/p' "$snap/guest/out/vmlinux-uvm.json" 2>/dev/null): figure 1's \`uvm run --system -- true\`" "$n" "$u_med ms" "$u_p90 ms" "" ""
		read -r n b_med b_p90 <<<"$(ms_stats "$r.cold-debian")"
		row 9 "the same with Debian's kernel $(sed -n 's/.*"kernel_version": "\([^"]*\)".*/\1/p' "$snap/guest/out/image.json" 2>/dev/null) (\`kernel = debian\`, the initramfs with its modules): \`uvm run --vm debian --system -- true\`, in turns with the row above" "$n" "$b_med ms" "$b_p90 ms" "" ""
		ok=1
		le "$(ratio "$u_med" "$b_med" 6)" 0.4 && ok=0
		row 9 "**uvm's kernel / Debian's kernel**" "" "**$(ratio "$u_med" "$b_med" 3)x**" "$(ratio "$u_p90" "$b_p90" 3)x" "at most 0.4x" "$(met $ok)"
		if [ -s "$r.cold-raw" ]; then
			read -r n b_med b_p90 <<<"$(ms_stats "$r.cold-raw")"
			ok=1
			le "$(ratio "$u_med" "$b_med" 6)" 1.15 && ok=0
			row 9 "**uvm's kernel through uvm / the same kernel in raw QEMU** (figure 1)" "" "**$(ratio "$u_med" "$b_med" 3)x**" "$(ratio "$u_p90" "$b_p90" 3)x" "within 1.15x" "$(met $ok)"
		fi
	fi
	if [ -s "$r.qemu-smaps" ] && [ -s "$r.qemu-smaps-debian" ]; then
		local ut ug dt dg
		read -r ut ug _ <<<"$(cat "$r.qemu-smaps")"
		read -r dt dg _ <<<"$(cat "$r.qemu-smaps-debian")"
		ok=1
		[ $(((ut - ug) / 1024)) -le 60 ] && ok=0
		row 9 "QEMU RSS after a cold boot and two sessions: uvm's kernel **$((ut / 1024)) MiB** (VMM overhead, RSS minus guest RAM touched: **$(((ut - ug) / 1024)) MiB**) against Debian's $((dt / 1024)) MiB (VMM overhead $(((dt - dg) / 1024)) MiB)" "1" "" "" "VMM overhead at most 60 MiB" "$(met $ok)"
	fi

}

phases_table() {
	local a=$1 r=$res/$1
	[ -s "$r.phases" ] || return 0
	echo "| phase (ms from the daemon's start request) | n | median | p90 |"
	echo "|---|---|---|---|"
	local i name
	for i in 1 2 3 4; do
		case $i in
		1) name="VMM up (QEMU answers QMP; /metrics phase \`vmm_up\`)" ;;
		2) name="kernel entry (agent ready minus the guest's uptime; \`kernel_start\`)" ;;
		3) name="init: \`Run /init\` (kernel entry + its dmesg time)" ;;
		4) name="agent READY (\`agent_ready\`)" ;;
		esac
		awk -v c=$i '$c != "-" { print $c }' "$r.phases" >"$r.phase$i"
		read -r n med p90 <<<"$(ms_stats "$r.phase$i")"
		echo "| $name | $n | $med | $p90 |"
	done
	read -r n med p90 <<<"$(ms_stats "$r.phase-boot")"
	echo "| boot done on the event loop (\`event=boot ... boot_ms\`) | $n | $med | $p90 |"
	if [ -s "$r.ready-raw" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.ready-raw")"
		echo "| raw QEMU: agent READY after its start | $n | $med | $p90 |"
	fi
	if [ -s "$r.ready-libvirt" ]; then
		read -r n med p90 <<<"$(ms_stats "$r.ready-libvirt")"
		echo "| libvirt: agent READY after \`virsh create\` was called | $n | $med | $p90 |"
	fi
}

jmh_table() {
	[ -s "$res/jmh.json" ] || { echo "JMH did not run: $(tail -3 "$res/jmh.txt" 2>/dev/null)"; return 0; }
	echo "| JMH benchmark (one thread, fake driver, direct loop, no-op listener) | events/s | ± (99.9%) |"
	echo "|---|---|---|"
	jq -r '.[] | "| `\(.benchmark | sub("^.*\\."; ""))` | \(.primaryMetric.score | floor) | \(.primaryMetric.scoreError | if . == "NaN" then "-" else floor end) |"' "$res/jmh.json"
}

report() {
	local mode=full
	[ "$quick" = 1 ] && mode="quick (--quick: 3 repetitions; a smoke run, not for comparison)"
	cat <<-EOF
		# uvm benchmarks

		Generated by \`bench/run.sh\`; do not edit by hand. Run: $mode, started $started_at, took $(m duration_s) s, commit $(m commit).

		uvm ran from a copy of \`bin/uvm\`, the client's and the daemon's jars with their libraries and the guest image taken at
		the start of the run (the checkout is shared and may be rebuilt meanwhile); the raw QEMU and
		libvirt runs used the same copied kernel and initramfs.

		Every comparison ran back to back in one run on the same guest image (\`guest/out\`: kernel
		\`vmlinux\`, \`initramfs.cpio\`), ${memory_mb} MiB and 1 vCPU everywhere. Cold boots of uvm, raw QEMU and
		libvirt were interleaved round by round, in a changing order; each timed boot started after
		${settle_s} s and once the machine was quiet (all CPUs together under ${quiet_pct:-10} % busy over 250 ms,
		waiting at most 10 s), so that no contender's teardown fell into the next one's boot. Medians are middle values; p90/p99 are
		nearest-rank percentiles (with 10 values, p90 is the 9th smallest; with 12, the 11th). Benchmarks assert nothing;
		the "result" column compares each figure with the performance issue's target.

	EOF
	local a
	for a in "${accels[@]}"; do
		echo "## Results: $(echo "$a" | tr a-z A-Z)"
		echo
		if [ "$a" = tcg ]; then
			echo "Accelerator: **TCG** (QEMU's emulator). KVM: $(cat "$res/kvm")."
		else
			echo "Accelerator: **KVM**: $(cat "$res/kvm")."
		fi
		echo
		results_table "$a"
		echo
		failures_line "$a"
		echo
		echo "### Session latency split ($a)"
		echo
		sessions_table "$a"
		echo
		echo "### Boot phases ($a)"
		echo
		echo "Per cold \`uvm run\` boot: the daemon's \`uvm_vm_boot_phase_duration_seconds\` histogram (the sum's"
		echo "increase over one boot) and \`event=boot\` log line; /init's start from the guest's dmesg."
		echo
		phases_table "$a"
		echo
	done
	echo "## Event loop throughput"
	echo
	echo "\`bench/src/main/java/dev/uvm/bench/lifecycle/SessionEventsBench.java\`: session open and close events"
	echo "handled by the lifecycle core's \`VmLifecycle\` on one thread (one event = one open or one close;"
	echo "\`otherSessionHeld\`: the VM stays RUNNING; \`lastSession\`: every close arms the idle timer and moves"
	echo "the VM to IDLE, every open cancels it). JMH: \`${jmh_args[*]}\`."
	echo
	jmh_table
	echo
	cat <<-EOF
		## Machine

		| | |
		|---|---|
		| CPU | $(m cpu), $(m cores) cores |
		| memory | $(m mem_gib) GiB |
		| kernel | $(m kernel), $(m os) |
		| QEMU | $(m qemu) |
		| libvirt | $(m libvirt) |
		| Java | $(m java) |
		| tools | $(m hyperfine), JMH 1.37 |
		| load average (1, 5, 15 min) | at the start $(m load_start), at the end $(m load_end) |
		| other QEMU processes on the machine | $(m other_qemus_start) at the start, $(m other_qemus_end) at the end |

		$(shared_note)

		## How each figure is measured

		1. **Cold start.** One uvm daemon (own socket, config, state; \`UVM_ACCEL\` as above) stays up.
		   Before each uvm run \`uvm shutdown\` stops the VM (untimed); the timed command is
		   \`bin/uvm run --system -- true\` (JVM start, connect, boot, \`true\`, exit status). The raw QEMU run uses
		   the daemon's own QEMU argument list, copied from \`/proc/PID/cmdline\` of its QEMU (only the
		   socket folder differs), and \`bench/build/agent-true\` (built from \`guest/test/agentctl.c\`): one
		   agent connection that waits for READY, runs \`true\` and sends POWEROFF; the time ends when QEMU
		   has closed the socket (exited). The raw run's kernel command line was:

		   \`$(sed -n '/^-append$/{n;p}' "$res/tcg.raw-argv" 2>/dev/null)\`
		2. **libvirt.** \`virsh create\` of a transient q35 domain (libvirt has no microvm) with Debian's
		   kernel (q35's devices sit on PCI, which uvm's own kernel lacks; so the uvm figure it is compared
		   with is VM \`debian\` of figure 9), the same kernel command line, memory and vCPU count; virtio-serial channel \`uvm.agent\` to a Unix
		   socket, console to a file, virtio balloon (\`bench/build/last-run/tcg.libvirt-domain.xml\` after a
		   run). The initramfs is the image's plus the virtio-PCI modules and \`virtio_pci\` in /init's
		   module list (\`bench/lib/libvirt-initramfs.sh\`), since the image, made for microvm, has only
		   virtio-mmio. Timed from \`virsh create\` to QEMU's exit after READY, \`true\`, POWEROFF, as the raw
		   run. libvirt: ${libvirt_note}.
		3. **Warm session.** hyperfine (\`-N\`, 3 warm-up runs) of \`bin/uvm run --system -- true\` with the VM running
		   and of the floor, \`java $client_flags -cp <bin/uvm's class path> dev.uvm.bench.Hello\`. The
		   daemon-side figure comes from \`dev.uvm.bench.SessionLoad\`: one JVM opens $sessions sessions one after
		   another ($session_warmup more first, not counted), each a new connection with hello, \`run true\`
		   and the \`exit\` message, through the client's own \`DaemonConnection\`.
		4. **Idle reclamation.** A second VM, \`[vm.idle]\` with \`vmIdleTimeout = ${idle_timeout_ms}ms\`, runs \`true\`
		   and is left idle, $idle_cycles times. The idle deadline is read from
		   \`uvm_vm_idle_deadline_timestamp_seconds\` while the timer is armed; the teardown start is the time
		   stamp of the daemon's \`event=transition vm=idle from=idle to=stopping\` line (millisecond
		   resolution).
		5. **Footprint.** Daemon: CPU ticks and \`VmRSS\` from \`/proc/PID/stat\` and \`status\` over
		   ${idle_window} s with no VM running, after all other measurements (so with its classes loaded and
		   JIT-compiled). QEMU: \`/proc/PID/smaps\` of the running VM after the warm measurements, split into
		   the guest RAM mapping (guest pages touched so far), TCG's code buffer (the anonymous rwx
		   mapping; absent under KVM), the kernel and initramfs files QEMU keeps mapped, and the rest.
		   The rest is what compares with Firecracker's 5 MiB VMM overhead.
		6. **Event loop.** JMH, see above.
		7. **Distributions.** With \`--quick\`, a busybox root file system made by the script and imported
		   (\`bench-busybox\`); otherwise Debian, \`uvm install debian\` twice (\`bench-debian-1\`, \`-2\`) and
		   \`mmdebstrap\` alone twice with the command line the daemon uses (\`DebianInstaller\`), in the order
		   mmdebstrap, uvm, uvm, mmdebstrap, each downloading from $debian_mirror (network time included).
		   The cold run into the distribution follows each cold uvm run of figure 1 (\`uvm shutdown\`
		   first, untimed); its warm run is a fourth hyperfine command of figure 3.

		8. **Networking.** Localhost forwarding: busybox httpd in VM \`default\` (started by a detached job)
		   and the same server in a raw QEMU with the daemon's command line plus
		   \`hostfwd=tcp:127.0.0.1:H-:G\` on its \`-netdev user\` and an empty data disk of its own, both VMs up
		   at once, the two paths alternating (ABBA) over $net_rounds rounds of 10 new connections and one 32 MiB
		   download each. Wake: VM \`suspend\` declares \`ports = WAKE:8080\`; a detached job starts httpd in
		   it, so the server is saved and restored with the VM; each round makes one request through the
		   declared port of the saved VM and one plain restore, alternating which comes first.

		9. **Guest kernel.** VM \`default\` boots uvm's own kernel (\`guest/out/vmlinux-uvm\`, the default), VM
		   \`debian\` the same settings with \`kernel = debian\` (Debian's generic kernel and the initramfs with
		   its modules); each round of figure 1 runs both cold, one right after the other, the order
		   alternating. QEMU's RSS is read as in figure 5, for each VM alone after a cold boot and a second
		   session; the VMM overhead is the RSS minus the guest RAM mapping's.

		Raw figures of the last run: \`bench/build/last-run/\` (not committed).
	EOF
}

sessions_table() {
	local r=$res/$1
	[ -s "$r.sessions" ] || return 0
	echo "| daemon-side session (SessionLoad), ms | n | p50 | p90 | p99 | max |"
	echo "|---|---|---|---|---|---|"
	local name n p50 p90 p99 max what
	while read -r name n p50 p90 p99 max; do
		case $name in
		total) what="connect to \`exit\` (the figure above)" ;;
		connect) what="connect and hello" ;;
		started) what="\`run\` request to \`started\` (session opened, agent channel started)" ;;
		exec) what="\`started\` to \`exit\` (EXEC of \`true\` in the guest and its EXIT)" ;;
		*) what=$name ;;
		esac
		echo "| $what | $n | $p50 | $p90 | $p99 | $max |"
	done <"$r.sessions"
	if [ -s "$r.agent-exec" ]; then
		read -r n p50 p90 p99 _ max <<<"$(stats "$r.agent-exec")"
		echo "| for reading: EXEC to EXIT of \`true\` straight on the agent of a raw QEMU VM (\`agent-true\`, no daemon, no JVM) | $n | $(fmt "$p50" 2) | $p90 | $p99 | $max |"
	fi
}

failures_line() {
	local r=$res/$1 f
	f=$(grep -c 'event=boot vm=[a-z0-9_-]* result=failed' "$r.daemon.log" 2>/dev/null || true)
	if [ "${f:-0}" -gt 0 ]; then
		echo "Boot failures in the daemon's log during the run: **$f**:"
		echo
		grep 'event=boot vm=[a-z0-9_-]* result=failed' "$r.daemon.log" | sed 's/^.*event=boot/- `event=boot/; s/$/`/' | head -n 5
	else
		echo "No boot failed during the run."
	fi
}

# whether other work ran on the machine: foreign QEMU processes, or a 1-minute load average of
# 1 or more at the start or the end of the run
shared_note() {
	local l1s l1e
	l1s=$(m load_start | cut -d' ' -f1)
	l1e=$(m load_end | cut -d' ' -f1)
	if [ "$(m other_qemus_start)" -gt 0 ] || [ "$(m other_qemus_end)" -gt 0 ] || le 1 "$l1s" || le 1 "$l1e"; then
		echo "**The machine was shared** with other work during this run (other developers' builds and"
		echo "end-to-end tests): see the load averages and the foreign QEMU processes above. Under TCG every"
		echo "boot is CPU-bound, so single figures move with that load by tens of percent; the interleaved"
		echo "comparisons (ratios of medians) are affected less than the absolute figures."
	else
		echo "No other load was seen at the start or the end of the run (no foreign QEMU, load average under 1)."
	fi
}
