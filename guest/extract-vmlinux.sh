#!/bin/sh
# Extracts the uncompressed ELF kernel (vmlinux) from a bzImage, like the kernel source's
# scripts/extract-vmlinux: find each compressed-stream magic in the image, decompress from
# there, and keep the first result that is an ELF file.
#
# usage: extract-vmlinux.sh BZIMAGE OUTPUT
set -eu

img=${1:?usage: extract-vmlinux.sh BZIMAGE OUTPUT}
out=${2:?usage: extract-vmlinux.sh BZIMAGE OUTPUT}
[ -r "$img" ] || { echo "extract-vmlinux: cannot read $img" >&2; exit 1; }

tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

is_elf() {
	[ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = "7f454c46" ]
}

# try MAGIC_REGEX DECOMPRESSOR...: every offset of the magic, decompressed, until one is ELF
try() {
	magic=$1
	shift
	command -v "$1" >/dev/null 2>&1 || return 1
	for pos in $(LC_ALL=C grep -obUaP "$magic" "$img" 2>/dev/null | cut -d: -f1); do
		tail -c "+$((pos + 1))" "$img" | "$@" >"$tmp" 2>/dev/null || true
		if [ -s "$tmp" ] && is_elf "$tmp"; then
			mv "$tmp" "$out"
			return 0
		fi
	done
	return 1
}

if is_elf "$img"; then
	cp "$img" "$out"   # already a vmlinux
	exit 0
fi

try '\xFD7zXZ\x00' xz -dc --single-stream ||
try '\x1F\x8B\x08' gzip -dc ||
try '\x28\xB5\x2F\xFD' zstd -dc ||
try '\x02\x21\x4C\x18' lz4 -dc ||
try 'BZh' bzip2 -dc ||
try '\x5D\x00\x00\x00' xz -dc --format=lzma ||
{
	echo "extract-vmlinux: no compressed ELF kernel found in $img" \
	     "(install xz-utils, or gzip/zstd/lz4/bzip2 for other kernels)" >&2
	exit 1
}
