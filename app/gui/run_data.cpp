#include "gui/run_data.hpp"

#include <cmath>
#include <limits>

namespace limuon::gui {

const char* to_string(XUnit unit) {
  switch (unit) {
    case XUnit::step: return "step";
    case XUnit::grad_evals: return "gradient evaluations";
    case XUnit::samples: return "samples";
    case XUnit::wall_time: return "wall time";
  }
  return "?";
}

double RunData::x_of(int64_t step, double wall_s, XUnit unit) const {
  switch (unit) {
    case XUnit::step: return static_cast<double>(step);
    case XUnit::grad_evals: return static_cast<double>(step * config.grad_evals_per_step());
    case XUnit::samples: return static_cast<double>(step * config.batch_size);
    case XUnit::wall_time: return wall_s;
  }
  return static_cast<double>(step);
}

namespace {

void append_point(MetricColumn& column, double x, double value) {
  column.raw.append(x, value);
  column.smoothed.append(x, column.ema.push(value));
}

}  // namespace

void RunData::add(const train::MetricPoint& point, XUnit unit, double smoothing) {
  auto [it, fresh] = metrics.try_emplace(point.name);
  MetricColumn& column = it->second;
  if (fresh) column.ema = plot::DebiasedEma(smoothing);
  // A resumed run replays the points since its last checkpoint: keep the first copy only.
  if (!column.steps.empty() && point.step <= column.steps.back()) return;
  column.steps.push_back(point.step);
  column.wall_s.push_back(point.wall_s);
  column.values.push_back(point.value);
  append_point(column, x_of(point.step, point.wall_s, unit), point.value);
}

void RunData::add(const train::Spectrum& spectrum) {
  auto& frames = spectra[spectrum.param][spectrum.kind];
  if (!frames.empty() && spectrum.step <= frames.back().step) return;  // replayed after a resume
  frames.push_back({spectrum.step, spectrum.values, spectrum.energy_fraction});
}

void RunData::rebuild(XUnit unit, double smoothing) {
  for (auto& [name, column] : metrics) {
    column.raw.clear();
    column.smoothed.clear();
    column.ema = plot::DebiasedEma(smoothing);
    for (size_t i = 0; i < column.values.size(); ++i)
      append_point(column, x_of(column.steps[i], column.wall_s[i], unit), column.values[i]);
  }
}

const MetricColumn* RunData::metric(const std::string& name) const {
  const auto it = metrics.find(name);
  return it == metrics.end() ? nullptr : &it->second;
}

double RunData::last_value(const std::string& name) const {
  const MetricColumn* column = metric(name);
  return column && !column->values.empty() ? column->values.back() : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace limuon::gui
