#!/usr/bin/env bash
# Makes the client's class data sharing archive, client/target/uvm-client.jsa: a training run
# of `uvm run -- true` against a stand-in daemon (no VM) with -XX:ArchiveClassesAtExit, through
# bin/uvm, so that the archive matches bin/uvm's class path and JVM flags. The Maven build runs
# it after packaging the client (scripts/setup.sh and scripts/test.sh build with Maven).
#
# Idempotent: nothing happens while the jars and the JDK are those the archive was made from.
# Never fatal: when the training fails the archive is removed, and bin/uvm starts without it.
# The archive is written under another name and renamed into place, so a client starting
# meanwhile maps the old archive or the new one, never a partial file.
set -uo pipefail
home=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
target=$home/client/target
archive=$target/uvm-client.jsa
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

jars=("$target"/uvm-client-*.jar "$target"/lib/*.jar)
if [ ! -f "${jars[0]}" ] || [ ! -d "$target/lib" ]; then
	echo "client-archive: the client is not built; nothing to do" >&2
	exit 0
fi
# what the archive depends on: every jar (name, size, time) and the JDK's version
stamp=$( {
	stat -c '%n %s %Y' "${jars[@]}" "$home/bin/uvm"
	"$java" -version 2>&1
} | sha256sum | cut -d' ' -f1)
if [ -s "$archive" ] && [ "$(cat "$archive.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

tmp=$archive.$$.tmp
rm -f "$archive" "$archive.stamp"
if UVM_CLIENT_ARCHIVE_DUMP=$tmp "$home/bin/uvm" >"$tmp.log" 2>&1 && [ -s "$tmp" ]; then
	mv -f "$tmp" "$archive"
	echo "$stamp" >"$archive.stamp"
	rm -f "$tmp.log"
	echo "client-archive: wrote $archive" >&2
else
	echo "client-archive: the training run failed; the client starts without an archive: $(tail -n 3 "$tmp.log" 2>/dev/null | tr '\n' ' ')" >&2
	rm -f "$tmp" "$tmp.log"
fi
exit 0
