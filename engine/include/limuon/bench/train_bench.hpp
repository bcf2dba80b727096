// `limuon-lab bench train`: training throughput (tokens/s) of the engine's GPT with LibTorch's AdamW,
// against the same model and optimizer in Python PyTorch on the same LibTorch (Debian python3-torch,
// experiments/python/gpt_throughput.py), same thread count, measured side by side in one run.
#pragma once

#include <cstdint>
#include <string>

namespace limuon::bench {

struct TrainBenchConfig {
  std::string model = "classroom";  // classroom or small
  int64_t batch = 32;
  int64_t steps = 30;
  int64_t warmup = 3;
  int threads = 1;
  int rounds = 2;  // C++ then Python, repeated; the best round of each counts
  std::string python = "/usr/bin/python3";
};

struct TrainBenchResult {
  double cpp_tokens_per_s = 0;
  double python_tokens_per_s = 0;  // 0 when Python PyTorch is not available
  std::string python_error;        // why, when it is not
};

double cpp_gpt_tokens_per_s(const TrainBenchConfig& config);
TrainBenchResult run_train_bench(const TrainBenchConfig& config);

}  // namespace limuon::bench
