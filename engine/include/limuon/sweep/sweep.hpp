// A sweep: a grid over run settings (rank, beta, learning rate, optimizer, seed, ... any RunConfig key)
// on top of a base config, run as a queue. Files are TOML:
//
//   [sweep]                 # name (required), jobs (runs in parallel, default 1)
//   name = "rank-vs-beta"
//   jobs = 2
//   [base]                  # RunConfig keys shared by every run
//   model = "gpt:classroom"
//   steps = 200
//   [grid]                  # each key: a list of values; the sweep runs every combination
//   optimizer = ["limuon", "muon", "adamw"]
//   seed = [0, 1]
//   [grid.limuon]           # more keys for the runs of one optimizer only: each optimizer gets its
//   lr = [0.01, 0.02]       # own learning-rate grid instead of a cross product with the others'
//   rank = [0, 8]
//   [grid.adamw]
//   adamw_lr = [0.001, 0.003]
//
// Restarting a sweep after a kill resumes it: finished runs are kept, an interrupted run continues
// from its last checkpoint, nothing is run twice.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "limuon/store/store.hpp"
#include "limuon/sweep/run_queue.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::sweep {

struct SweepSpec {
  std::string name;
  int jobs = 1;
  train::RunConfig base;
  // Keys and optimizer grids as load_sweep reads them: in key order, since TOML tables are read sorted
  // (toml++ keeps a table in a sorted map); values in the file's order. The order names the runs.
  using Grid = std::vector<std::pair<std::string, std::vector<std::string>>>;  // key, values
  Grid grid;
  std::vector<std::pair<std::string, Grid>> optimizer_grids;  // [grid.limuon] and the like
  std::string source_text;  // the file, stored with the sweep
};

// ConfigError naming the file, line and key for every mistake.
SweepSpec load_sweep(const std::string& path);
// The same from text (the window's sweep designer), with `origin` in place of the file's path in messages.
SweepSpec sweep_from_toml_text(const std::string& text, const std::string& origin);

// Every combination of the grid, each validated and named "key=value key=value ..." after its grid keys.
// Settings a combination's optimizer does not read go back to their defaults, and combinations that
// become equal that way run once.
std::vector<train::RunConfig> expand_grid(const SweepSpec& spec);

struct SweepPlan {
  int64_t sweep_id = 0;
  std::vector<QueuedRun> to_run;  // new runs, and interrupted ones (they resume from their checkpoints)
  int kept = 0;                   // already ended: finished, diverged or failed
};

// Finds or creates the sweep and its runs in the store and returns what is left to run.
SweepPlan plan_sweep(const SweepSpec& spec, store::Store& store);

}  // namespace limuon::sweep
