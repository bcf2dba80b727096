// What the window's sweep designer computes while the user edits a sweep: the TOML file the CLI
// reads, the number of runs, and how long the sweep will take judging by runs already measured.
// Pure functions: no store, no window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "limuon/sweep/sweep.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::sweep {

// The sweep as a file `limuon-lab sweep` reads: [sweep] name and jobs, [base] with only the settings
// off their defaults, [grid], then [grid.<optimizer>]. Numbers are written so they read back as the
// same double. sweep_from_toml_text of the result equals `spec` (name, jobs, base, grids) when its grid
// keys are in the order load_sweep reads them (see sort_grid_keys). ConfigError for an unknown key
// or a value the setting refuses: such a spec has no file form.
std::string sweep_to_toml(const SweepSpec& spec);

// Puts the grid keys and the optimizer grids in key order, the order load_sweep reads them in, so the
// designer shows the runs in the order and with the names the CLI will give them.
void sort_grid_keys(SweepSpec& spec);

// expand_grid(spec).size() without expanding: the designer asks every frame, and expand_grid copies
// and validates every combination (the first LiMuon rank > 0 run even builds its model to check the
// rank). The same rules: a setting a run's optimizer does not read goes back to its default, and equal
// combinations run once. Agrees with expand_grid whenever that succeeds; checks only the values
// themselves (ConfigError for a value or key the setting refuses), not whole combinations. An
// optimizer grid that sets `optimizer` moves runs between optimizers and is counted by expanding.
int64_t count_runs(const SweepSpec& spec);

// One measured kind of run: the median `step_ms` of a stored run and its config.
struct StepTimeSample {
  train::RunConfig config;
  double median_step_ms;
};

struct SweepEstimate {
  int runs = 0;
  int64_t total_steps = 0;
  int64_t total_grad_evals = 0;
  double seconds = 0;                    // the makespan of the measured runs
  int measured_runs = 0;                 // runs whose kind had a sample
  std::vector<std::string> unmeasured;   // kinds without any sample, e.g. "vit:classroom muon batch 32"
};

// The settings that set what a step costs: model, optimizer, rank, polar and batch size, as a label
// ("gpt:classroom limuon rank 8 polar lowrank batch 16"; rank and polar only when off their defaults).
std::string step_cost_kind(const train::RunConfig& config);

// How long `runs` take. A run's step time is the median of its kind's samples; a run whose kind has
// no sample adds no seconds and its kind is listed in `unmeasured`, never guessed. The runs go, in
// order, each to the lane of `jobs` that frees first, as run_queue starts them; `seconds` is when the
// last lane frees. Jobs share `cores`: with more jobs than cores run_queue gives each job one thread
// and they take turns on the cores, so each step takes jobs / cores times its measured time (4 jobs on
// 2 cores finish no sooner than 2 jobs). With at least a core a job, steps take their measured time:
// the estimate ignores that a sample measured with more threads may have been faster.
SweepEstimate estimate_sweep(const std::vector<train::RunConfig>& runs, const std::vector<StepTimeSample>& samples,
                             int jobs, int cores);

}  // namespace limuon::sweep
