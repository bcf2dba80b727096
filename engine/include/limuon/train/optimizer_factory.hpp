// The optimizer a RunConfig asks for, over a model's parameters split into matrices and the rest.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <memory>

#include "limuon/optim/param_groups.hpp"
#include "limuon/optim/step_stats.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::train {

struct BuiltOptimizer {
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  ParamSplit split;
  int grads_per_step = 1;  // LiMuon: 2 (its closure runs twice)
  const StepStats* stats = nullptr;  // LiMuon and Muon: skipped and kept-momentum steps; null for AdamW
};

BuiltOptimizer build_optimizer(const RunConfig& config, const torch::nn::Module& model);

}  // namespace limuon::train
