// A run's checkpoint: model, optimizer and the run's progress, written so that a kill at any moment
// (also twice in a row) leaves a complete checkpoint: a new one is written into dir/next, its `step`
// file last, then swapped in as dir/current; loading takes the newest complete one. Every file is
// fsynced before the `step` file is written, the `step` file and the folder before the swap, and the
// parent folder after each rename, so a power cut also leaves a complete checkpoint.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "limuon/train/events.hpp"

namespace limuon::train {

struct CheckpointProgress {
  int64_t step = 0;
  double first_loss = 0;  // the divergence test's reference, so a resumed run judges as the original would
  double wall_s = 0;      // wall time so far, so the resumed run's clock continues
  // Metric points the database had not confirmed when the checkpoint was written: re-emitted on resume,
  // so none is lost when the process dies before they reach the database (stores replace duplicates).
  std::vector<MetricPoint> recent_metrics;
  // Gradient evaluations so far; -1 in a checkpoint written before they were kept (then step x the
  // optimizer's per-step count, which is exact unless the run is a branch of another optimizer's run).
  int64_t grad_evals = -1;
};

void save_checkpoint(const std::string& dir, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     const CheckpointProgress& progress, const std::string& config_json);

// The newest complete checkpoint in `dir`, loaded into model and optimizer; nullopt when there is none.
// Throws std::runtime_error when one exists but belongs to another config or is damaged.
std::optional<CheckpointProgress> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                                  torch::optim::Optimizer& optimizer, const std::string& config_json);

// Whether `dir` holds a complete checkpoint (current, next or old).
bool has_checkpoint(const std::string& dir);

// Checkpoint history. With it kept, each checkpoint also stays as dir/history/step-<S>: hard links to the
// checkpoint's files (they are never rewritten once complete), so keeping one costs no copy. A branch can
// start from any of them (see fork.hpp).
void keep_in_history(const std::string& dir, int64_t step);
std::vector<int64_t> history_steps(const std::string& dir);  // ascending; empty when none was kept

// A kept checkpoint, opened for a branch: the parent's settings and progress (its unconfirmed metric points
// are left out: they are the parent's).
struct KeptCheckpoint {
  std::string folder;
  std::string config_json;
  CheckpointProgress progress;
};
// std::runtime_error naming the folder when no complete checkpoint of that step was kept.
KeptCheckpoint open_kept_checkpoint(const std::string& dir, int64_t step);
void load_kept_model(const KeptCheckpoint& kept, torch::nn::Module& model);
void load_kept_optimizer(const KeptCheckpoint& kept, torch::optim::Optimizer& optimizer);

namespace detail {

// The durability calls save_checkpoint makes, in one replaceable place so that tests can record their
// order or make one fail. Each throws on failure (the defaults: std::system_error with errno);
// save_checkpoint adds the path and what it was doing to the message.
struct CheckpointFileOps {
  std::function<void(const std::string& file)> sync_file;      // fsync a written file's data
  std::function<void(const std::string& folder)> sync_folder;  // fsync a folder: its renames and new entries
  std::function<void(const std::string& from, const std::string& to)> rename;
};
CheckpointFileOps& checkpoint_file_ops();  // the process-wide set
CheckpointFileOps default_checkpoint_file_ops();

}  // namespace detail
}  // namespace limuon::train
