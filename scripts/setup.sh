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
scripts/maven-build.sh
