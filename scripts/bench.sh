#!/usr/bin/env bash
# The long benchmarks, separate from the tests: sets everything up (with Debian's python3-torch for the
# comparison), builds Release and prints the figures the README quotes. About 8 minutes on 2 cores.
# Results that are files land in experiments/results/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --bench
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)" --target limuon-lab
lab=./build/release/app/limuon-lab

$lab bench optim --json experiments/results/bench_optim.json
$lab bench store
for args in "--threads 1" "--threads 2" "--batch 8" "--model small --batch 8" "--model small --batch 8 --threads 2"; do
  # shellcheck disable=SC2086
  $lab bench train $args
done
# The wall time of a training step of every optimizer mode on the models of the experiments.
$lab bench steps --model gpt:classroom --batch 16 --out experiments/results/steps/gpt
$lab bench steps --model vit:classroom --batch 32 --out experiments/results/steps/vit
$lab bench steps --model qwen2:classroom --batch 16 --out experiments/results/steps/qwen2
