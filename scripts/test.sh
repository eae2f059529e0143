#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every module, then end-to-end tests that boot real VMs,
# then a short smoke run of the benchmarks (bench/run.sh --quick --no-libvirt, about 2 minutes),
# which keeps the bench command working and asserts no timing. UVM_BENCH_SMOKE=0 skips the smoke
# run; arguments go to Maven.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
guest/build-image.sh
mvn -B install "$@"
if [ "${UVM_BENCH_SMOKE:-1}" != 0 ]; then
	bench/run.sh --quick --no-libvirt
fi
