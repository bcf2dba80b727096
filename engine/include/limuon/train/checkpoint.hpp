// A run's checkpoint: model, optimizer and the step reached, written so that a kill at any moment
// leaves either the previous complete checkpoint or the new one, never a torn mix.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <optional>
#include <string>

namespace limuon::train {

// Writes into dir/next, then swaps it in as dir/current.
void save_checkpoint(const std::string& dir, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     int64_t step, const std::string& config_json);

// The step of the checkpoint in `dir`, after loading it into model and optimizer; nullopt when
// there is none. Throws std::runtime_error when one exists but belongs to another config or is damaged.
std::optional<int64_t> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                       torch::optim::Optimizer& optimizer, const std::string& config_json);

}  // namespace limuon::train
