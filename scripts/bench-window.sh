#!/usr/bin/env bash
# The window's benchmark: frame time p50/p99 with a one-million-point run on screen next to a live run,
# and the live run's training throughput with the window drawing as a ratio of the same run with no
# frames drawn, in one session. Under Xvfb (OpenGL by llvmpipe, so every pixel costs CPU on the same
# cores as the training). Not part of the tests. Prints the figures; the screenshot goes to $out.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/limuon-bench-window}"
bash scripts/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)" --target limuon-lab
rm -rf "$out" && mkdir -p "$out"
unset OPENBLAS_CORETYPE
XDG_CONFIG_HOME="$out/config" xvfb-run -a -s "-screen 0 1600x1000x24" ./build/release/app/limuon-lab \
  --no-remember --demo experiments/window/frame_bench.demo --demo-out "$out" --db "$out/runs.db"
# Then a sweep of 4 runs in parallel on screen (frame time only: every run shares the two cores).
XDG_CONFIG_HOME="$out/config" xvfb-run -a -s "-screen 0 1600x1000x24" ./build/release/app/limuon-lab \
  --no-remember --demo experiments/window/sweep_frames.demo --demo-out "$out" --db "$out/sweep.db"
