#!/usr/bin/env bash
# Sets up uvm on a Debian 12 machine: system packages, the guest image and the Maven build.
# Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
guest/build-image.sh
jar=$(ls scheduler/target/uvm-scheduler-*.jar 2>/dev/null | head -n1 || true)
if [ -z "$jar" ] || [ ! -d scheduler/target/lib ] || \
   [ -n "$(find pom.xml */pom.xml */src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "uvm setup: building with Maven" >&2
  mvn -B -q -DskipTests install
fi
