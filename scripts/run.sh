#!/usr/bin/env bash
# Sets everything up on a fresh Debian bookworm machine and runs LiMuon Lab's main job. Arguments are
# passed to limuon-lab (no arguments: the default experiment).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)" --target limuon-lab
exec ./build/release/app/limuon-lab "$@"
