// A fork: a branch that starts from a kept checkpoint of another run (its parent) with some settings
// changed, to see what one setting changes from that point on. The branch takes the parent's weights and
// step, so it sees exactly the batches the parent saw from there on (batch k is a function of the seed
// and k alone); its curve continues the parent's.
#pragma once

#include <cstdint>
#include <string>

#include "limuon/train/checkpoint.hpp"
#include "limuon/train/optimizer_factory.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::train {

struct ForkSource {
  std::string parent_checkpoint_dir;  // the parent run's checkpoint folder (its history holds the step)
  int64_t step = 0;
};

// ConfigError when the branch changes what decides the batches or the network: model, data, seed,
// batch size. Anything else (optimizer, rank, beta, learning rates, ...) may change.
void check_fork_settings(const RunConfig& parent, const RunConfig& branch);

// Whether the parent's optimizer state fits the branch: the same optimizer, and for LiMuon the same rank
// and polar backend (they set the state's shape). Otherwise the branch starts a fresh state at the step.
bool fork_keeps_optimizer_state(const RunConfig& parent, const RunConfig& branch);

// Loads the parent's weights (and its optimizer state when it fits, with the branch's own options: lr,
// beta, ...) into the branch's model and optimizer; returns the parent's progress at the step.
CheckpointProgress begin_fork(const ForkSource& source, const RunConfig& branch, torch::nn::Module& model,
                              BuiltOptimizer& built);

}  // namespace limuon::train
