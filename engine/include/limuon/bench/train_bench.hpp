// `limuon-lab bench train`: training throughput (tokens/s) of the engine's GPT with LibTorch's AdamW,
// against the same model and optimizer in Python PyTorch on the same LibTorch (Debian python3-torch,
// experiments/python/gpt_throughput.py), same thread count, measured side by side in one run: rounds
// alternate C++ and Python, and the best round of each counts (this machine's neighbours are noisy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace limuon::bench {

struct TrainBenchConfig {
  std::string model = "classroom";  // classroom or small
  int64_t batch = 32;
  int64_t steps = 30;
  int64_t warmup = 3;
  int threads = 1;
  int rounds = 3;
  std::string python = "/usr/bin/python3";
};

// The Python twin runs in three environments, so the figures say where the engine's lead comes from.
struct PythonVariant {
  std::string label;
  std::string env;  // prefix of the command line, e.g. "OPENBLAS_CORETYPE=SkylakeX"
  double tokens_per_s = 0;
};

struct TrainBenchResult {
  double cpp_tokens_per_s = 0;
  std::string blas_core;                // OpenBLAS's kernels in this process (and in the like-for-like runs)
  std::vector<PythonVariant> python;    // [0] is the like-for-like comparison the target is judged on
  std::string python_error;             // why Python PyTorch could not run, when it could not
};

double cpp_gpt_tokens_per_s(const TrainBenchConfig& config);
TrainBenchResult run_train_bench(const TrainBenchConfig& config);

}  // namespace limuon::bench
