// The optimizer a RunConfig asks for, over a model's parameters split into matrices and the rest.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <memory>

#include "limuon/param_groups.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::train {

struct BuiltOptimizer {
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  ParamSplit split;
  int grads_per_step = 1;  // LiMuon: 2 (its closure runs twice)
  bool manages_grads = false;  // LiMuon clears gradients itself: the closure must not
};

BuiltOptimizer build_optimizer(const RunConfig& config, const torch::nn::Module& model);

}  // namespace limuon::train
