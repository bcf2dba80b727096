#include "limuon/train/checkpoint.hpp"

#include <nlohmann/json.hpp>
#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace limuon::train {
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double number_or_nan(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();  // NaN is stored as null
}

std::string progress_json(const CheckpointProgress& p) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& m : p.recent_metrics) points.push_back({m.step, m.wall_s, m.name, m.value});
  return nlohmann::json{{"first_loss", p.first_loss}, {"wall_s", p.wall_s}, {"recent_metrics", points}}.dump();
}

CheckpointProgress parse_progress(const std::string& text, int64_t step) {
  const auto j = nlohmann::json::parse(text);
  CheckpointProgress p;
  p.step = step;
  p.first_loss = number_or_nan(j.at("first_loss"));
  p.wall_s = number_or_nan(j.at("wall_s"));
  for (const auto& m : j.at("recent_metrics"))
    p.recent_metrics.push_back({m.at(0).get<int64_t>(), number_or_nan(m.at(1)), m.at(2).get<std::string>(),
                                number_or_nan(m.at(3))});
  return p;
}

bool complete(const fs::path& dir) { return fs::exists(dir / "step"); }

}  // namespace

void save_checkpoint(const std::string& dir, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     const CheckpointProgress& progress, const std::string& config_json) {
  const fs::path root(dir), next = root / "next", current = root / "current", old = root / "old";
  fs::create_directories(root);
  fs::remove_all(next);
  fs::create_directories(next);
  {
    torch::serialize::OutputArchive archive;
    model.save(archive);
    archive.save_to((next / "model.pt").string());
  }
  torch::save(optimizer, (next / "optimizer.pt").string());
  write_text(next / "config.json", config_json);
  write_text(next / "progress.json", progress_json(progress));
  write_text(next / "step", std::to_string(progress.step));  // last: its presence marks a complete checkpoint
  // An earlier save killed between its two renames left only `old`: put it back first, so that at every
  // moment below one complete checkpoint exists under current, old or next.
  if (!complete(current) && complete(old)) {
    fs::remove_all(current);
    fs::rename(old, current);
  }
  fs::remove_all(old);
  if (fs::exists(current)) fs::rename(current, old);
  fs::rename(next, current);
  fs::remove_all(old);
}

std::optional<CheckpointProgress> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                                  torch::optim::Optimizer& optimizer, const std::string& config_json) {
  const fs::path root(dir);
  fs::path chosen;
  int64_t chosen_step = -1;
  for (const char* name : {"current", "next", "old"}) {
    const fs::path candidate = root / name;
    if (!complete(candidate)) continue;
    int64_t step = -1;
    try {
      step = std::stoll(read_text(candidate / "step"));
    } catch (const std::exception&) {
      continue;
    }
    if (step > chosen_step) {
      chosen = candidate;
      chosen_step = step;
    }
  }
  if (chosen.empty()) return std::nullopt;
  if (read_text(chosen / "config.json") != config_json)
    throw std::runtime_error("checkpoint in " + chosen.string() + " belongs to another run configuration");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from((chosen / "model.pt").string());
    model.load(archive);
    torch::load(optimizer, (chosen / "optimizer.pt").string());
    return parse_progress(read_text(chosen / "progress.json"), chosen_step);
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint in " + chosen.string() + " cannot be loaded: " + e.what());
  }
}

}  // namespace limuon::train
