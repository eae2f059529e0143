#!/usr/bin/env bash
# Builds the initramfs for the libvirt comparison: the guest image's own initramfs plus the
# virtio-PCI transport modules. libvirt cannot run QEMU's microvm machine, so its guest is a q35
# machine whose virtio devices sit on PCI, and the image (made for microvm, virtio-mmio only)
# would find no agent port there. Everything else (kernel, busybox, /init, agent, the other
# modules) is the image's; /init's module list gains virtio_pci.
#   libvirt-initramfs.sh OUT_FILE [IMAGE_DIR]
# IMAGE_DIR holds the initramfs.cpio to start from (default guest/out); the kernel package
# comes from guest/out/cache. Rebuilds only when that initramfs or this script is newer than
# OUT_FILE.
set -euo pipefail
home=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
out=$1
img=${2:-$home/guest/out}
if [ -s "$out" ] && [ "$out" -nt "$img/initramfs.cpio" ] && [ "$out" -nt "$0" ]; then
	exit 0
fi
deb=$(ls "$home"/guest/out/cache/linux-image-*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "libvirt-initramfs: no kernel package in $home/guest/out/cache (run guest/build-image.sh)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/uvm-bench-initrd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/deb" "$tmp/root"
(cd "$tmp/root" && cpio -idm --no-absolute-filenames --quiet) <"$img/initramfs.cpio"
kver=$(cat "$tmp/root/etc/uvm-kernel-version")
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/deb" --wildcards '*/virtio_pci*'
mdir=$tmp/root/lib/modules/$kver
for f in $(find "$tmp/deb" -name 'virtio_pci*.ko*'); do
	m=$(basename "$f")
	m=${m%%.ko*}
	case $f in
	*.ko) cp "$f" "$mdir/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$mdir/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$mdir/$m.ko" ;;
	*.ko.gz) gzip -dc "$f" >"$mdir/$m.ko" ;;
	esac
	# cut the appended signature off, as the image build does for its modules
	if [ "$(tail -c 28 "$mdir/$m.ko")" = "~Module signature appended~" ]; then
		size=$(stat -c %s "$mdir/$m.ko")
		siglen=$(tail -c 40 "$mdir/$m.ko" | head -c 12 | od -An -tu1 |
			awk '{ print $9 * 16777216 + $10 * 65536 + $11 * 256 + $12 }')
		head -c "$((size - 40 - siglen))" "$mdir/$m.ko" >"$mdir/$m.ko.tmp"
		mv "$mdir/$m.ko.tmp" "$mdir/$m.ko"
	fi
done
[ -f "$mdir/virtio_pci.ko" ] || { echo "libvirt-initramfs: virtio_pci not found in $deb" >&2; exit 1; }
"$tmp/root/bin/busybox" depmod -b "$tmp/root" "$kver"
sed -i 's/modprobe -qa virtio_ring virtio virtio_mmio/modprobe -qa virtio_ring virtio virtio_mmio virtio_pci/' "$tmp/root/init"
grep -q 'virtio_mmio virtio_pci' "$tmp/root/init" || { echo "libvirt-initramfs: cannot add virtio_pci to /init" >&2; exit 1; }
(cd "$tmp/root" && find . -exec touch -h -d @0 {} + && find . | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --reproducible --quiet) >"$out.new"
mv "$out.new" "$out"
