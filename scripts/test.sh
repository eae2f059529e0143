#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every module, then end-to-end tests that boot real VMs
# (on uvm's own guest kernel, which is waited for, or built, first), then a short smoke run of the
# benchmarks (bench/run.sh --quick --no-libvirt, about 2 minutes), which keeps the bench command
# working and asserts no timing. UVM_BENCH_SMOKE=0 skips the smoke run; arguments go to Maven.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
# The kernel builds while the unit tests run.
scripts/kernel.sh --background
guest/build-image.sh
mvn -B install -pl '!src/test' "$@"
echo "uvm test: the end-to-end tests boot uvm's own guest kernel; waiting for it if it is still being built" >&2
scripts/kernel.sh --wait
# the Debian package, which an end-to-end test installs into a throwaway root (and lints)
scripts/package.sh --no-lintian
mvn -B install -pl src/test "$@"
if [ "${UVM_BENCH_SMOKE:-1}" != 0 ]; then
	bench/run.sh --quick --no-libvirt
fi
