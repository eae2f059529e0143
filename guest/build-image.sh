#!/bin/sh
# Builds the uvm guest image into guest/out/:
#   vmlinux          uncompressed ELF kernel (PVH entry) from Debian's generic amd64 kernel
#   initramfs.cpio   busybox userland, virtio/9p/ext4 modules, GNU tar, /init and the guest agent
#   initramfs-uvm.cpio  the same without the modules, for uvm's own kernel (guest/kernel/build.sh),
#                    which has everything built in
#   uvm-agent        the guest agent binary (also inside the initramfs as /sbin/uvm-agent)
#   image.json       manifest: kernel version, sizes, sha256 sums, kernel command line
#   cmdline          recommended additions to the kernel command line (one line)
# Idempotent: when none of the inputs changed (sources, busybox, kernel package version),
# it only says so. Run as root on Debian 12 (apt-get download, dpkg-deb, mknod).
#
# Environment:
#   UVM_KERNEL_PACKAGE      kernel package to use (default: what linux-image-amd64 depends on)
#   UVM_INITRD_COMPRESSION  none (default, fastest to boot under TCG), gzip, lz4, xz or zstd
#   UVM_FORCE_REBUILD=1     rebuild even if nothing changed
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
cache=$out/cache
compression=${UVM_INITRD_COMPRESSION:-none}

log() { echo "build-image: $*" >&2; }
die() { echo "build-image: error: $*" >&2; exit 1; }

need() { # need COMMAND DEBIAN_PACKAGE
	command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install Debian package '$2' (apt-get install -y $2)"
}

need cpio cpio
need xz xz-utils
need file file
need dpkg-deb dpkg
need apt-get apt
need sha256sum coreutils
need ldd libc-bin
case $compression in
none) initrd_name=initramfs.cpio ;;
gzip) initrd_name=initramfs.cpio.gz; need gzip gzip ;;
lz4) initrd_name=initramfs.cpio.lz4; need lz4 lz4 ;;
xz) initrd_name=initramfs.cpio.xz ;;
zstd) initrd_name=initramfs.cpio.zst; need zstd zstd ;;
*) die "UVM_INITRD_COMPRESSION must be none, gzip, lz4, xz or zstd (is '$compression')" ;;
esac

if command -v musl-gcc >/dev/null 2>&1; then
	cc="musl-gcc"
else
	need gcc gcc
	cc="gcc"
	log "musl-gcc not found (Debian package musl-tools); building the agent with gcc -static"
fi

busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && file -L "$b" | grep -q 'statically linked'; then
		busybox=$b
		break
	fi
done
[ -n "$busybox" ] || die "no statically linked busybox found: install Debian package 'busybox-static'"

mkdir -p "$cache"

# ---------------------------------------------------------------- kernel package
apt_updated=
apt_update() {
	if [ -z "$apt_updated" ]; then
		log "refreshing the package lists (apt-get update)"
		apt-get update -qq >&2 || die "apt-get update failed"
		apt_updated=1
	fi
}

# prints "PACKAGE VERSION" of the kernel linux-image-amd64 depends on (one apt-cache call)
kernel_pkg() {
	apt-cache show --no-all-versions linux-image-amd64 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*-amd64\) (= \([^)]*\)).*/\1 \2/p' | head -n 1
}

pkg=${UVM_KERNEL_PACKAGE:-}
version=
if [ -z "$pkg" ]; then
	pv=$(kernel_pkg)
	if [ -z "$pv" ] && ! ls "$cache"/linux-image-*.deb >/dev/null 2>&1; then
		apt_update
		pv=$(kernel_pkg)
	fi
	pkg=${pv%% *}
	version=${pv#* }
fi
if [ -n "$pkg" ] && [ -z "$version" ]; then
	version=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -n 1)
	[ "$version" = "(none)" ] && version=
fi

