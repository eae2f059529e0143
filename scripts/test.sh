#!/usr/bin/env bash
# Runs the whole test suite: unit tests of every module, then end-to-end tests that boot real VMs.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
scripts/install-deps.sh
guest/build-image.sh
exec mvn -B install "$@"
