#!/usr/bin/env bash
# Assembles uvm for Windows (the HCS backend) from this tree: the folder packaging/out/windows/uvm
# and its zip packaging/out/uvm-windows.zip, to unpack into C:\Program Files\uvm (see
# packaging/windows/README.md). The Java build and the guest image are built first when missing
# or stale. Contents:
#   lib\            the jars of the daemon and the client, one folder (Java's lib\* class path)
#   guest\          Debian's kernel and its initramfs (uvm's own kernel has no VMBus), cmdline, image.json
#   uvm.cmd         the uvm command
#   uvm-service.xml the WinSW service configuration (packaging/windows/uvm.xml); WinSW.exe itself,
#                   renamed uvm-service.exe, is the installer's to add (it is not built here)
#   uvm.conf        the config template (packaging/uvm.conf with backend = hcs)
#   README.md       packaging/windows/README.md
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
step() { echo "uvm package-windows: $*" >&2; }

guest/build-image.sh
scripts/maven-build.sh

out=packaging/out/windows
dir=$out/uvm
zip=packaging/out/uvm-windows.zip
step "staging in $dir"
rm -rf "$out" "$zip"
mkdir -p "$dir/lib" "$dir/guest"
for side in client daemon; do
	cp "$(ls "$side"/target/uvm-"$side"-*.jar | head -n1)" "$side"/target/lib/*.jar "$dir/lib/"
done
for f in vmlinux initramfs.cpio cmdline image.json; do
	cp "guest/out/$f" "$dir/guest/"
done
cp packaging/windows/uvm.xml "$dir/uvm-service.xml"
cp packaging/windows/README.md "$dir/README.md"
# Windows line ends for the files people open in Notepad or cmd.exe runs
sed 's/$/\r/' packaging/windows/uvm.cmd >"$dir/uvm.cmd"
sed -e 's/^#*backend = .*/backend = hcs/' -e 's/$/\r/' packaging/uvm.conf >"$dir/uvm.conf"
grep -q '^backend = hcs' "$dir/uvm.conf" || { echo "package-windows: packaging/uvm.conf has no backend line" >&2; exit 1; }
step "writing $zip"
(cd "$out" && jar --create --no-manifest --file "../uvm-windows.zip" uvm)
step "done: $zip ($(du -h "$zip" | cut -f1))"
