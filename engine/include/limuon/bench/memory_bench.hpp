// `limuon-lab bench memory`: what each optimizer mode costs in memory on a real model's shapes. The
// state bytes are counted exactly (state_bytes.hpp); the peak resident memory is the process's own
// high-water mark, so each case must run in a fresh process (the CLI starts one per case).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::bench {

struct MemoryCase {
  std::string label;  // "limuon r=8 lowrank (option #2)"
  train::RunConfig config;
};

// AdamW, Muon, LiMuon option #1 (dense momentum), option #2 at ranks 1, 4, 8 and 16, and our ablation
// that keeps the dense momentum but takes a rank-8 update; each `steps` steps of batch 1 on `model`, on
// one thread.
std::vector<MemoryCase> memory_cases(const std::string& model, int64_t steps);

struct MemoryResult {
  int64_t state_bytes = 0;    // the optimizer's state after the last step
  double peak_rss_bytes = 0;  // the process's peak resident memory (getrusage), model and data included
  double seconds = 0;         // the steps' wall time
};

// Trains `config` in this process without a store or checkpoints; throws std::runtime_error when the
// run does not finish. Only meaningful as a process's one and only job.
MemoryResult measure_in_this_process(const train::RunConfig& config);

// One line a child prints and its parent reads back: "state_bytes peak_rss_bytes seconds".
std::string to_line(const MemoryResult& result);
MemoryResult from_line(const std::string& line);  // std::invalid_argument on anything else

}  // namespace limuon::bench
