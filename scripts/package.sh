#!/usr/bin/env bash
# Builds the Debian package packaging/out/uvm_<version>_amd64.deb with dpkg-deb, from this tree:
# the Java build, the guest image and uvm's own guest kernel (each built first when missing or
# stale), the systemd unit, the config as a conffile, bash and zsh completion and man pages
# written from the client's picocli model (and uvm.conf(5) from docs/config.md). Then lintian, which must report no error.
#   scripts/package.sh [--no-lintian]
# dpkg-deb rather than jpackage: the package runs on Debian's own Java runtime, which Debian keeps
# patched, instead of a bundled one (a jlinked runtime of the modules uvm uses is 39 MiB, 20 MiB
# compressed: the package would nearly double); and its maintainer scripts, conffile and dpkg
# trigger are written for uvm rather than generated for an application under /opt.
# The version is the release with the commit: 0.1.0~git<commits>.<hash> (the ~ sorts it before
# the release 0.1.0 itself, and the commit count keeps upgrades in order).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
lintian=1
[ "${1:-}" = --no-lintian ] && lintian=
step() { echo "uvm package: $*" >&2; }

scripts/install-deps.sh
step "uvm's own guest kernel (waits for a build under way)"
scripts/kernel.sh --wait
guest/build-image.sh
scripts/maven-build.sh

release=$(sed -n 's/.*String RELEASE = "\(.*\)";.*/\1/p' protocol/src/main/java/dev/uvm/protocol/Wire.java)
if git rev-parse --git-dir >/dev/null 2>&1; then
	version="$release~git$(git rev-list --count HEAD).$(git rev-parse --short=7 HEAD)"
	git diff --quiet HEAD -- 2>/dev/null || version="$version+modified"
else
	version="$release"
fi
out=packaging/out
root=$out/root
deb=$out/uvm_${version}_amd64.deb
step "staging $version in $root"
rm -rf "$root" "$out"/uvm_*.deb
mkdir -p "$root"/{DEBIAN,usr/bin,usr/share/uvm/java,usr/lib/uvm/guest,lib/systemd/system,etc/uvm} \
	"$root"/usr/share/{bash-completion/completions,zsh/vendor-completions,man/man1,man/man5,doc/uvm,lintian/overrides}

# the command, and the jars of both sides in one folder with a class path file each
sed '1s|^#!/usr/bin/env bash$|#!/bin/bash|' bin/uvm >"$root/usr/bin/uvm"
chmod 0755 "$root/usr/bin/uvm"
for side in client daemon; do
	jar=$(ls "$side"/target/uvm-"$side"-*.jar | head -n1)
	cp "$jar" "$side"/target/lib/*.jar "$root/usr/share/uvm/java/"
	{
		basename "$jar"
		for j in "$side"/target/lib/*.jar; do basename "$j"; done
	} >"$root/usr/share/uvm/$side.classpath"
done

# the guest image: both kernels, both initramfs, the command line and the manifests
for f in cmdline image.json initramfs.cpio initramfs-uvm.cpio vmlinux vmlinux-uvm vmlinux-uvm.json vmlinux-uvm.config; do
	cp guest/out/$f "$root/usr/lib/uvm/guest/"
done

# the service and its config: the packaged paths, and the socket for the uvm group
sed -e 's|/opt/uvm/bin/uvm|/usr/bin/uvm|' -e 's|^Documentation=.*|Documentation=man:uvm(1) file:///usr/share/doc/uvm/service.md.gz|' \
	-e 's|^# Install: see docs/service.md.|# Installed by the uvm Debian package.|' packaging/uvm.service >"$root/lib/systemd/system/uvm.service"
sed -e 's|^#socketGroup = uvm|socketGroup = uvm|' packaging/uvm.conf >"$root/etc/uvm/uvm.conf"
grep -q '^socketGroup = uvm' "$root/etc/uvm/uvm.conf" || { echo "uvm package: packaging/uvm.conf lost its socketGroup line" >&2; exit 1; }

step "completion and man pages from the command model"
"$root/usr/bin/uvm" completion bash >"$root/usr/share/bash-completion/completions/uvm"
"$root/usr/bin/uvm" completion zsh >"$root/usr/share/zsh/vendor-completions/_uvm"
man=$out/man
rm -rf "$man"
mvn -B -q -o -pl client dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$out/test-classpath.txt" >/dev/null
java -cp "client/target/test-classes:client/target/classes:$(cat "$out/test-classpath.txt")" dev.uvm.client.ManPages "$man/adoc"
asciidoctor -b manpage -a mansource="uvm $release" -a manmanual="uvm Manual" -a reproducible -D "$man" "$man"/adoc/*.adoc
for page in "$man"/*.1; do
	gzip -9n <"$page" >"$root/usr/share/man/man1/$(basename "$page").gz"
done
# uvm.conf(5): docs/config.md, with the NAME section a man page starts with, through pandoc
mkdir -p "$root/usr/share/man/man5"
{
	printf '# NAME\n\nuvm.conf - the configuration file of uvm\n\n# DESCRIPTION\n'
	sed -e '1{/^# /d}' -e 's/^#/##/' -e 's|\[`packaging/uvm.conf`\](../packaging/uvm.conf)|`/etc/uvm/uvm.conf` (the service'"'"'s own)|' docs/config.md
} | pandoc -s -f gfm -t man --lua-filter packaging/man/tables-as-lists.lua -M title=UVM.CONF -M section=5 -M header="uvm Manual" -M footer="uvm $release" |
	gzip -9n >"$root/usr/share/man/man5/uvm.conf.5.gz"

# documentation, copyright and changelog
cp packaging/debian/copyright "$root/usr/share/doc/uvm/copyright"
cp packaging/debian/lintian-overrides "$root/usr/share/lintian/overrides/uvm"
for doc in README.md docs/config.md docs/distributions.md docs/networking.md docs/service.md docs/metrics.md; do
	gzip -9n <"$doc" >"$root/usr/share/doc/uvm/$(basename "$doc").gz"
done
{
	echo "uvm ($version) unstable; urgency=medium"
	echo
	echo "  * Built from commit $(git rev-parse --short=7 HEAD 2>/dev/null || echo unknown) of the uvm repository."
	echo
	echo " -- uvm developers <uvm-packages@lists.uvm.dev>  $(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
} | gzip -9n >"$root/usr/share/doc/uvm/changelog.gz"

# control files
cp packaging/debian/{postinst,prerm,postrm,conffiles,triggers} "$root/DEBIAN/"
find "$root" -path "$root/DEBIAN" -prune -o -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/uvm" "$root"/DEBIAN/{postinst,prerm,postrm}
chmod 0644 "$root"/DEBIAN/{conffiles,triggers}
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" packaging/debian/control.in >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

step "dpkg-deb --build ($((size / 1024)) MiB installed)"
dpkg-deb --root-owner-group -Zxz -z6 --build "$root" "$deb" >/dev/null
step "wrote $deb ($(du -m "$deb" | cut -f1) MiB)"
if [ -n "$lintian" ]; then
	step "lintian"
	lintian --fail-on error --info "$deb" >&2
fi
