#include "limuon/sweep/designer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "limuon/train/settings.hpp"

namespace limuon::sweep {

using train::ConfigError;

namespace {

// A TOML basic string: quotes and backslashes escaped, control characters as \uXXXX.
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", byte);
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// A value in its canonical form, as RunConfig::set leaves it ("ns" is "newton_schulz", "0.50" is "0.5").
std::string canonical(const std::string& key, const std::string& value, const std::string& where) {
  train::RunConfig probe;
  probe.set(key, value, where);  // unknown keys and refused values: ConfigError
  return train::find_setting(key)->value(probe);
}

// Numbers as the setting prints them: the shortest text that reads back as the same double.
std::string toml_value(const std::string& key, const std::string& value, const std::string& where) {
  const std::string text = canonical(key, value, where);
  return train::find_setting(key)->is_number() ? text : toml_string(text);
}

void write_grid(std::ostringstream& out, const SweepSpec::Grid& grid, const std::string& section) {
  for (const auto& [key, values] : grid) {
    out << key << " = [";
    for (size_t i = 0; i < values.size(); ++i) out << (i == 0 ? "" : ", ") << toml_value(key, values[i], section);
    out << "]\n";
  }
}

constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max();

// Products of grid sizes can be absurd while the user types; the count saturates instead of wrapping.
int64_t saturating_times(int64_t a, int64_t b) { return b != 0 && a > kMaxCount / b ? kMaxCount : a * b; }

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

std::string sweep_to_toml(const SweepSpec& spec) {
  std::ostringstream out;
  out << "[sweep]\nname = " << toml_string(spec.name) << "\njobs = " << spec.jobs << "\n\n[base]\n";
  for (const auto& setting : train::settings()) {
    const std::string value = setting.value(spec.base);
    if (value != setting.default_value())
      out << setting.name << " = " << (setting.is_number() ? value : toml_string(value)) << "\n";
  }
  if (!spec.grid.empty()) {
    out << "\n[grid]\n";
    write_grid(out, spec.grid, "[grid]");
  }
  for (const auto& [optimizer, grid] : spec.optimizer_grids) {
    // Checked here because a name with a space or a dot would write a different table.
    if (train::optimizer_bit(optimizer) == 0)
      throw ConfigError("[grid." + optimizer + "] is not an optimizer (limuon, muon or adamw)");
    out << "\n[grid." << optimizer << "]\n";
    write_grid(out, grid, "[grid." + optimizer + "]");
  }
  return out.str();
}

void sort_grid_keys(SweepSpec& spec) {
  const auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::stable_sort(spec.grid.begin(), spec.grid.end(), by_key);
  for (auto& own : spec.optimizer_grids) std::stable_sort(own.second.begin(), own.second.end(), by_key);
  std::stable_sort(spec.optimizer_grids.begin(), spec.optimizer_grids.end(), by_key);
}

int64_t count_runs(const SweepSpec& spec) {
  for (const auto& key_values : spec.grid)
    if (key_values.second.empty()) return 0;  // nothing to combine with: expand_grid gives no run
  // The optimizers of the runs: the grid's last optimizer list (a later key sets it again), or the base's.
  std::vector<std::string> optimizers{spec.base.optimizer};
  for (const auto& [key, values] : spec.grid)
    if (key == "optimizer") {
      optimizers.clear();
      for (const auto& v : values)
        if (const std::string o = canonical(key, v, "grid"); std::find(optimizers.begin(), optimizers.end(), o) ==
                                                                 optimizers.end())
          optimizers.push_back(o);
    }
  int64_t total = 0;
  for (const auto& optimizer : optimizers) {
    // A run is named after the values its keys end with, so equal runs are equal in these values.
    std::map<std::string, std::set<std::string>> final_values;
    bool no_runs = false;
    const auto take = [&](const SweepSpec::Grid& grid) {
      for (const auto& [key, values] : grid) {
        if (key == "optimizer") continue;  // one value within this optimizer's runs
        std::set<std::string> distinct;
        for (const auto& v : values) distinct.insert(canonical(key, v, "grid"));
        final_values[key] = std::move(distinct);
        no_runs = no_runs || values.empty();
      }
    };
    take(spec.grid);
    for (const auto& [name, grid] : spec.optimizer_grids) {
      if (name != optimizer) continue;
      // An optimizer grid that changes the optimizer moves runs between optimizers: count them the long way.
      for (const auto& key_values : grid)
        if (key_values.first == "optimizer") return static_cast<int64_t>(expand_grid(spec).size());
      take(grid);
    }
    if (no_runs) continue;
    int64_t runs = 1;
    for (const auto& [key, values] : final_values)
      if (train::find_setting(key)->used_by & train::optimizer_bit(optimizer))
        runs = saturating_times(runs, static_cast<int64_t>(values.size()));
    total = runs > kMaxCount - total ? kMaxCount : total + runs;
  }
  return total;
}

std::string step_cost_kind(const train::RunConfig& config) {
  const train::RunConfig c = train::without_ignored_settings(config);  // Muon and AdamW have no rank
  const train::RunConfig defaults;
  std::string kind = c.model + " " + c.optimizer;
  if (c.rank != defaults.rank) kind += " rank " + std::to_string(c.rank);
  if (c.polar != defaults.polar) kind += " polar " + c.polar;
  return kind + " batch " + std::to_string(c.batch_size);
}

SweepEstimate estimate_sweep(const std::vector<train::RunConfig>& runs, const std::vector<StepTimeSample>& samples,
                             int jobs, int cores) {
  std::map<std::string, std::vector<double>> times_by_kind;
  for (const auto& sample : samples)
    if (std::isfinite(sample.median_step_ms) && sample.median_step_ms >= 0)  // a broken sample measures nothing
      times_by_kind[step_cost_kind(sample.config)].push_back(sample.median_step_ms);
  std::map<std::string, double> step_ms;
  for (const auto& [kind, times] : times_by_kind) step_ms[kind] = median(times);

  jobs = std::max(1, jobs);
  const double slowdown = std::max(1.0, static_cast<double>(jobs) / std::max(1, cores));
  std::vector<double> lanes(static_cast<size_t>(jobs), 0.0);  // when each lane frees, in seconds
  SweepEstimate estimate;
  estimate.runs = static_cast<int>(runs.size());
  for (const auto& run : runs) {
    const int64_t steps = run.total_steps();
    estimate.total_steps += steps;
    estimate.total_grad_evals += steps * run.grad_evals_per_step();
    const std::string kind = step_cost_kind(run);
    const auto measured = step_ms.find(kind);
    if (measured == step_ms.end()) {
      if (std::find(estimate.unmeasured.begin(), estimate.unmeasured.end(), kind) == estimate.unmeasured.end())
        estimate.unmeasured.push_back(kind);
      continue;
    }
    ++estimate.measured_runs;
    *std::min_element(lanes.begin(), lanes.end()) += static_cast<double>(steps) * measured->second / 1000 * slowdown;
  }
  estimate.seconds = *std::max_element(lanes.begin(), lanes.end());
  return estimate;
}

}  // namespace limuon::sweep
