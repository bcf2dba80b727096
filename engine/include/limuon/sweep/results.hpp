// What the window's sweep results views show, as pure functions: runs judged at equal cost (the
// caller reads each run's final value at the chosen basis, e.g. store::compare_runs(...).at_grad_evals)
// laid out as heatmaps over two settings and as parallel coordinates over every setting that varies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::sweep {

struct ResultRun {
  int64_t run_id = 0;
  train::RunConfig config;
  // The final validation loss at the chosen basis; nullopt when there is none (diverged before its
  // first evaluation). A value that is not finite counts as none.
  std::optional<double> value;
};

// The settings whose value differs between runs, in RunConfig::keys() order. `name` is left out: it
// labels a run and differs in every sweep.
std::vector<std::string> varying_keys(const std::vector<ResultRun>& runs);

// The distinct values of `key` as the settings print them ("0.005", "8", "lowrank"): numbers sorted by
// value, text in first-seen order. The key "" stands for no axis and has the one value "".
// ConfigError for an unknown key.
std::vector<std::string> axis_values(const std::vector<ResultRun>& runs, const std::string& key);

// A cell's mean leaves out runs without a value, so a cell whose runs all diverged has no mean (and is
// shown as such) while its run_ids still list them.
struct HeatmapCell {
  std::optional<double> mean;
  int count = 0;                  // the runs in the mean
  std::vector<int64_t> run_ids;   // every run of the cell
};

struct HeatmapPanel {
  std::vector<std::pair<std::string, std::string>> fixed;  // the other varying keys' values for this panel
  std::vector<std::string> x_values, y_values;  // those with runs in this panel, in axis_values order
  std::vector<HeatmapCell> cells;               // row-major: y then x
  int best = -1;                                // the cell with the lowest mean; -1 when none has one
};

// One panel per combination of the other varying keys that has runs, in axis_values order. With
// `average_seeds` the seed is not one of them: the runs that differ only in it share a cell.
std::vector<HeatmapPanel> heatmap(const std::vector<ResultRun>& runs, const std::string& x_key,
                                  const std::string& y_key, bool average_seeds = true);

// Rank (x) against beta (y) when both vary, LiMuon's two own settings; else the first two varying keys
// other than the seed (seeds are averaged), then the seed; "" (no axis) when fewer vary.
std::pair<std::string, std::string> default_heatmap_axes(const std::vector<ResultRun>& runs);

struct ParallelAxis {
  std::string key;  // a setting, or "value" for the last axis
  bool categorical = false;
  bool log_scale = false;
  double lo = 0, hi = 0;                // numeric axes: the smallest and largest value
  std::vector<std::string> categories;  // categorical axes, bottom (0) to top (1)
};

struct ParallelData {
  std::vector<ParallelAxis> axes;                // the varying keys, then the final value
  std::vector<int64_t> run_ids;
  std::vector<std::vector<double>> positions;    // per run, per axis, in [0, 1]
  std::vector<double> colour;                    // per run, its value axis position; NaN when it has none
};

// Numeric axes run from lo (0) to hi (1), on a log scale when every value is > 0 and hi / lo >= 10
// (learning rates); one value sits at 0.5. Categorical axes space their values evenly in axis_values
// order. A run without a value sits at 1 on the value axis, with the worst.
ParallelData parallel_coordinates(const std::vector<ResultRun>& runs);

// The runs inside every brush: per axis an optional [a, b] in axis positions (a > b is the same range;
// ends included; an axis without a brush, or past the end of `brushes`, keeps every run).
std::vector<int64_t> filter_runs(const ParallelData& data,
                                 const std::vector<std::optional<std::pair<double, double>>>& brushes);

}  // namespace limuon::sweep
