# Helpers for bench/run.sh: statistics, clocks, /proc readers. Sourced, not run.

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

now_ns() { date +%s%N; }
now_ms() { date +%s%3N; }

# stats FILE: "n median p90 p99 min max" of the numbers in FILE (one a line), or "0 - - - - -".
# The median is the middle value (the mean of the two middle ones for an even count); p90 and
# p99 are nearest-rank percentiles (with 10 values p90 is the 9th smallest; with fewer than 100,
# p99 is the largest).
stats() {
	if [ ! -s "$1" ]; then
		echo "0 - - - - -"
		return
	fi
	sort -g "$1" | awk '
		{ v[NR] = $1 }
		function rank(p,   i) { i = int(p / 100 * NR); if (i < p / 100 * NR) i++; if (i < 1) i = 1; return v[i] }
		END {
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print NR, med, rank(90), rank(99), v[1], v[NR]
		}'
}

# field N of "stats" output for FILE (1 n, 2 median, 3 p90, 4 p99, 5 min, 6 max)
stat() { stats "$2" | awk -v f="$1" '{ print $f }'; }

# fmt NUMBER [DECIMALS]: a number rounded for the table, "-" passes through
fmt() {
	case $1 in
	- | "") echo "-" ;;
	*) awk -v x="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f\n", d, x }' ;;
	esac
}

# ratio A B [DECIMALS]: A / B, or "-" when either is missing
ratio() {
	case "$1$2" in
	*-*) echo "-" ;;
	*) awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b == 0) print "-"; else printf "%.*f\n", d, a / b }' ;;
	esac
}

# le A B: true when A <= B (numbers)
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# met CONDITION_EXIT_STATUS: "met" / "**not met**"
met() { if [ "$1" -eq 0 ]; then echo "met"; else echo "**not met**"; fi; }

# cpu_ticks PID: user + system clock ticks the process has used
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# rss_kb PID: resident set in KiB
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# qemu_smaps PID GUEST_RAM_KB KERNEL INITRD: resident KiB of QEMU by kind:
# "total guest_ram tcg_code_buffer image_files other other_anonymous"
# guest RAM is the anonymous mapping of exactly the guest's size, the TCG code buffer the
# anonymous rwx mapping, image files the kernel and initramfs QEMU keeps mapped for reset.
qemu_smaps() {
	awk -v ram="$2" -v kernel="$3" -v initrd="$4" '
		/^[0-9a-f]+-[0-9a-f]+ / { perms = $2; path = $6; kind = ""; next }
		/^Size:/ { size = $2; next }
		/^Rss:/ {
			total += $2
			if (path == "" && size == ram && guest == 0) { guest = $2; kind = "guest" }
			else if (path == "" && perms == "rwxp") { tcg += $2; kind = "tcg" }
			else if (path == kernel || path == initrd) { image += $2; kind = "image" }
			else { other += $2; kind = "other" }
			next
		}
		/^Anonymous:/ { if (kind == "other") anon += $2 }
		END { print total + 0, guest + 0, tcg + 0, image + 0, other + 0, anon + 0 }' "/proc/$1/smaps"
}

# metric NAME LABEL_MATCH URL: the value of the first series of NAME whose labels contain
# LABEL_MATCH, from a Prometheus text endpoint
metric() {
	local body
	body=$(curl -fsS --max-time 5 "$3" 2>/dev/null) || return 0
	awk -v n="$1" -v m="$2" 'index($0, n "{") == 1 && index($0, m) && !done { print $NF; done = 1 }' <<<"$body"
}

# iso_ms TIMESTAMP: milliseconds since the epoch of an ISO 8601 UTC time (2026-01-01T10:00:00.123Z)
iso_ms() { date -u -d "$1" +%s%3N; }

# wait_until SECONDS COMMAND...: runs COMMAND every 0.05 s until it succeeds; 1 after SECONDS
wait_until() {
	local limit=$(($1 * 20)) i=0
	shift
	while [ "$i" -lt "$limit" ]; do
		"$@" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }

# our_qemus DIR: QEMU processes whose command line mentions DIR (the ones started for this run)
our_qemus() {
	local p c
	for p in /proc/[0-9]*; do
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case $c in
		*qemu-system*"$1"*) echo "${p#/proc/}" ;;
		esac
	done
}

# more_lines FILE PATTERN N: true when FILE has more than N lines containing PATTERN
more_lines() { [ "$(grep -c -- "$2" "$1" || true)" -gt "$3" ]; }

# cpu_busy_pct MILLIS: the share of all CPUs' time that was busy (not idle, not waiting for I/O)
# over the next MILLIS ms, in percent
cpu_busy_pct() {
	local a b
	a=$(head -n 1 /proc/stat)
	sleep "$(awk -v m="$1" 'BEGIN { printf "%.3f", m / 1000 }')"
	b=$(head -n 1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 2; i <= n; i++) { d = y[i] - x[i]; total += d; if (i == 5 || i == 6) idle += d }
		printf "%d\n", (total > 0) ? (total - idle) * 100 / total : 0
	}'
}

# settle: the pause before a timed boot. At least settle_s, then until the machine is quiet
# (CPU busy under quiet_pct over 250 ms), at most 10 s more: the previous contender's teardown
# (libvirtd's clean-up of a domain, QEMU's exit, a saved VM's file write-back) must not land in
# the next one's boot, whichever order the round runs them in.
settle() {
	sleep "$settle_s"
	local i
	for i in $(seq 1 40); do
		[ "$(cpu_busy_pct 250)" -lt "${quiet_pct:-10}" ] && return 0
	done
	return 0
}
