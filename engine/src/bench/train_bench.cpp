#include "limuon/bench/train_bench.hpp"

#include <ATen/ATen.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/adamw.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "limuon/models/gpt.hpp"
#include "limuon/util/runtime_env.hpp"
#include "limuon/util/threads.hpp"

namespace limuon::bench {

double cpp_gpt_tokens_per_s(const TrainBenchConfig& config) {
  set_compute_threads(config.threads);
  torch::manual_seed(0);
  const auto preset = models::gpt_preset(config.model);
  auto model = models::Gpt(preset);
  torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(3e-3).betas({0.9, 0.95}).weight_decay(0));
  const at::Tensor data = torch::randint(preset.vocab, {config.warmup + config.steps, config.batch, preset.context + 1});
  auto step = [&](int64_t i) {
    const at::Tensor batch = data[i];
    opt.zero_grad();
    const at::Tensor logits = model->forward(batch.narrow(1, 0, preset.context));
    torch::cross_entropy_loss(logits.reshape({-1, preset.vocab}), batch.narrow(1, 1, preset.context).reshape({-1}))
        .backward();
    opt.step();
  };
  for (int64_t i = 0; i < config.warmup; ++i) step(i);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = config.warmup; i < config.warmup + config.steps; ++i) step(i);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(config.steps * config.batch * preset.context) / seconds;
}

namespace {

// Runs the Python twin with `env` before the command (it inherits this process's environment, so
// OMP_WAIT_POLICY=PASSIVE too unless the variant unsets it); returns tokens/s or throws with what went wrong.
double python_tokens_per_s(const TrainBenchConfig& c, const std::string& env) {
  const std::string script = std::string(LIMUON_SOURCE_DIR) + "/experiments/python/gpt_throughput.py";
  // Same thread count for OpenBLAS in the child as set_compute_threads gives the C++ side.
  const std::string command = "env " + env + " OPENBLAS_NUM_THREADS=" + std::to_string(c.threads) + " " + c.python +
                              " " + script + " --model " + c.model + " --batch " + std::to_string(c.batch) +
                              " --steps " + std::to_string(c.steps) + " --warmup " + std::to_string(c.warmup) +
                              " --threads " + std::to_string(c.threads) + " 2>&1";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  if (!pipe) throw std::runtime_error("cannot start " + c.python);
  std::string output;
  std::array<char, 512> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) output += buffer.data();
  const auto at = output.find("python tokens/s ");
  if (at == std::string::npos)
    throw std::runtime_error("Python PyTorch run failed (install Debian's python3-torch): " + output.substr(0, 300));
  return std::stod(output.substr(at + 16));
}

std::vector<PythonVariant> python_variants(const std::string& core) {
  const std::string same_kernels = core.empty() ? "" : "OPENBLAS_CORETYPE=" + core;
  // The allocator settings keep_freed_tensor_memory() makes, as glibc's environment variables.
  const std::string same_malloc = "MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=134217728";
  return {{"Python, same BLAS kernels", same_kernels},
          {"Python, same kernels + engine's malloc settings", same_kernels + " " + same_malloc},
          {"Python as installed (OpenBLAS's kernel choice, libgomp's spin-waits)", "-u OPENBLAS_CORETYPE -u OMP_WAIT_POLICY"}};
}

}  // namespace

TrainBenchResult run_train_bench(const TrainBenchConfig& config) {
  TrainBenchResult result;
  result.blas_core = openblas_core();
  result.python = python_variants(result.blas_core);
  for (int round = 0; round < config.rounds; ++round) {
    result.cpp_tokens_per_s = std::max(result.cpp_tokens_per_s, cpp_gpt_tokens_per_s(config));
    if (!result.python_error.empty()) continue;
    try {
      for (auto& variant : result.python)
        variant.tokens_per_s = std::max(variant.tokens_per_s, python_tokens_per_s(config, variant.env));
    } catch (const std::exception& e) {
      result.python_error = e.what();
    }
  }
  return result;
}

}  // namespace limuon::bench
