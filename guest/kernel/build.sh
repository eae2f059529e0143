#!/bin/sh
# Builds uvm's own guest kernel into guest/out/vmlinux-uvm from Debian's linux-source package:
# `make tinyconfig`, then guest/kernel/uvm.config merged on top, then `make olddefconfig` and
# `make vmlinux`. Everything is built in; nothing is a module.
#
# Cached by the hash of what goes in (the source package's version, uvm.config and this script):
# when guest/out/vmlinux-uvm.key matches, it only says so. Progress goes to stderr every 15 s and
# to guest/out/kernel-build.state ("building PID N of about M files", read by the daemon and
# `uvm --version` while VMs boot Debian's kernel in the meantime; "failed: why" after a failure;
# removed on success), the full compiler output to guest/out/kernel-build.log. What was built and
# from what is in guest/out/vmlinux-uvm.json.
#
# `build.sh --check` only answers whether the kernel is up to date (exit status 0) or not (1).
#
# Environment:
#   UVM_KERNEL_JOBS     make -j (default: the number of CPUs)
#   UVM_FORCE_REBUILD=1 rebuild even if nothing changed
set -eu

here=$(cd "$(dirname "$0")" && pwd)
guest=$(dirname "$here")
out=$guest/out
work=$guest/build/kernel
jobs=${UVM_KERNEL_JOBS:-$(nproc)}

state=$out/kernel-build.state
log() { echo "build-kernel: $*" >&2; }
die() {
	echo "build-kernel: error: $*" >&2
	mkdir -p "$out" && echo "failed: $*" >"$state"
	exit 1
}

tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$tarball" ] || die "no /usr/src/linux-source-*.tar.xz: install Debian package 'linux-source' (scripts/install-deps.sh does)"
for tool in make gcc bc bison flex patch; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (scripts/install-deps.sh installs the kernel build tools)"
done
version=$(dpkg-query -W -f='${Version}' "$(dpkg-query -S "$tarball" | cut -d: -f1)" 2>/dev/null || basename "$tarball")
key=$( (echo "$version"; cat "$here/uvm.config" "$0" "$here"/patches/*.patch) | sha256sum | cut -c1-16)

mkdir -p "$out"
if [ "${1:-}" = --check ]; then # up to date?
	[ -s "$out/vmlinux-uvm" ] && [ "$(cat "$out/vmlinux-uvm.key" 2>/dev/null)" = "$key" ]
	exit
fi
# One build at a time: a second run (setup.sh again, test.sh) waits for the first and then finds
# it done.
exec 9>"$out/.kernel-build.lock"
if ! flock -n 9; then
	log "another build is running; waiting for it"
	while ! flock -w 15 9; do
		log "$(cut -d' ' -f3- "$state" 2>/dev/null || echo "(no progress yet)")"
	done
fi
if [ "${UVM_FORCE_REBUILD:-0}" != 1 ] && [ -s "$out/vmlinux-uvm" ] && [ "$(cat "$out/vmlinux-uvm.key" 2>/dev/null)" = "$key" ]; then
	log "up to date: $out/vmlinux-uvm ($version, config $key)"
	rm -f "$state"
	exit 0
fi
echo "building $$ unpacking the source" >"$state"

src=$work/src-$version
if [ ! -f "$src/Makefile" ]; then
	log "unpacking $(basename "$tarball") ($version)"
	rm -rf "$work"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
fi
# uvm's patches (guest/kernel/patches/, in name order), each applied once: a source tree it is
# already in (a kept tree, a patch that did not change) is left as it is.
for p in "$here"/patches/*.patch; do
	[ -e "$p" ] || continue
	if patch -d "$src" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1; then
		continue
	fi
	log "applying $(basename "$p")"
	patch -d "$src" -p1 -s -N <"$p" || die "patch $(basename "$p") does not apply to $version"
done
# The object tree is kept: after a change of uvm.config, kbuild recompiles only what the changed
# options reach (UVM_FORCE_REBUILD=1 starts from nothing).
obj=$work/obj
[ "${UVM_FORCE_REBUILD:-0}" = 1 ] && rm -rf "$obj"
mkdir -p "$obj"
log "configuring: tinyconfig + guest/kernel/uvm.config"
make -s -C "$src" O="$obj" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$here/uvm.config" >"$obj/merge.log" 2>&1 ||
	die "merging uvm.config failed: $(tail -5 "$obj/merge.log")"
make -s -C "$src" O="$obj" olddefconfig >/dev/null

# Every option the fragment sets must have survived olddefconfig (a dependency it lacks would
# silently drop it).
missing=
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) opt=${line%%=*}; grep -q "^$opt=" "$obj/.config" && missing="$missing $opt(wanted n)" ;;
	CONFIG_*=*) grep -qx "$line" "$obj/.config" || missing="$missing ${line%%=*}" ;;
	esac
done <"$here/uvm.config"
[ -z "$missing" ] || die "options of uvm.config not in the resulting config (a dependency is missing):$missing"

expected=1400 # C files of a full build of this configuration
log "compiling vmlinux with make -j$jobs (about $expected files, 13 minutes on 2 CPUs the first time; log: $out/kernel-build.log)"
start=$(date +%s)
make -C "$src" O="$obj" -j"$jobs" vmlinux >"$out/kernel-build.log" 2>&1 </dev/null &
pid=$!
last=
while kill -0 "$pid" 2>/dev/null; do
	sleep 15
	now=$(grep -Eo '^  (CC|AR|LD)  +[^ ]+' "$out/kernel-build.log" 2>/dev/null | tail -n 1 | awk '{ print $2 }' | sed 's#/[^/]*$##' | cut -d/ -f1-2)
	n=$(grep -c '^  CC ' "$out/kernel-build.log" 2>/dev/null || true)
	if [ -n "$now" ] && [ "$now" != "$last" ]; then
		log "$(($(date +%s) - start)) s: $n of about $expected files compiled, now in $now"
		echo "building $$ $n of about $expected files compiled in $(($(date +%s) - start)) s" >"$state"
		last=$now
	fi
done
wait "$pid" || die "make vmlinux failed: $(grep -m 3 -E 'error|Error' "$out/kernel-build.log")"
cp "$obj/vmlinux" "$out/vmlinux-uvm.tmp"
# No symbol table in the file QEMU loads (the kernel keeps its own, kallsyms): 2 MB less to read.
strip "$out/vmlinux-uvm.tmp" 2>/dev/null || true
mv "$out/vmlinux-uvm.tmp" "$out/vmlinux-uvm"
cp "$obj/.config" "$out/vmlinux-uvm.config"
release=$(cat "$obj/include/config/kernel.release")
cat >"$out/vmlinux-uvm.json.tmp" <<EOF
{
  "release": "$release",
  "source": "$(basename "$tarball" .tar.xz) $version",
  "config_key": "$key",
  "build_seconds": $(($(date +%s) - start))
}
EOF
mv "$out/vmlinux-uvm.json.tmp" "$out/vmlinux-uvm.json"
echo "$key" >"$out/vmlinux-uvm.key"
rm -f "$state"
log "done in $(($(date +%s) - start)) s: $out/vmlinux-uvm ($(du -h "$out/vmlinux-uvm" | cut -f1), $version)"
