#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine and passes the tests. Runs the suite in the
# Release build and in the Debug build with AddressSanitizer + UBSan. `scripts/test.sh tsan` adds the
# ThreadSanitizer build; `scripts/test.sh release` runs only Release.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

presets=(release asan)
[ $# -gt 0 ] && presets=("$@")
jobs=$(nproc)
for preset in "${presets[@]}"; do
  echo "== ${preset}: configure, build, test"
  cmake --preset "${preset}" > /dev/null
  cmake --build --preset "${preset}" -j "${jobs}"
  ctest --preset "${preset}" -j "${jobs}"
done
