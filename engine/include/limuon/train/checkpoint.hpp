// A run's checkpoint: model, optimizer and the run's progress, written so that a kill at any moment
// (also twice in a row) leaves a complete checkpoint: a new one is written into dir/next, its `step`
// file last, then swapped in as dir/current; loading takes the newest complete one.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "limuon/train/events.hpp"

namespace limuon::train {

struct CheckpointProgress {
  int64_t step = 0;
  double first_loss = 0;  // the divergence test's reference, so a resumed run judges as the original would
  double wall_s = 0;      // wall time so far, so the resumed run's clock continues
  // Metric points since the previous checkpoint: re-emitted on resume, so none is lost when the process
  // dies after the checkpoint but before the points reached the database (stores replace duplicates).
  std::vector<MetricPoint> recent_metrics;
};

void save_checkpoint(const std::string& dir, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     const CheckpointProgress& progress, const std::string& config_json);

// The newest complete checkpoint in `dir`, loaded into model and optimizer; nullopt when there is none.
// Throws std::runtime_error when one exists but belongs to another config or is damaged.
std::optional<CheckpointProgress> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                                  torch::optim::Optimizer& optimizer, const std::string& config_json);

}  // namespace limuon::train
