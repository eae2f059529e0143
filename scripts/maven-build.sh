#!/usr/bin/env bash
# Builds the Java modules with Maven when a jar bin/uvm runs is missing or older than any source
# or pom, or was built from another commit than the checked-out one (the jars carry their commit
# for uvm --version; scripts/setup.sh, scripts/package.sh). Idempotent: nothing happens when all
# are current.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
stale=
for side in client daemon; do
  jar=$(ls "$side"/target/uvm-"$side"-*.jar 2>/dev/null | head -n1 || true)
  if [ -z "$jar" ] || [ ! -d "$side/target/lib" ] ||
     [ -n "$(find pom.xml */pom.xml */src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    stale=1
  fi
done
if commit=$(git rev-parse --short=7 HEAD 2>/dev/null) &&
   ! grep -qx "git.commit.id.abbrev=$commit" protocol/target/classes/dev/uvm/protocol/build.properties 2>/dev/null; then
  stale=1
fi
if [ -n "$stale" ]; then
  echo "uvm setup: building with Maven" >&2
  mvn -B -q -DskipTests install
fi
