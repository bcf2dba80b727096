#!/usr/bin/env bash
# Runs the experiments of experiments/ and writes their reports to experiments/results/NAME/.
#   bash scripts/experiments.sh            every experiment, one after another
#   bash scripts/experiments.sh gpt        one: memory, gpt, vit, qwen2, rank
# Each sweep resumes where it stopped: rerun the same command after an interruption. The runs go to
# experiments/runs.db (LIMUON_EXPERIMENTS_DB overrides it). Not part of the test command: on 2 cores the
# whole set takes hours; each experiment's report.md says how long its runs took.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target limuon-lab
lab=build/release/app/limuon-lab
db=${LIMUON_EXPERIMENTS_DB:-experiments/runs.db}
jobs=${LIMUON_EXPERIMENTS_JOBS:-2}

sweeps_of() {
  case "$1" in
    gpt) echo experiments/gpt/baselines.toml experiments/gpt/limuon_dense.toml experiments/gpt/limuon_lowrank.toml \
              experiments/gpt/limuon_beta.toml experiments/gpt/limuon_lowrank_rms.toml ;;
    vit|qwen2) echo experiments/$1/baselines.toml experiments/$1/limuon_dense.toml \
                    experiments/$1/limuon_lowrank.toml experiments/$1/limuon_lowrank_rms.toml ;;
    # Which rank is enough: LiMuon's rank-r runs of experiment 1 next to its dense momentum (no new runs).
    rank) echo experiments/gpt/limuon_dense.toml experiments/gpt/limuon_lowrank.toml \
               experiments/gpt/limuon_lowrank_rms.toml ;;
    *) echo "scripts/experiments.sh: unknown experiment '$1' (memory, gpt, vit, qwen2, rank)" >&2; exit 2 ;;
  esac
}

run_experiment() {
  local name=$1 started
  started=$(date +%s)
  if [ "$name" = memory ]; then  # a benchmark, not a sweep: each optimizer mode in a fresh process
    "$lab" bench memory --out experiments/results/memory
    echo "experiment memory: $(( $(date +%s) - started )) s on $(nproc) cores"
    return
  fi
  for sweep in $(sweeps_of "$name"); do
    "$lab" sweep "$sweep" --db "$db" --jobs "$jobs"
  done
  # shellcheck disable=SC2046
  "$lab" report $(sweeps_of "$name") --db "$db" --out "experiments/results/$name"
  echo "experiment $name: $(( $(date +%s) - started )) s on $(nproc) cores"
}

if [ $# -gt 0 ]; then
  run_experiment "$1"
else
  for name in memory gpt rank vit qwen2; do run_experiment "$name"; done
fi