deb=
if [ -n "$pkg" ] && [ -n "$version" ]; then
	# the file name apt-get download uses (":" of an epoch becomes %3a)
	deb=$cache/${pkg}_$(echo "$version" | sed 's/:/%3a/')_amd64.deb
	if [ ! -s "$deb" ]; then
		log "downloading $pkg $version"
		sandbox=
		[ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
		# shellcheck disable=SC2086
		if ! (cd "$cache" && apt-get download -q $sandbox "$pkg=$version" >&2); then
			apt_update
			# shellcheck disable=SC2086
			(cd "$cache" && apt-get download -q $sandbox "$pkg" >&2) || die "apt-get download $pkg failed"
			deb=$(ls -t "$cache/${pkg}"_*.deb | head -n 1)
		fi
	fi
else
	# no package lists and no way to refresh them: use the newest kernel already downloaded
	deb=$(ls -t "$cache"/linux-image-*.deb 2>/dev/null | head -n 1 || true)
	[ -n "$deb" ] || die "cannot find the kernel package (apt-cache show linux-image-amd64 gave nothing)"
	log "package lists unavailable; using cached $(basename "$deb")"
fi
[ -s "$deb" ] || die "kernel package $deb is missing"
# keep only the kernel package in use
for old in "$cache"/linux-image-*.deb; do
	[ "$old" = "$deb" ] || rm -f "$old"
done

# ---------------------------------------------------------------- GNU tar
# The host imports and exports distributions with GNU tar (xattrs, device nodes, numeric
# owners, compressed input), which busybox tar cannot do. The build host's tar goes into the
# image as /bin/gtar (busybox tar stays /bin/tar), with the shared libraries ldd names at the
# same paths, where the loader looks for them (no ld.so.cache in the image). GNU tar does not
# detect compression of an archive on stdin: callers name the decompressor (xz -dc | gtar ...).
gtar=$(readlink -f /bin/tar 2>/dev/null || true)
[ -x "$gtar" ] && "$gtar" --version 2>/dev/null | head -n 1 | grep -q 'GNU tar' ||
	die "/bin/tar is not GNU tar: install Debian package 'tar'"
# The shared libraries ldd names for a program, from lines such as
# "libacl.so.1 => /lib/x86_64-linux-gnu/libacl.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)".
libs_of() {
	_libs=$(ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
	[ -n "$_libs" ] || die "ldd $1 names no libraries"
	echo "$_libs"
}
gtar_libs=$(libs_of "$gtar")
gtar_version=$("$gtar" --version | head -n 1 | sed 's/^tar (GNU tar) //')

# ---------------------------------------------------------------- mke2fs
# A host that cannot format the data disk (HCS on Windows has no mke2fs) asks the guest to
# (uvm.data.new, /sbin/uvm-format-data): e2fsprogs' mke2fs goes in as /sbin/mke2fs (busybox's
# applet makes ext2 only), its libraries as GNU tar's, with the build host's /etc/mke2fs.conf.
mke2fs=
for m in /sbin/mke2fs /usr/sbin/mke2fs; do
	[ -x "$m" ] && mke2fs=$(readlink -f "$m") && break
done
[ -n "$mke2fs" ] || die "mke2fs not found: install Debian package 'e2fsprogs' (apt-get install -y e2fsprogs)"
mke2fs_libs=$(libs_of "$mke2fs")
mke2fs_version=$("$mke2fs" -V 2>&1 | head -n 1 | awk '{ print $2 }')

# ---------------------------------------------------------------- up to date?
# Dependency order. The data disk needs virtio_blk and ext4 (ext4 depends on jbd2, mbcache and
# crc16; it and jbd2 checksum metadata with the crypto API's crc32c, a soft dependency that
# busybox modprobe does not follow, so crc32c_generic is named before them).
data_modules="virtio_blk crc16 mbcache crc32c_generic jbd2 ext4"
# The agent's vsock transport and a Hyper-V (HCS) guest, which /init loads only with uvm.agent=vsock
# on the kernel command line: vsock with its transports (hv_sock: the Hyper-V socket; virtio's
# and the loopback, which tests use), VMBus, and the SCSI disk stack (hv_storvsc depends on
# scsi_mod, scsi_common and scsi_transport_fc; sd_mod on scsi_mod and t10-pi, which depends on
# crc-t10dif and crc64-rocksoft, whose crypto back ends crct10dif_generic and
# crc64_rocksoft_generic are soft dependencies).
vsock_modules="vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport vsock_loopback"
hv_modules="hv_vmbus hv_sock scsi_common scsi_mod scsi_transport_fc hv_storvsc crct10dif_common crct10dif_generic crc-t10dif crc64 crc64_rocksoft_generic crc64-rocksoft t10-pi sd_mod"
modules="virtio_ring virtio virtio_mmio virtio_console $data_modules netfs fscache 9pnet 9pnet_virtio 9p virtio_balloon failover net_failover virtio_net $vsock_modules $hv_modules"
stamp_text=$(
	{
		cd "$here"
		sha256sum build-image.sh extract-vmlinux.sh init agent/*.c agent/*.h
		find rootfs -type f | LC_ALL=C sort | xargs sha256sum
		sha256sum "$busybox"
		# shellcheck disable=SC2086
		sha256sum "$gtar" $gtar_libs "$mke2fs" $mke2fs_libs
		cat /etc/mke2fs.conf 2>/dev/null || true
		echo "deb $(basename "$deb") $(stat -c %s "$deb")"
		echo "cc $cc compression $compression modules $modules keep-signatures ${UVM_KEEP_MODULE_SIGNATURES:-0}"
	}
)
stamp_hash=$(echo "$stamp_text" | sha256sum | cut -d' ' -f1)
if [ "${UVM_FORCE_REBUILD:-0}" != 1 ] && [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp_hash" ] &&
	[ -s "$out/vmlinux" ] && [ -s "$out/$initrd_name" ] && [ -s "$out/${initrd_name%%.*}-uvm.${initrd_name#*.}" ] &&
	[ -s "$out/uvm-agent" ] && [ -s "$out/image.json" ] && [ -s "$out/cmdline" ]; then
	log "guest image is up to date in $out"
	exit 0
fi
rm -f "$out/.stamp"

# ---------------------------------------------------------------- kernel and modules
kdir=$cache/kernel
if [ "$(cat "$kdir/.from" 2>/dev/null)" != "$(basename "$deb") $modules" ] || [ ! -s "$out/vmlinux" ]; then
	rm -rf "$kdir"
	mkdir -p "$kdir"
	log "unpacking $(basename "$deb")"
	patterns="./boot/vmlinuz-*"
	for m in $modules; do
		patterns="$patterns */$m.ko*"
	done
	# a module that is built in has no file: tar then complains about its pattern, which is fine
	# shellcheck disable=SC2086
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$kdir" --wildcards $patterns 2>/dev/null || true
	vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$vmlinuz" ] || die "cannot unpack /boot/vmlinuz-* from $deb"
	log "extracting vmlinux from $(basename "$vmlinuz")"
	"$here/extract-vmlinux.sh" "$vmlinuz" "$out/vmlinux.new"
	file "$out/vmlinux.new" | grep -q 'ELF 64-bit' || die "extracted kernel is not an ELF file"
	chmod 644 "$out/vmlinux.new"
	mv "$out/vmlinux.new" "$out/vmlinux"
	echo "$(basename "$deb") $modules" >"$kdir/.from"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n 1)
kver=${vmlinuz##*/vmlinuz-}

# ---------------------------------------------------------------- agent
log "compiling uvm-agent with $cc"
$cc -static -Os -Wall -o "$out/uvm-agent.new" "$here/agent/uvm-agent.c" "$here/agent/distro.c"
strip "$out/uvm-agent.new" 2>/dev/null || true
mv "$out/uvm-agent.new" "$out/uvm-agent"

# ---------------------------------------------------------------- root file system
root=$out/rootfs
rm -rf "$root"
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin etc dev proc sys tmp run/uvm mnt root data lib/modules var/tmp
chmod 1777 tmp var/tmp
chmod 700 root
mkdir -p usr
ln -s ../bin usr/bin
ln -s ../sbin usr/sbin
cp "$busybox" bin/busybox
# every applet in /bin; those busybox places in (usr/)sbin also in /sbin
"$busybox" --list-full | while read -r path; do
	name=${path##*/}
	[ "$name" = busybox ] && continue
	[ -e "bin/$name" ] || ln -s busybox "bin/$name"
	case $path in
	sbin/* | usr/sbin/*) [ -e "sbin/$name" ] || ln -s ../bin/busybox "sbin/$name" ;;
	esac
done
[ -e bin/sh ] && [ -e bin/sleep ] || die "busybox lacks sh or sleep"
cp -R "$here/rootfs/." .
chmod 600 etc/shadow
cp "$here/init" init
chmod 755 init
cp "$out/uvm-agent" sbin/uvm-agent
cp "$gtar" bin/gtar
rm -f sbin/mke2fs
cp "$mke2fs" sbin/mke2fs
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf etc/mke2fs.conf
for lib in $gtar_libs $mke2fs_libs; do
	mkdir -p ".${lib%/*}"
	cp -L "$lib" ".$lib"
done

# Modules go to /lib/modules/<version>/ with a modules.dep, so that one modprobe loads them
# all. Their appended signatures are cut off: the kernel then skips the RSA check of each
# module (slow under emulation; CONFIG_MODULE_SIG_FORCE is off, so unsigned modules load and
# only taint the kernel). UVM_KEEP_MODULE_SIGNATURES=1 keeps them.
mdir=lib/modules/$kver
mkdir -p "$mdir"
for m in $modules; do
	f=$(find "$kdir/lib/modules" -name "$m.ko*" | head -n 1)
	case $f in
	"") log "module $m not in the package (built in?), skipped"; continue ;;
	*.ko) cp "$f" "$mdir/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$mdir/$m.ko" ;;
	*.ko.zst) need zstd zstd; zstd -qdc "$f" >"$mdir/$m.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$mdir/$m.ko" ;;
	esac
	if [ "${UVM_KEEP_MODULE_SIGNATURES:-0}" != 1 ] &&
		[ "$(tail -c 28 "$mdir/$m.ko")" = "~Module signature appended~" ]; then
		# trailer: signature, 12-byte struct module_signature (u32 sig_len at its end), magic
		size=$(stat -c %s "$mdir/$m.ko")
		siglen=$(tail -c 40 "$mdir/$m.ko" | head -c 12 | od -An -tu1 |
			awk '{ print $9 * 16777216 + $10 * 65536 + $11 * 256 + $12 }')
		head -c "$((size - 40 - siglen))" "$mdir/$m.ko" >"$mdir/$m.ko.tmp"
		mv "$mdir/$m.ko.tmp" "$mdir/$m.ko"
		# Local symbols go too (the kernel's INSTALL_MOD_STRIP=--strip-unneeded): fewer for the
		# loader to copy; ext4.ko then loads in ~210 instead of ~250 ms under TCG.
		strip --strip-unneeded "$mdir/$m.ko" 2>/dev/null || true
	fi
done
"$busybox" depmod -b "$root" "$kver" || die "depmod failed"
# what /init loads for uvm.agent=vsock, in this order
echo "$vsock_modules $hv_modules" >etc/uvm-hcs-modules
echo "$kver" >etc/uvm-kernel-version

# device nodes the kernel needs before devtmpfs is mounted (stdio of /init)
mknod -m 600 dev/console c 5 1 2>/dev/null || log "cannot mknod dev/console (not root?); /init reopens it"
mknod -m 666 dev/null c 1 3 2>/dev/null || true

# ---------------------------------------------------------------- initramfs
log "writing $initrd_name ($compression)"
# a fixed time stamp makes the archive reproducible
find . -exec touch -h -d @0 {} + 2>/dev/null || true
compress() {
	case $compression in
	none) cat ;;
	gzip) gzip -9n ;;
	lz4) lz4 -l -9 -q ;;
	xz) xz --check=crc32 -9 ;;
	zstd) zstd -q -19 ;;
	esac
}
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet | compress >"$out/$initrd_name.new"
own_initrd_name=${initrd_name%%.*}-uvm.${initrd_name#*.}
log "writing $own_initrd_name (no modules and no mke2fs, for uvm's own kernel)"
# Only HCS asks the guest to format its disk, and HCS boots Debian's kernel (uvm's has no VMBus):
# uvm's own initramfs leaves mke2fs, its libraries (those GNU tar does not share) and the
# formatting script out, 1 MB less to unpack at every QEMU boot.
own_excluded="^\./lib/modules/.|^\./sbin/mke2fs$|^\./etc/mke2fs\.conf$|^\./sbin/uvm-format-data$"
for lib in $mke2fs_libs; do
	case " $(echo $gtar_libs) " in *" $lib "*) ;; *) own_excluded="$own_excluded|^\.$(echo "$lib" | sed 's/\./\\./g')$" ;; esac
done
find . | LC_ALL=C sort | grep -Ev "$own_excluded" | cpio -o -H newc -R 0:0 --reproducible --quiet |
	compress >"$out/$own_initrd_name.new"
cd "$out"
mv "$initrd_name.new" "$initrd_name" # atomic: a VM starting now gets the old or the new file
mv "$own_initrd_name.new" "$own_initrd_name"
for f in initramfs.cpio initramfs.cpio.gz initramfs.cpio.lz4 initramfs.cpio.xz initramfs.cpio.zst; do
	[ "$f" = "$initrd_name" ] || rm -f "$f" # the host picks the first initramfs.* file
	[ "${f%%.*}-uvm.${f#*.}" = "$own_initrd_name" ] || rm -f "${f%%.*}-uvm.${f#*.}"
done

# ---------------------------------------------------------------- kernel command line
# Recommended additions to the host's kernel command line, measured under TCG (README.md).
# dummy.numdummies=0: uvm's kernel has the dummy network driver built in (for containers), which
# would otherwise make a dummy0 in every VM.
# The host adds tsc_early_khz=<its TSC kHz> itself under TCG: that value depends on the host.
cmdline="noreplace-smp dummy.numdummies=0 cryptomgr.notests initcall_blacklist=crypto_kdf108_init,init_kprobe_trace,load_system_certificate_list,init_encrypted,init_blk_tracer ipv6.disable=1 rodata=off init_on_alloc=0 8250.nr_uarts=1"
echo "$cmdline" >cmdline.new
mv cmdline.new cmdline

# ---------------------------------------------------------------- manifest
json_file() { # name path
	printf '    "%s": { "file": "%s", "bytes": %s, "sha256": "%s" }' \
		"$1" "$(basename "$2")" "$(stat -c %s "$2")" "$(sha256sum "$2" | cut -d' ' -f1)"
}
{
	echo "{"
	echo "  \"kernel_version\": \"$kver\","
	echo "  \"kernel_package\": \"$(basename "$deb")\","
	echo "  \"initrd_compression\": \"$compression\","
	echo "  \"kernel_cmdline_base\": \"console=ttyS0 quiet panic=-1 reboot=t edd=off\","
	echo "  \"kernel_cmdline_recommended\": \"$cmdline\","
	echo "  \"kernel_cmdline_tcg\": \"tsc_early_khz=<host TSC frequency in kHz>\","
	echo "  \"busybox\": \"$("$busybox" 2>&1 | head -n 1 | sed 's/ multi-call binary.*//; s/"/\\"/g')\","
	echo "  \"agent_compiler\": \"$cc\","
	echo "  \"modules\": \"$(cd "$root/lib/modules/$kver" && ls -- *.ko | sed 's/\.ko$//' | tr '\n' ' ' | sed 's/ $//')\","
	echo "  \"data_disk\": { \"device\": \"/dev/vda\", \"mount\": \"/data\", \"type\": \"ext4\", \"options\": \"discard,noatime\", \"modules\": \"$data_modules\" },"
	echo "  \"gnu_tar\": { \"path\": \"/bin/gtar\", \"version\": \"$gtar_version\", \"from\": \"$gtar\", \"libraries\": \"$(echo "$gtar_libs" | tr '\n' ' ' | sed 's/ $//')\" },"
	echo "  \"mke2fs\": { \"path\": \"/sbin/mke2fs\", \"version\": \"$mke2fs_version\", \"from\": \"$mke2fs\", \"libraries\": \"$(echo "$mke2fs_libs" | tr '\n' ' ' | sed 's/ $//')\" },"
	echo "  \"files\": {"
	json_file kernel "$out/vmlinux"
	echo ","
	json_file initrd "$out/$initrd_name"
	echo ","
	json_file initrd_uvm "$out/$own_initrd_name"
	echo ","
	json_file agent "$out/uvm-agent"
	echo
	echo "  }"
	echo "}"
} >image.json.new
mv image.json.new image.json
echo "$stamp_hash" >.stamp
log "done: $out/vmlinux ($kver), $out/$initrd_name, $out/uvm-agent, $out/image.json"
