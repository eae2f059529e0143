#!/usr/bin/env bash
# Sets up uvm on a Debian 12 machine: system packages, uvm's own guest kernel (in the background),
# the guest image and the Maven build. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
# uvm's own kernel takes about 15 minutes to build on 2 CPUs the first time: it builds in the
# background at low priority, and VMs boot Debian's kernel until it is there (each such boot
# says so). scripts/test.sh waits for it.
scripts/kernel.sh --background
guest/build-image.sh
# Rebuild when a jar bin/uvm runs is missing or older than any source or pom.
stale=
for side in client daemon; do
  jar=$(ls "$side"/target/uvm-"$side"-*.jar 2>/dev/null | head -n1 || true)
  if [ -z "$jar" ] || [ ! -d "$side/target/lib" ] ||
     [ -n "$(find pom.xml */pom.xml */src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    stale=1
  fi
done
if [ -n "$stale" ]; then
  echo "uvm setup: building with Maven" >&2
  mvn -B -q -DskipTests install
fi
