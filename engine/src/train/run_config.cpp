#include "limuon/train/run_config.hpp"

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <cmath>
#include <sstream>

#include "limuon/models/model.hpp"
#include "limuon/optim_types.hpp"
#include "config_text.hpp"

namespace limuon::train {
namespace {

using detail::parse_double;
using detail::parse_int;

template <typename Fn>
void field(const std::string& key, const std::string& k, Fn&& fn, bool& done) {
  if (!done && key == k) {
    fn();
    done = true;
  }
}

void require(bool ok, const std::string& message) {
  if (!ok) throw ConfigError(message);
}

}  // namespace

const std::vector<std::string>& RunConfig::keys() {
  static const std::vector<std::string> k = {
      "name", "model", "data", "optimizer", "lr", "adamw_lr", "beta", "rank", "polar", "oversampling",
      "power_iters", "momentum", "weight_decay", "lr_scale", "steps", "batch_size", "eval_every", "eval_batches",
      "spectrum_every", "spectrum_params", "checkpoint_every", "seed", "threads", "divergence_factor"};
  return k;
}

void RunConfig::set(const std::string& key, const std::string& v, const std::string& where) {
  const std::string at = where + ": " + key;
  bool done = false;
  field(key, "name", [&] { name = v; }, done);
  field(key, "model", [&] { model = v; }, done);
  field(key, "data", [&] { data = v; }, done);
  field(key, "optimizer", [&] { optimizer = v; }, done);
  field(key, "lr", [&] { lr = parse_double(at, v); }, done);
  field(key, "adamw_lr", [&] { adamw_lr = parse_double(at, v); }, done);
  field(key, "beta", [&] { beta = parse_double(at, v); }, done);
  field(key, "rank", [&] { rank = parse_int(at, v); }, done);
  field(key, "polar", [&] { polar = v; }, done);
  field(key, "oversampling", [&] { oversampling = parse_int(at, v); }, done);
  field(key, "power_iters", [&] { power_iters = parse_int(at, v); }, done);
  field(key, "momentum", [&] { momentum = parse_double(at, v); }, done);
  field(key, "weight_decay", [&] { weight_decay = parse_double(at, v); }, done);
  field(key, "lr_scale", [&] { lr_scale = v; }, done);
  field(key, "steps", [&] { steps = parse_int(at, v); }, done);
  field(key, "batch_size", [&] { batch_size = parse_int(at, v); }, done);
  field(key, "eval_every", [&] { eval_every = parse_int(at, v); }, done);
  field(key, "eval_batches", [&] { eval_batches = parse_int(at, v); }, done);
  field(key, "spectrum_every", [&] { spectrum_every = parse_int(at, v); }, done);
  field(key, "spectrum_params", [&] { spectrum_params = v; }, done);
  field(key, "checkpoint_every", [&] { checkpoint_every = parse_int(at, v); }, done);
  field(key, "seed", [&] { seed = parse_int(at, v); }, done);
  field(key, "threads", [&] { threads = parse_int(at, v); }, done);
  field(key, "divergence_factor", [&] { divergence_factor = parse_double(at, v); }, done);
  if (!done) throw ConfigError(where + ": unknown key '" + key + "' (known: " + detail::join(keys()) + ")");
}

void RunConfig::validate() const {
  try {
    models::parse_model_spec(model);
    parse_polar(polar);
    parse_lr_scale(lr_scale);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(e.what());
  }
  require(data.empty() || data == "moby-dick" || data == "fashion-mnist" || data == "mnist",
          "data = '" + data + "' is not one of moby-dick, fashion-mnist, mnist");
  const bool text_model = model.rfind("vit:", 0) != 0;
  require(data.empty() || (data == "moby-dick") == text_model,
          "data = '" + data + "' does not fit model " + model + " (text models take moby-dick, vit takes images)");
  require(optimizer == "limuon" || optimizer == "muon" || optimizer == "adamw",
          "optimizer = '" + optimizer + "' is not one of limuon, muon, adamw");
  require(std::isfinite(lr) && lr > 0, "lr = " + std::to_string(lr) + " must be > 0");
  require(std::isfinite(adamw_lr) && adamw_lr > 0, "adamw_lr = " + std::to_string(adamw_lr) + " must be > 0");
  require(beta >= 0 && beta < 1, "beta = " + std::to_string(beta) + " must be in [0, 1)");
  require(rank >= 0, "rank = " + std::to_string(rank) + " must be >= 0");
  require(!(optimizer == "muon" && polar == "lowrank"),
          "polar = lowrank is LiMuon's option #2 (an update from rank-r momentum factors); Muon takes svd or "
          "newton_schulz");
  require(!(polar == "lowrank" && rank == 0), "polar = lowrank needs rank > 0");
  require(oversampling >= 0 && oversampling <= 1024, "oversampling = " + std::to_string(oversampling) + " must be in [0, 1024]");
  require(power_iters >= 0 && power_iters <= 20, "power_iters = " + std::to_string(power_iters) + " must be in [0, 20]");
  require(momentum >= 0 && momentum < 1, "momentum = " + std::to_string(momentum) + " must be in [0, 1)");
  require(weight_decay >= 0, "weight_decay = " + std::to_string(weight_decay) + " must be >= 0");
  require(steps >= 1, "steps = " + std::to_string(steps) + " must be >= 1");
  require(batch_size >= 1 && batch_size <= 4096, "batch_size = " + std::to_string(batch_size) + " must be in [1, 4096]");
  require(eval_every >= 1, "eval_every = " + std::to_string(eval_every) + " must be >= 1");
  require(eval_batches >= 1, "eval_batches = " + std::to_string(eval_batches) + " must be >= 1");
  require(spectrum_every >= 0, "spectrum_every = " + std::to_string(spectrum_every) + " must be >= 0");
  require(checkpoint_every >= 0, "checkpoint_every = " + std::to_string(checkpoint_every) + " must be >= 0");
  require(seed >= 0, "seed = " + std::to_string(seed) + " must be >= 0");
  require(threads >= 0 && threads <= 1024, "threads = " + std::to_string(threads) + " must be in [0, 1024]");
  require(divergence_factor > 1, "divergence_factor = " + std::to_string(divergence_factor) + " must be > 1");
  if (optimizer == "limuon" && rank > 0) {  // checked against the model now, not when its run starts
    const auto smallest = models::smallest_hidden_matrix(models::parse_model_spec(model));
    require(rank <= smallest.min_dim(),
            "rank = " + std::to_string(rank) + " exceeds min(m, n) = " + std::to_string(smallest.min_dim()) +
                " of the hidden matrix " + smallest.name + " [" + std::to_string(smallest.rows) + ", " +
                std::to_string(smallest.cols) + "] of " + model);
  }
}

std::string RunConfig::summary() const {
  std::ostringstream s;
  s << optimizer;
  if (optimizer == "limuon") s << (rank > 0 ? " r=" + std::to_string(rank) : " full") << " " << polar << " beta=" << beta;
  s << " lr=" << lr;
  if (optimizer != "adamw") s << " scale=" << lr_scale;
  s << " seed=" << seed;
  return s.str();
}

std::string RunConfig::to_json() const {
  nlohmann::ordered_json j = {
      {"name", name}, {"model", model}, {"data", data}, {"optimizer", optimizer}, {"lr", lr}, {"adamw_lr", adamw_lr},
      {"beta", beta}, {"rank", rank}, {"polar", polar}, {"oversampling", oversampling}, {"power_iters", power_iters},
      {"momentum", momentum}, {"weight_decay", weight_decay}, {"lr_scale", lr_scale}, {"steps", steps},
      {"batch_size", batch_size}, {"eval_every", eval_every}, {"eval_batches", eval_batches},
      {"spectrum_every", spectrum_every}, {"spectrum_params", spectrum_params}, {"checkpoint_every", checkpoint_every}, {"seed", seed},
      {"threads", threads}, {"divergence_factor", divergence_factor}};
  return j.dump();
}

RunConfig RunConfig::from_json(const std::string& json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("run config JSON: ") + e.what());
  }
  if (!j.is_object()) throw ConfigError("run config JSON is not an object");
  RunConfig c;
  for (const auto& [key, value] : j.items())
    c.set(key, value.is_string() ? value.get<std::string>() : value.dump(), "JSON");
  return c;
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
