// Runs side by side, the way a fair comparison of LiMuon with its baselines needs them: at equal steps,
// at equal gradient evaluations (a LiMuon step costs two) and at equal wall time. Used by
// `limuon-lab runs` and `runs compare`, and by the window's runs browser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "limuon/store/store.hpp"

namespace limuon::store {

// A run's line in a list: what it was and how it ended.
struct RunSummary {
  RunRecord record;
  std::string model, data, optimizer;
  std::string settings;  // every other setting that differs from the defaults: "lr=0.005 rank=8"
  std::optional<double> final_train_loss;  // mean of the last (up to) 10 steps' train loss
  std::optional<double> final_val_loss;    // the last validation loss
};
RunSummary summarize_run(const Store& store, const RunRecord& record);

// One run at the point of a comparison: the last step at or before it, and its losses there.
struct RunAt {
  int64_t run_id = 0;
  int64_t step = 0;  // 0: the run has no step within the limit
  double grad_evals = 0;
  double wall_s = 0;
  std::optional<double> train_loss;  // mean of the last (up to) 10 train losses up to `step`
  std::optional<double> val_loss;    // the last validation loss at or before `step`
};

// The limits are the largest all runs reached: the fewest steps, gradient evaluations and seconds.
struct Comparison {
  int64_t steps = 0;
  double grad_evals = 0;
  double wall_s = 0;
  std::vector<RunAt> at_steps, at_grad_evals, at_wall_s;  // one entry per run, in the order asked
};
// StoreError when a run does not exist.
Comparison compare_runs(const Store& store, const std::vector<int64_t>& run_ids);

}  // namespace limuon::store
