#include "limuon/sweep/sweep.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../train/config_text.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::sweep {

using train::ConfigError;

namespace {

// One grid key: a non-empty list of distinct valid values, in their canonical form.
std::pair<std::string, std::vector<std::string>> load_grid_key(const std::string& key, const toml::node& node,
                                                               const std::string& path, const train::RunConfig& base,
                                                               const std::string& section) {
  const std::string where = train::detail::where(path, node);
  const auto* values = node.as_array();
  if (values == nullptr || values->empty())
    throw ConfigError(where + ": " + section + " key '" + key + "' needs a non-empty list, e.g. " + key + " = [1, 2]");
  std::vector<std::string> texts;
  for (const auto& v : *values) {
    train::RunConfig probe = base;
    probe.set(key, train::detail::toml_scalar_text(v, path, key), where);  // unknown keys, bad values: with the line
    const std::string canonical = train::find_setting(key)->value(probe);  // "ns" and "newton_schulz" are one
    if (std::find(texts.begin(), texts.end(), canonical) != texts.end())
      throw ConfigError(where + ": " + section + " key '" + key + "' has " + canonical + " listed twice");
    texts.push_back(canonical);
  }
  return {key, std::move(texts)};
}

// [grid.limuon] and the like: keys that only that optimizer's runs combine.
SweepSpec::Grid load_optimizer_grid(const std::string& optimizer, const toml::table& table, const std::string& path,
                                    const SweepSpec& spec) {
  SweepSpec::Grid grid;
  train::RunConfig base = spec.base;
  base.optimizer = optimizer;
  for (const auto& [key, node] : table) {
    const std::string k(key.str()), where = train::detail::where(path, node);
    const train::Setting* setting = train::find_setting(k);
    if (setting != nullptr && (setting->used_by & train::optimizer_bit(optimizer)) == 0)
      throw ConfigError(where + ": [grid." + optimizer + "] " + k + " is not read by " + optimizer + " (read by " +
                        train::optimizer_names(setting->used_by) + ")");
    for (const auto& common : spec.grid)
      if (common.first == k) throw ConfigError(where + ": '" + k + "' is in [grid] and in [grid." + optimizer + "]");
    grid.push_back(load_grid_key(k, node, path, base, "grid." + optimizer));
  }
  return grid;
}

// Every combination of `grid`'s values on top of each config.
std::vector<train::RunConfig> cross(std::vector<train::RunConfig> configs, const SweepSpec::Grid& grid) {
  for (const auto& [key, values] : grid) {
    std::vector<train::RunConfig> next;
    for (const auto& c : configs)
      for (const auto& v : values) {
        next.push_back(c);
        next.back().set(key, v, "grid");
      }
    configs = std::move(next);
  }
  return configs;
}

// What load_sweep and sweep_from_toml_text share: every check; `path` names the source in messages.
SweepSpec spec_from_table(const toml::table& file, const std::string& path) {
  SweepSpec spec;
  for (const auto& [key, node] : file) {
    const std::string k(key.str());
    if (k != "sweep" && k != "base" && k != "grid")
      throw ConfigError(train::detail::where(path, node) + ": unknown section '" + k + "' (expected sweep, base, grid)");
    if (!node.is_table()) throw ConfigError(train::detail::where(path, node) + ": '" + k + "' must be a [table]");
  }
  if (const auto* sweep = file["sweep"].as_table()) {
    for (const auto& [key, node] : *sweep) {
      const std::string k(key.str()), where = train::detail::where(path, node);
      const std::string value = train::detail::toml_scalar_text(node, path, k);
      if (k == "name") spec.name = value;
      else if (k == "jobs") {
        spec.jobs = static_cast<int>(train::detail::parse_int(where + ": jobs", value));
        if (spec.jobs < 1 || spec.jobs > 64) throw ConfigError(where + ": jobs = " + value + " must be in [1, 64]");
      } else throw ConfigError(where + ": unknown key '" + k + "' in [sweep] (known: name, jobs)");
    }
  }
  if (spec.name.empty()) throw ConfigError(path + ": [sweep] needs a name");
  if (const auto* base = file["base"].as_table())
    for (const auto& [key, node] : *base) {
      const std::string k(key.str());
      spec.base.set(k, train::detail::toml_scalar_text(node, path, k), train::detail::where(path, node));
    }
  if (const auto* grid = file["grid"].as_table()) {
    for (const auto& [key, node] : *grid)
      if (!node.is_table()) spec.grid.push_back(load_grid_key(std::string(key.str()), node, path, spec.base, "grid"));
    std::vector<std::string> optimizers{spec.base.optimizer};  // the ones this sweep's runs use
    for (const auto& [key, values] : spec.grid)
      if (key == "optimizer") optimizers = values;
    for (const auto& [key, node] : *grid) {
      if (!node.is_table()) continue;
      const std::string k(key.str()), where = train::detail::where(path, node);
      if (train::optimizer_bit(k) == 0)
        throw ConfigError(where + ": [grid." + k + "] is not an optimizer (limuon, muon or adamw)");
      if (std::find(optimizers.begin(), optimizers.end(), k) == optimizers.end())
        throw ConfigError(where + ": [grid." + k + "] but no run of this sweep uses " + k +
                          " (add it to the grid's optimizer list)");
      spec.optimizer_grids.emplace_back(k, load_optimizer_grid(k, *node.as_table(), path, spec));
    }
  }
  return spec;
}

}  // namespace

