#include "limuon/train/fork.hpp"

#include <torch/optim/optimizer.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace limuon::train {

void check_fork_settings(const RunConfig& parent, const RunConfig& branch) {
  std::string changed;
  auto same = [&](const char* key, bool equal) {
    if (!equal) changed += std::string(changed.empty() ? "" : ", ") + key;
  };
  same("model", parent.model == branch.model);
  same("data", parent.data == branch.data);
  same("seed", parent.seed == branch.seed);
  same("batch_size", parent.batch_size == branch.batch_size);
  if (!changed.empty())
    throw ConfigError("a branch keeps its parent's " + changed +
                      " (they decide the network and its batches); change the optimizer, rank, beta or rates instead");
}

bool fork_keeps_optimizer_state(const RunConfig& parent, const RunConfig& branch) {
  if (parent.optimizer != branch.optimizer) return false;
  if (branch.optimizer == "limuon") return parent.rank == branch.rank && parent.polar == branch.polar;
  return true;
}

CheckpointProgress begin_fork(const ForkSource& source, const RunConfig& branch, torch::nn::Module& model,
                              BuiltOptimizer& built) {
  if (source.parent_checkpoint_dir.empty())
    throw std::runtime_error("this branch cannot begin: the run it was forked from, or its checkpoints, are gone");
  const KeptCheckpoint kept = open_kept_checkpoint(source.parent_checkpoint_dir, source.step);
  const RunConfig parent = RunConfig::from_stored_json(kept.config_json);
  check_fork_settings(parent, branch);
  if (source.step >= branch.total_steps())
    throw ConfigError("the branch must run past its fork step " + std::to_string(source.step) + " (it has " +
                      std::to_string(branch.total_steps()) + " steps)");
  load_kept_model(kept, model);
  if (fork_keeps_optimizer_state(parent, branch)) {
    // Loading restores the parent's group options; the branch's own (its lr, beta, ...) go back on after.
    auto& groups = built.optimizer->param_groups();
    std::vector<std::unique_ptr<torch::optim::OptimizerOptions>> own;
    for (auto& group : groups) own.push_back(group.options().clone());
    load_kept_optimizer(kept, *built.optimizer);
    for (size_t i = 0; i < groups.size(); ++i) groups[i].set_options(std::move(own[i]));
  }
  return kept.progress;
}

}  // namespace limuon::train
