#include "limuon/train/checkpoint.hpp"

#include <nlohmann/json.hpp>
#include <torch/serialize.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "limuon/train/run_config.hpp"

namespace limuon::train {
namespace fs = std::filesystem;

namespace detail {
namespace {

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open");
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) throw std::system_error(error, std::generic_category(), "fsync");
}

}  // namespace

CheckpointFileOps default_checkpoint_file_ops() {
  CheckpointFileOps ops;
  ops.sync_file = [](const std::string& file) { fsync_path(file, O_RDONLY); };
  ops.sync_folder = [](const std::string& folder) { fsync_path(folder, O_RDONLY | O_DIRECTORY); };
  ops.rename = [](const std::string& from, const std::string& to) { fs::rename(from, to); };
  return ops;
}

CheckpointFileOps& checkpoint_file_ops() {
  static CheckpointFileOps ops = default_checkpoint_file_ops();
  return ops;
}

}  // namespace detail

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
  return nlohmann::json{{"first_loss", p.first_loss}, {"wall_s", p.wall_s}, {"grad_evals", p.grad_evals},
                        {"recent_metrics", points}}
      .dump();
}

CheckpointProgress parse_progress(const std::string& text, int64_t step) {
  const auto j = nlohmann::json::parse(text);
  CheckpointProgress p;
  p.step = step;
  p.first_loss = number_or_nan(j.at("first_loss"));
  p.wall_s = number_or_nan(j.at("wall_s"));
  p.grad_evals = j.value("grad_evals", int64_t{-1});
  for (const auto& m : j.at("recent_metrics"))
    p.recent_metrics.push_back({m.at(0).get<int64_t>(), number_or_nan(m.at(1)), m.at(2).get<std::string>(),
                                number_or_nan(m.at(3))});
  return p;
}

bool complete(const fs::path& dir) { return fs::exists(dir / "step"); }

constexpr const char* kFiles[] = {"model.pt", "optimizer.pt", "config.json", "progress.json", "step"};

fs::path history_folder(const fs::path& root, int64_t step) { return root / "history" / ("step-" + std::to_string(step)); }

}  // namespace

bool has_checkpoint(const std::string& dir) {
  for (const char* name : {"current", "next", "old"})
    if (complete(fs::path(dir) / name)) return true;
  return false;
}

void save_checkpoint(const std::string& dir, const torch::nn::Module& model, const torch::optim::Optimizer& optimizer,
                     const CheckpointProgress& progress, const std::string& config_json) {
  const detail::CheckpointFileOps& io = detail::checkpoint_file_ops();
  // Each failure names the file; one before the swap leaves the previous checkpoint as it was.
  auto checked = [](const std::string& what, const auto& call) {
    try {
      call();
    } catch (const std::exception& e) {
      throw std::runtime_error("checkpoint: cannot " + what + ": " + e.what());
    }
  };
  auto sync_file = [&](const fs::path& f) { checked("sync " + f.string() + " to disk", [&] { io.sync_file(f.string()); }); };
  auto sync_folder = [&](const fs::path& d) {
    checked("sync the folder " + d.string() + " to disk", [&] { io.sync_folder(d.string()); });
  };
  auto rename = [&](const fs::path& from, const fs::path& to) {
    checked("rename " + from.string() + " to " + to.string(), [&] { io.rename(from.string(), to.string()); });
  };
  const fs::path root(dir), next = root / "next", current = root / "current", old = root / "old";
  if (fs::create_directories(root)) sync_folder(root.parent_path().empty() ? fs::path(".") : root.parent_path());
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
  // The data on disk first, then the file that marks the checkpoint complete, then the folder's entries:
  // after a power cut a `step` file never stands beside a file the disk did not get.
  for (const char* name : {"model.pt", "optimizer.pt", "config.json", "progress.json"}) sync_file(next / name);
  write_text(next / "step", std::to_string(progress.step));  // last: its presence marks a complete checkpoint
  sync_file(next / "step");
  sync_folder(next);
  // An earlier save killed between its two renames left only `old`: put it back first, so that at every
  // moment below one complete checkpoint exists under current, old or next.
  if (!complete(current) && complete(old)) {
    fs::remove_all(current);
    rename(old, current);
  }
  fs::remove_all(old);
  if (fs::exists(current)) rename(current, old);
  rename(next, current);
  sync_folder(root);  // the swap itself survives a power cut
  fs::remove_all(old);
}

namespace {
// Equal settings, whichever build wrote them: a setting added since then reads back as its default.
bool same_settings(const std::string& stored, const std::string& current, const fs::path& where) {
  if (stored == current) return true;
  try {
    return RunConfig::from_stored_json(stored).to_json() == RunConfig::from_stored_json(current).to_json();
  } catch (const ConfigError& e) {
    throw std::runtime_error("checkpoint in " + where.string() + " has settings this build cannot read: " + e.what());
  }
}
}  // namespace

void keep_in_history(const std::string& dir, int64_t step) {
  const detail::CheckpointFileOps& io = detail::checkpoint_file_ops();
  const fs::path root(dir), current = root / "current", kept = history_folder(root, step);
  const fs::path building = kept.string() + ".partial";
  try {
    fs::create_directories(kept.parent_path());
    fs::remove_all(building);
    fs::remove_all(kept);  // a step kept before (a resumed run passes it again): the newer one wins
    fs::create_directories(building);
    for (const char* name : kFiles) {
      std::error_code linked;
      fs::create_hard_link(current / name, building / name, linked);
      if (linked) fs::copy_file(current / name, building / name);  // a file system without hard links
    }
    io.sync_folder(building.string());
    io.rename(building.string(), kept.string());  // complete or absent: `.partial` folders are never read
    io.sync_folder(kept.parent_path().string());
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint: cannot keep step " + std::to_string(step) + " in " + kept.string() + ": " +
                             e.what());
  }
}

std::vector<int64_t> history_steps(const std::string& dir) {
  std::vector<int64_t> steps;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(dir) / "history", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("step-", 0) != 0 || name.find('.') != std::string::npos || !complete(entry.path())) continue;
    try {
      steps.push_back(std::stoll(name.substr(5)));
    } catch (const std::exception&) {  // a folder of someone else's: not a step
    }
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

KeptCheckpoint open_kept_checkpoint(const std::string& dir, int64_t step) {
  const fs::path folder = history_folder(dir, step);
  if (!complete(folder))
    throw std::runtime_error("no checkpoint of step " + std::to_string(step) + " was kept in " + dir + "/history" +
                             " (a run keeps them only with checkpoint history on)");
  KeptCheckpoint kept;
  kept.folder = folder.string();
  try {
    kept.config_json = read_text(folder / "config.json");
    kept.progress = parse_progress(read_text(folder / "progress.json"), step);
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint in " + folder.string() + " cannot be read: " + e.what());
  }
  kept.progress.recent_metrics.clear();
  return kept;
}

void load_kept_model(const KeptCheckpoint& kept, torch::nn::Module& model) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(kept.folder + "/model.pt");
    model.load(archive);
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint in " + kept.folder + " cannot be loaded: " + e.what());
  }
}

void load_kept_optimizer(const KeptCheckpoint& kept, torch::optim::Optimizer& optimizer) {
  try {
    torch::load(optimizer, kept.folder + "/optimizer.pt");
  } catch (const std::exception& e) {
    throw std::runtime_error("checkpoint in " + kept.folder + " cannot be loaded: " + e.what());
  }
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
  if (!same_settings(read_text(chosen / "config.json"), config_json, chosen))
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
