// `limuon-lab bench steps`: the wall time of one training step of each optimizer mode on one model
// (forward, backward, LiMuon's second backward, the update), measured in one process with the modes
// taking turns round after round, so that load from elsewhere falls on all of them alike. The sweeps'
// wall-time columns are measured with other runs beside them; these ratios are a quieter reading.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::bench {

struct StepCase {
  std::string label;  // "limuon r=8 lowrank"
  train::RunConfig config;
};

// Muon, AdamW, LiMuon dense (Newton-Schulz and exact SVD) and LiMuon low-rank at ranks 1, 4, 8 and 16,
// each `warmup + steps` steps of `batch` on `model` with `threads` threads. Validation, update norms and
// spectra come only after the last step; none of them is inside a timed step.
std::vector<StepCase> step_cases(const std::string& model, int64_t batch, int64_t warmup, int64_t steps,
                                 int threads);

struct StepTiming {
  double median_ms = 0;             // the median of the timed steps (the first `warmup` steps left out)
  double grad_evals_per_step = 0;   // 2 for LiMuon, 1 for the others
};

// Trains `config` in this process without a store or checkpoints; throws std::runtime_error when the
// run does not finish.
StepTiming time_steps(const train::RunConfig& config, int64_t warmup);

struct StepBenchRow {
  std::string label;
  double best_ms = 0;   // the lowest of the rounds' medians: the least disturbed reading
  double worst_ms = 0;  // the highest, to show how much the machine's load moved it
  double grad_evals_per_step = 0;
};

// Every case once per round, in order, `rounds` times; `progress` (may be empty) hears each measurement.
std::vector<StepBenchRow> run_step_bench(const std::vector<StepCase>& cases, int64_t warmup, int rounds,
                                         const std::function<void(const std::string&, int, double)>& progress = {});

// The table: each row's step, its ratio to the first row's (Muon's) and its time per gradient evaluation.
std::string format_step_table(const std::vector<StepBenchRow>& rows);

}  // namespace limuon::bench
