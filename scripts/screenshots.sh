#!/usr/bin/env bash
# Retakes the README's screenshots of the window (assets/screenshots/window-*.png) under Xvfb: three
# short classroom runs (AdamW, Muon, LiMuon rank 8), a 9-run sweep and a lesson: about eight minutes on 2 cores.
# Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)" --target limuon-lab
work="$(mktemp -d)"
XDG_CONFIG_HOME="$work/config" xvfb-run -a -s "-screen 0 1600x1000x24" ./build/release/app/limuon-lab \
  --no-remember --demo assets/screenshots/readme.demo --demo-out assets/screenshots --db "$work/runs.db"
rm -rf "$work"
