// What the window knows of one run, live or loaded from the store: its metric series (raw and smoothed,
// x in the unit the user chose) and its spectra. Only the GUI thread touches a RunData; workers hand
// points over through queues.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gui/plot/series.hpp"
#include "gui/plot/smoothing.hpp"
#include "limuon/train/events.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::gui {

// The x axes a user can compare runs on. LiMuon evaluates two gradients per step, so "step" alone
// flatters it against Muon and AdamW; gradient evaluations and wall time are the fair units.
enum class XUnit { step, grad_evals, samples, wall_time };
const char* to_string(XUnit unit);

struct MetricColumn {
  std::vector<int64_t> steps;
  std::vector<double> wall_s, values;
  plot::Series raw;       // (x in the current unit, value)
  plot::Series smoothed;  // the debiased EMA of `raw`
  plot::DebiasedEma ema{0.0};
};

struct SpectrumFrame {
  int64_t step = 0;
  std::vector<double> values;  // singular values, largest first
  double energy_fraction = -1;
};

struct RunData {
  int64_t run_id = 0;  // 0: not stored (the synthetic benchmark run)
  std::string name;
  std::string status;
  train::RunConfig config;
  bool config_readable = true;
  int colour = 0;
  bool visible = true;
  bool live = false;  // fed by the trainer right now
  std::map<std::string, MetricColumn> metrics;
  // param -> kind ("update", "momentum") -> frames in step order
  std::map<std::string, std::map<std::string, std::vector<SpectrumFrame>>> spectra;

  double x_of(int64_t step, double wall_s, XUnit unit) const;
  // Adds points in arrival order; a repeated step (a resumed run replays the steps after its last
  // checkpoint) is dropped: series only grow, and the first copy of a step stays.
  void add(const train::MetricPoint& point, XUnit unit, double smoothing);
  void add(const train::Spectrum& spectrum);
  // Rebuilds every series for another x unit or smoothing weight: O(points).
  void rebuild(XUnit unit, double smoothing);
  const MetricColumn* metric(const std::string& name) const;
  double last_value(const std::string& name) const;  // NaN when the metric has no point
};

}  // namespace limuon::gui
