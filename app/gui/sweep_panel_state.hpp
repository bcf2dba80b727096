// What the Sweeps tab keeps between frames: the designer's fields, the estimate's inputs, and the
// results views' choices and data (read by the StoreReader's worker, drawn by sweep_panel.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "limuon/sweep/designer.hpp"
#include "limuon/sweep/results.hpp"

namespace limuon::gui {

struct GridRow {
  std::string key;     // a run setting
  std::string values;  // comma-separated, as typed
};

struct SweepPanelState {
  int requested_view = -1;  // 0 design, 1 queue, 2 results: selected on the next frame (the demo script)
  // The designer: the run panel's settings are the base; these rows the grid.
  std::string name = "rank-vs-beta";
  int jobs = 2;
  std::vector<GridRow> grid = {{"rank", "1, 8"}, {"beta", "0.1, 0.5"}};
  std::string file = "sweep.toml";  // save / open, relative to the working folder
  // Checked only when a field changed (counting validates values).
  std::string checked_key;
  int64_t count = 0;
  std::string problem;  // why the sweep cannot run as designed; empty when it can
  sweep::SweepEstimate estimate;
  std::vector<sweep::StepTimeSample> samples;  // measured runs of the open database
  bool samples_requested = false;

  // Results of the sweep last run or picked, judged at equal steps / gradient evaluations / wall time.
  int basis = 1;  // 0 steps, 1 gradient evaluations, 2 wall time
  int64_t results_sweep_id = 0;
  std::string results_db;
  bool results_requested = false;
  std::vector<sweep::ResultRun> results;
  double results_limit = 0;  // the equal point the values were taken at (steps, gradients or seconds)
  std::string heat_x, heat_y;
  std::vector<std::optional<std::pair<double, double>>> brushes;  // per parallel axis
  int dragging_axis = -1;
  double drag_from = 0;
};

}  // namespace limuon::gui
