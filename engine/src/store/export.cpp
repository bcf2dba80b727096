#include "limuon/store/export.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "limuon/train/settings.hpp"

namespace limuon::store {
namespace {

nlohmann::ordered_json number_or_null(double value) {  // JSON has no NaN or Inf
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

}  // namespace

void export_run_csv(const Store& db, const RunRecord& run, const std::string& path) {
  std::ofstream f(path);
  f << "metric,step,value,wall_s\n";  // shortest text that reads back the same number: 0.005, not 0.0050000000000000001
  for (const auto& name : db.metric_names(run.id))
    for (const auto& p : db.series(run.id, name))
      f << name << "," << p.step << "," << train::format_number(p.value) << "," << train::format_number(p.wall_s) << "\n";
  if (!f) throw std::runtime_error("cannot write " + path);
}

void export_run_json(const Store& db, const RunRecord& run, const std::string& path) {
  nlohmann::ordered_json j;
  j["run"] = run.id;
  j["name"] = run.name;
  const auto config = nlohmann::ordered_json::parse(run.config_json, nullptr, false);
  j["config"] = config.is_discarded() ? nlohmann::ordered_json(run.config_json) : config;
  j["status"] = run.status;
  j["metrics"] = nlohmann::ordered_json::object();
  for (const auto& name : db.metric_names(run.id)) {
    auto& series = j["metrics"][name] = nlohmann::ordered_json::array();
    for (const auto& p : db.series(run.id, name)) series.push_back({p.step, number_or_null(p.value), p.wall_s});
  }
  j["spectra"] = nlohmann::ordered_json::array();
  for (const auto& s : db.spectra(run.id)) {
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (double v : s.values) values.push_back(number_or_null(v));
    j["spectra"].push_back({{"step", s.step}, {"param", s.param}, {"kind", s.kind},
                            {"energy_fraction", s.energy_fraction < 0 ? nlohmann::ordered_json(nullptr)
                                                                      : number_or_null(s.energy_fraction)},
                            {"singular_values", values}});
  }
  std::ofstream f(path);
  f << j.dump(1) << "\n";
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace limuon::store