SweepSpec load_sweep(const std::string& path) {
  SweepSpec spec = spec_from_table(train::detail::parse_toml_file(path), path);
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  spec.source_text = text.str();
  return spec;
}

SweepSpec sweep_from_toml_text(const std::string& text, const std::string& origin) {
  toml::table file;
  try {
    file = toml::parse(std::string_view(text), std::string_view(origin));
  } catch (const toml::parse_error& e) {  // the same "origin:line:column: what" as a file's syntax error
    std::ostringstream message;
    message << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    throw ConfigError(message.str());
  }
  SweepSpec spec = spec_from_table(file, origin);
  spec.source_text = text;
  return spec;
}

std::vector<train::RunConfig> expand_grid(const SweepSpec& spec) {
  std::vector<train::RunConfig> combinations;
  for (const auto& common : cross({spec.base}, spec.grid)) {
    std::vector<train::RunConfig> own{common};
    for (const auto& [optimizer, grid] : spec.optimizer_grids)
      if (optimizer == common.optimizer) own = cross(std::move(own), grid);
    combinations.insert(combinations.end(), own.begin(), own.end());
  }
  // A setting the run's optimizer does not read goes back to its default, so `optimizer = [muon, adamw]`
  // times `beta = [0.1, 0.5]` gives two LiMuon-free runs, not four with two silently identical pairs.
  std::vector<train::RunConfig> out;
  std::set<std::string> seen;
  for (const auto& combination : combinations) {
    train::RunConfig c = train::without_ignored_settings(combination);
    std::string name;
    auto name_after = [&](const SweepSpec::Grid& grid) {
      for (const auto& grid_key : grid) {
        const train::Setting& setting = *train::find_setting(grid_key.first);
        if (setting.used_by & train::optimizer_bit(c.optimizer))
          name += (name.empty() ? "" : " ") + grid_key.first + "=" + setting.value(c);
      }
    };
    name_after(spec.grid);
    for (const auto& [optimizer, grid] : spec.optimizer_grids)
      if (optimizer == c.optimizer) name_after(grid);
    c.name = name.empty() ? spec.name : name;
    if (!seen.insert(c.name).second) continue;
    try {
      c.validate();
    } catch (const ConfigError& e) {
      throw ConfigError("sweep " + spec.name + ", run '" + c.name + "': " + e.what());
    }
    out.push_back(std::move(c));
  }
  return out;
}

SweepPlan plan_sweep(const SweepSpec& spec, store::Store& store) {
  const auto configs = expand_grid(spec);
  SweepPlan plan;
  const auto found = store.find_sweep(spec.name);
  // Every stored run is read before anything is written: a config this build cannot read stops the plan
  // with nothing created. A run is found by its name or, when an older build named it differently, by
  // its settings.
  std::map<std::string, std::pair<store::RunRecord, train::RunConfig>> by_name, by_settings;
  if (found)
    for (auto& r : store.runs(*found)) {
      train::RunConfig c = train::RunConfig::from_stored_json(r.config_json);
      train::RunConfig unnamed = c;
      unnamed.name.clear();
      by_settings.emplace(unnamed.to_json(), std::pair{r, c});
      by_name.emplace(r.name, std::pair{std::move(r), std::move(c)});
    }
  plan.sweep_id = found ? *found : store.create_sweep(spec.name, spec.source_text);
  for (const auto& c : configs) {
    auto it = by_name.find(c.name);
    if (it == by_name.end()) {
      train::RunConfig unnamed = c;
      unnamed.name.clear();
      it = by_settings.find(unnamed.to_json());
      if (it == by_settings.end()) {
        plan.to_run.push_back({store.create_run(c.name, c.to_json(), plan.sweep_id), c, nullptr});
        continue;
      }
    }
    const auto& [record, stored] = it->second;
    if (record.status == "finished" || record.status == "diverged" || record.status == "failed") {
      ++plan.kept;
    } else {
      // queued, running (killed) or stopped: resume with the stored config, so the checkpoint matches
      plan.to_run.push_back({record.id, stored, nullptr});
    }
  }
  return plan;
}

}  // namespace limuon::sweep
