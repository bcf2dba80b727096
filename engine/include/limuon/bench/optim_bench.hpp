// `limuon-lab bench optim`: optimizer step time (no forward/backward) and state size of LiMuon's
// modes, Muon and LibTorch's AdamW on the weight shapes of DistilGPT2 and of a classroom model.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace limuon::bench {

struct OptimBenchConfig {
  std::vector<std::pair<int64_t, int64_t>> shapes = {{768, 768}, {768, 2304}, {768, 3072}, {3072, 768},
                                                     {128, 128}, {128, 512}};
  std::vector<int> threads = {1, 0};  // 0 = all cores
  int64_t rank = 8;
  int min_samples = 5;
  int max_samples = 25;
  double seconds_per_case = 1.0;  // sampling stops after this much time (and at least min_samples)
};

struct OptimBenchRow {
  int64_t rows = 0, cols = 0;
  int threads = 0;
  std::string optimizer;     // e.g. "limuon r=8 lowrank"
  double median_ms = 0;      // median step time with the gradient evaluations subtracted
  int samples = 0;
  int64_t state_bytes = 0;
  double vs_muon_ns = 0;     // median_ms / Muon (Newton-Schulz) median_ms, same shape and threads
  double vs_adamw = 0;       // median_ms / AdamW median_ms
};

// Runs every case; `progress` (may be empty) is called with a line per finished case.
std::vector<OptimBenchRow> run_optim_bench(const OptimBenchConfig& config,
                                           const std::function<void(const OptimBenchRow&)>& progress = {});

std::string format_table(const std::vector<OptimBenchRow>& rows);
std::string format_json(const std::vector<OptimBenchRow>& rows);

}  // namespace limuon::bench
