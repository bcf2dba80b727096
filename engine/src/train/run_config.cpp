#include "limuon/train/run_config.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <variant>

#include "limuon/models/model.hpp"
#include "limuon/train/settings.hpp"
#include "config_text.hpp"

namespace limuon::train {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw ConfigError(message);
}

}  // namespace

const std::vector<std::string>& RunConfig::keys() {
  static const std::vector<std::string> names = setting_names();
  return names;
}

void RunConfig::set(const std::string& key, const std::string& v, const std::string& where) {
  const Setting* setting = find_setting(key);
  if (setting == nullptr)
    throw ConfigError(where + ": unknown key '" + key + "' (known: " + detail::join(keys()) + ")");
  setting->set(*this, v, where);
}

void RunConfig::validate() const {
  for (const auto& setting : settings()) setting.check(*this);
  try {
    models::parse_model_spec(model);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(e.what());
  }
  const bool text_model = model.rfind("vit:", 0) != 0;
  require(data.empty() || (data == "moby-dick") == text_model,
          "data = '" + data + "' does not fit model " + model + " (text models take moby-dick, vit takes images)");
  require(grad_evals == 0 || steps == RunConfig{}.steps,
          "steps = " + std::to_string(steps) + " and grad_evals = " + std::to_string(grad_evals) +
              " both set the run's length; give one of them");
  require(total_steps() >= 1, "grad_evals = " + std::to_string(grad_evals) + " is less than one " + optimizer +
                                  " step (" + std::to_string(grad_evals_per_step()) + " gradient evaluations)");
  require(!(optimizer == "muon" && polar == "lowrank"),
          "polar = lowrank is LiMuon's option #2 (an update from rank-r momentum factors); Muon takes svd or "
          "newton_schulz");
  std::string ignored;
  for (const Setting* s : ignored_settings(*this))
    ignored += (ignored.empty() ? "" : ", ") + std::string(s->name) + " = " + s->value(*this) + " (read by " +
               optimizer_names(s->used_by) + ")";
  require(ignored.empty(), "optimizer = " + optimizer + " does not read " + ignored +
                               "; leave it out or choose an optimizer that reads it");
  require(!(polar == "lowrank" && rank == 0), "polar = lowrank needs rank > 0");
  if (optimizer == "limuon" && rank > 0) {  // checked against the model now, not when its run starts
    const auto smallest = models::smallest_hidden_matrix(models::parse_model_spec(model));
    require(rank <= smallest.min_dim(),
            "rank = " + std::to_string(rank) + " exceeds min(m, n) = " + std::to_string(smallest.min_dim()) +
                " of the hidden matrix " + smallest.name + " [" + std::to_string(smallest.rows) + ", " +
                std::to_string(smallest.cols) + "] of " + model);
  }
}

std::string RunConfig::summary() const { return settings_name(*this); }

std::string RunConfig::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& setting : settings())
    std::visit([&](auto member) { j[std::string(setting.name)] = this->*member; }, setting.field);
  return j.dump();
}
namespace {
nlohmann::json parse_config_json(const std::string& json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("run config JSON: ") + e.what());
  }
  if (!j.is_object()) throw ConfigError("run config JSON is not an object");
  return j;
}
}  // namespace

RunConfig RunConfig::from_json(const std::string& json) {
  RunConfig c;
  const nlohmann::json j = parse_config_json(json);  // kept alive: items() only refers to it
  for (const auto& [key, value] : j.items())
    c.set(key, value.is_string() ? value.get<std::string>() : value.dump(), "JSON");
  return c;
}

RunConfig RunConfig::from_stored_json(const std::string& json) {
  RunConfig c = from_json(json);
  if (c.optimizer == "adamw" && !parse_config_json(json).contains("grad_evals")) {
    c.adamw_lr = c.lr;
    c.lr = RunConfig{}.lr;
  }
  return without_ignored_settings(c);
}

RunConfig load_run_config(const std::string& path, RunConfig base) {
  const toml::table file = detail::parse_toml_file(path);
  const toml::table* run = file.contains("run") ? file["run"].as_table() : &file;
  if (run == nullptr) throw ConfigError(path + ": [run] is not a table");
  for (const auto& [key, node] : *run)
    base.set(std::string(key.str()), detail::toml_scalar_text(node, path, std::string(key.str())),
             detail::where(path, node));
  base.validate();
  return base;
}

}  // namespace limuon::train
