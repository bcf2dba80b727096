#!/usr/bin/env bash
# Runs the experiments of experiments/ and writes their reports to experiments/results/NAME/.
#   bash scripts/experiments.sh            every experiment, one after another
#   bash scripts/experiments.sh gpt        one: memory, gpt, vit, qwen2, rank
#   bash scripts/experiments.sh save       only write the runs so far to experiments/results/runs.db.xz
# Each sweep resumes where it stopped: rerun the same command after an interruption. The runs go to
# experiments/runs.db (LIMUON_EXPERIMENTS_DB overrides it). Not part of the test command: on 2 cores the
# whole set takes hours; each experiment's report.md says how long its runs took.
# The runs travel with the repository as experiments/results/runs.db.xz: a fresh clone starts from them,
# so its sweeps go on where the last machine stopped and its reports can be rewritten byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
db=${LIMUON_EXPERIMENTS_DB:-experiments/runs.db}
jobs=${LIMUON_EXPERIMENTS_JOBS:-2}

archive=experiments/results/runs.db.xz

# A consistent copy (sweeps may be writing), compacted, then compressed; the file is replaced only whole.
save_runs() {
  local copy=$archive.db
  [ -e "$db" ] || { echo "scripts/experiments.sh: no $db to save" >&2; exit 1; }
  rm -f "$copy"
  sqlite3 "$db" ".backup '$copy'"
  sqlite3 "$copy" "VACUUM"
  xz -9 -T1 -c "$copy" > "$archive.part"
  mv "$archive.part" "$archive"
  rm -f "$copy"
  echo "saved the runs of $db to $archive ($(du -h "$archive" | cut -f1))"
}

if [ ! -e "$db" ] && [ -e "$archive" ]; then
  xz -dc "$archive" > "$db.part"
  mv "$db.part" "$db"
  echo "started $db from $archive"
fi

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
  save_runs
  echo "experiment $name: $(( $(date +%s) - started )) s on $(nproc) cores"
}

if [ "${1:-}" = save ]; then
  save_runs
  exit
fi
cmake --preset release >/dev/null
cmake --build --preset release --target limuon-lab
lab=build/release/app/limuon-lab
if [ $# -gt 0 ]; then
  run_experiment "$1"
else
  for name in memory gpt rank vit qwen2; do run_experiment "$name"; done
fi
