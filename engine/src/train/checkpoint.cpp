#include "limuon/train/checkpoint.hpp"

#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
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

}  // namespace

void save_checkpoint(const std::string& dir, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     int64_t step, const std::string& config_json) {
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
  write_text(next / "step", std::to_string(step));  // written last: its presence marks a complete checkpoint
  // current -> old, next -> current, drop old. A kill in between leaves old or current complete.
  fs::remove_all(old);
  if (fs::exists(current)) fs::rename(current, old);
  fs::rename(next, current);
  fs::remove_all(old);
}

std::optional<int64_t> load_checkpoint(const std::string& dir, torch::nn::Module& model,
                                       torch::optim::Optimizer& optimizer, const std::string& config_json) {
  const fs::path root(dir);
  fs::path chosen;
  for (const char* name : {"current", "old"})  // "old" survives a kill between the two renames
    if (fs::exists(root / name / "step")) {
      chosen = root / name;
      break;
    }
  if (chosen.empty()) return std::nullopt;
  if (read_text(chosen / "config.json") != config_json)
    throw std::runtime_error("checkpoint in " + chosen.string() + " belongs to another run configuration");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from((chosen / "model.pt").string());
    model.load(archive);
    torch::load(optimizer, (chosen / "optimizer.pt").string());
    return std::stoll(read_text(chosen / "step"));
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint in " + chosen.string() + " cannot be loaded: " + e.what());
  }
}

}  // namespace limuon::train
