#include "limuon/sweep/results.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <type_traits>
#include <variant>

#include "limuon/train/settings.hpp"

namespace limuon::sweep {

using train::ConfigError;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const train::Setting& setting_of(const std::string& key) {
  const train::Setting* setting = train::find_setting(key);
  if (setting == nullptr) throw ConfigError("unknown setting '" + key + "'");
  return *setting;
}

std::string text_of(const ResultRun& run, const std::string& key) {
  return key.empty() ? std::string() : setting_of(key).value(run.config);
}

// The number a numeric setting holds (NaN for text settings, which have none).
double number_of(const train::Setting& setting, const train::RunConfig& config) {
  return std::visit(
      [&](auto member) -> double {
        if constexpr (std::is_same_v<std::decay_t<decltype(config.*member)>, std::string>) return kNaN;
        else return static_cast<double>(config.*member);
      },
      setting.field);
}

// An infinite or NaN loss says the run diverged, as a missing one does; it must not poison a mean.
std::optional<double> finite_value(const ResultRun& run) {
  if (run.value && std::isfinite(*run.value)) return run.value;
  return std::nullopt;
}

size_t index_of(const std::vector<std::string>& values, const std::string& value) {
  return static_cast<size_t>(std::find(values.begin(), values.end(), value) - values.begin());
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// Only the axis values that occur among `runs`, in the order of `all`.
std::vector<std::string> present(const std::vector<std::string>& all, const std::vector<const ResultRun*>& runs,
                                 const std::string& key) {
  std::vector<std::string> out;
  for (const auto& value : all)
    if (std::any_of(runs.begin(), runs.end(), [&](const ResultRun* r) { return text_of(*r, key) == value; }))
      out.push_back(value);
  return out;
}

// A numeric axis from its values: log scale for values spread over a decade or more.
ParallelAxis numeric_axis(const std::string& key, const std::vector<double>& values) {
  ParallelAxis axis;
  axis.key = key;
  if (values.empty()) return axis;
  axis.lo = *std::min_element(values.begin(), values.end());
  axis.hi = *std::max_element(values.begin(), values.end());
  axis.log_scale = axis.lo > 0 && axis.hi / axis.lo >= 10;
  return axis;
}

double position(const ParallelAxis& axis, double value) {
  if (!(axis.hi > axis.lo)) return 0.5;
  if (axis.log_scale) return (std::log(value) - std::log(axis.lo)) / (std::log(axis.hi) - std::log(axis.lo));
  return (value - axis.lo) / (axis.hi - axis.lo);
}

double category_position(size_t index, size_t count) {
  return count <= 1 ? 0.5 : static_cast<double>(index) / static_cast<double>(count - 1);
}

}  // namespace

std::vector<std::string> varying_keys(const std::vector<ResultRun>& runs) {
  std::vector<std::string> keys;
  if (runs.empty()) return keys;
  for (const auto& key : train::RunConfig::keys()) {
    if (key == "name") continue;
    const train::Setting& setting = setting_of(key);
    const std::string first = setting.value(runs.front().config);
    for (const auto& run : runs)
      if (setting.value(run.config) != first) {
        keys.push_back(key);
        break;
      }
  }
  return keys;
}

std::vector<std::string> axis_values(const std::vector<ResultRun>& runs, const std::string& key) {
  if (key.empty()) return {""};
  const train::Setting& setting = setting_of(key);
  std::vector<std::pair<double, std::string>> seen;  // the number (numeric settings) and the text
  for (const auto& run : runs) {
    std::string text = setting.value(run.config);
    if (std::none_of(seen.begin(), seen.end(), [&](const auto& s) { return s.second == text; }))
      seen.emplace_back(setting.is_number() ? number_of(setting, run.config) : 0.0, std::move(text));
  }
  if (setting.is_number())
    std::stable_sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> values;
  for (auto& s : seen) values.push_back(std::move(s.second));
  return values;
}

std::vector<HeatmapPanel> heatmap(const std::vector<ResultRun>& runs, const std::string& x_key,
                                  const std::string& y_key, bool average_seeds) {
  std::vector<std::string> others;  // the keys that make one panel
  for (const auto& key : varying_keys(runs))
    if (key != x_key && key != y_key && !(average_seeds && key == "seed")) others.push_back(key);
  std::vector<std::vector<std::string>> other_values;
  for (const auto& key : others) other_values.push_back(axis_values(runs, key));
  const std::vector<std::string> all_x = axis_values(runs, x_key), all_y = axis_values(runs, y_key);

  // Runs by their panel, as indexes into the other keys' values: the map orders panels like the axes.
  std::map<std::vector<size_t>, std::vector<const ResultRun*>> groups;
  for (const auto& run : runs) {
    std::vector<size_t> at;
    for (size_t k = 0; k < others.size(); ++k) at.push_back(index_of(other_values[k], text_of(run, others[k])));
    groups[at].push_back(&run);
  }

  std::vector<HeatmapPanel> panels;
  for (const auto& [at, members] : groups) {
    HeatmapPanel panel;
    for (size_t k = 0; k < others.size(); ++k) panel.fixed.emplace_back(others[k], other_values[k][at[k]]);
    panel.x_values = present(all_x, members, x_key);
    panel.y_values = present(all_y, members, y_key);
    const size_t nx = panel.x_values.size();
    panel.cells.resize(nx * panel.y_values.size());
    std::vector<double> sums(panel.cells.size(), 0.0);
    for (const ResultRun* run : members) {
      const size_t cell =
          index_of(panel.y_values, text_of(*run, y_key)) * nx + index_of(panel.x_values, text_of(*run, x_key));
      panel.cells[cell].run_ids.push_back(run->run_id);
      if (const auto value = finite_value(*run)) {
        sums[cell] += *value;
        ++panel.cells[cell].count;
      }
    }
    for (size_t i = 0; i < panel.cells.size(); ++i) {
      HeatmapCell& cell = panel.cells[i];
      if (cell.count == 0) continue;
      cell.mean = sums[i] / cell.count;
      if (panel.best < 0 || *cell.mean < *panel.cells[static_cast<size_t>(panel.best)].mean)
        panel.best = static_cast<int>(i);
    }
    panels.push_back(std::move(panel));
  }
  return panels;
}

std::pair<std::string, std::string> default_heatmap_axes(const std::vector<ResultRun>& runs) {
  const std::vector<std::string> varying = varying_keys(runs);
  if (contains(varying, "rank") && contains(varying, "beta")) return {"rank", "beta"};
  std::vector<std::string> axes;
  for (const auto& key : varying)
    if (key != "seed") axes.push_back(key);
  if (contains(varying, "seed")) axes.emplace_back("seed");
  axes.resize(std::max<size_t>(axes.size(), 2));  // "": no axis
  return {axes[0], axes[1]};
}

ParallelData parallel_coordinates(const std::vector<ResultRun>& runs) {
  ParallelData data;
  const std::vector<std::string> keys = varying_keys(runs);
  for (const auto& key : keys) {
    const train::Setting& setting = setting_of(key);
    if (setting.is_number()) {
      std::vector<double> values;
      for (const auto& run : runs) values.push_back(number_of(setting, run.config));
      data.axes.push_back(numeric_axis(key, values));
    } else {
      ParallelAxis axis;
      axis.key = key;
      axis.categorical = true;
      axis.categories = axis_values(runs, key);
      data.axes.push_back(std::move(axis));
    }
  }
  std::vector<double> finals;
  for (const auto& run : runs)
    if (const auto value = finite_value(run)) finals.push_back(*value);
  data.axes.push_back(numeric_axis("value", finals));

  for (const auto& run : runs) {
    std::vector<double> row;
    for (size_t a = 0; a < keys.size(); ++a) {
      const ParallelAxis& axis = data.axes[a];
      const train::Setting& setting = setting_of(axis.key);
      if (axis.categorical)
        row.push_back(category_position(index_of(axis.categories, setting.value(run.config)), axis.categories.size()));
      else
        row.push_back(position(axis, number_of(setting, run.config)));
    }
    const auto value = finite_value(run);
    row.push_back(value ? position(data.axes.back(), *value) : 1.0);
    data.colour.push_back(value ? row.back() : kNaN);
    data.run_ids.push_back(run.run_id);
    data.positions.push_back(std::move(row));
  }
  return data;
}

std::vector<int64_t> filter_runs(const ParallelData& data,
                                 const std::vector<std::optional<std::pair<double, double>>>& brushes) {
  std::vector<int64_t> kept;
  for (size_t r = 0; r < data.run_ids.size(); ++r) {
    bool inside = true;
    for (size_t a = 0; a < brushes.size() && a < data.positions[r].size() && inside; ++a) {
      if (!brushes[a]) continue;
      const auto [lo, hi] = std::minmax(brushes[a]->first, brushes[a]->second);
      inside = data.positions[r][a] >= lo && data.positions[r][a] <= hi;
    }
    if (inside) kept.push_back(data.run_ids[r]);
  }
  return kept;
}

}  // namespace limuon::sweep
