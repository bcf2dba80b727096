#include "limuon/sweep/sweep.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../train/config_text.hpp"

namespace limuon::sweep {

using train::ConfigError;

SweepSpec load_sweep(const std::string& path) {
  const toml::table file = train::detail::parse_toml_file(path);
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
  if (const auto* grid = file["grid"].as_table())
    for (const auto& [key, node] : *grid) {
      const std::string k(key.str()), where = train::detail::where(path, node);
      const auto* values = node.as_array();
      if (values == nullptr || values->empty())
        throw ConfigError(where + ": grid key '" + k + "' needs a non-empty list, e.g. " + k + " = [1, 2]");
      std::vector<std::string> texts;
      for (const auto& v : *values) {
        texts.push_back(train::detail::toml_scalar_text(v, path, k));
        train::RunConfig probe = spec.base;
        probe.set(k, texts.back(), where);  // unknown keys and bad values fail here, with the line
      }
      spec.grid.emplace_back(k, std::move(texts));
    }
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  spec.source_text = text.str();
  return spec;
}

std::vector<train::RunConfig> expand_grid(const SweepSpec& spec) {
  std::vector<train::RunConfig> out{spec.base};
  std::vector<std::string> names{""};
  for (const auto& [key, values] : spec.grid) {
    std::vector<train::RunConfig> next;
    std::vector<std::string> next_names;
    for (size_t i = 0; i < out.size(); ++i)
      for (const auto& v : values) {
        train::RunConfig c = out[i];
        c.set(key, v, "grid");
        next.push_back(std::move(c));
        next_names.push_back(names[i] + (names[i].empty() ? "" : " ") + key + "=" + v);
      }
    out = std::move(next);
    names = std::move(next_names);
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].name = names[i].empty() ? spec.name : names[i];
    if (!seen.insert(out[i].name).second)
      throw ConfigError("sweep " + spec.name + ": the grid gives two runs named '" + out[i].name +
                        "' (a value is listed twice)");
    try {
      out[i].validate();
    } catch (const ConfigError& e) {
      throw ConfigError("sweep " + spec.name + ", run '" + out[i].name + "': " + e.what());
    }
  }
  return out;
}

SweepPlan plan_sweep(const SweepSpec& spec, store::Store& store) {
  const auto configs = expand_grid(spec);
  SweepPlan plan;
  const auto found = store.find_sweep(spec.name);
  plan.sweep_id = found ? *found : store.create_sweep(spec.name, spec.source_text);
  std::map<std::string, store::RunRecord> existing;
  for (auto& r : store.runs(plan.sweep_id)) existing.emplace(r.name, std::move(r));
  for (const auto& c : configs) {
    const auto it = existing.find(c.name);
    if (it == existing.end()) {
      plan.to_run.push_back({store.create_run(c.name, c.to_json(), plan.sweep_id), c, nullptr});
      continue;
    }
    const std::string& status = it->second.status;
    if (status == "finished" || status == "diverged" || status == "failed") {
      ++plan.kept;
    } else {
      // queued, running (killed) or stopped: resume with the stored config, so the checkpoint matches
      plan.to_run.push_back({it->second.id, train::RunConfig::from_json(it->second.config_json), nullptr});
    }
  }
  return plan;
}

}  // namespace limuon::sweep
