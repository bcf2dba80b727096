#include "cli/default_job.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "cli/cli.hpp"
#include "limuon/train/settings.hpp"
#include "limuon/train/tuned_settings.hpp"

namespace limuon::cli {

train::RunConfig default_experiment() {
  train::RunConfig c;
  c.model = "gpt:classroom";
  c.data = "moby-dick";
  c.optimizer = "limuon";
  c.rank = 8;
  c.polar = "lowrank";
  c.lr_scale = "match_adamw_rms_rank";
  c.batch_size = 16;  // the batch the classroom sweeps chose every learning rate at
  c.steps = 300;
  c.eval_every = 10;  // validation points every few seconds, so both curves move from the start
  c.spectrum_every = 10;
  c.beta = 0.6;  // the best of the beta sweep (experiments/results/gpt/report.md)
  return train::with_tuned_settings(c);  // the learning rate (and beta) experiment 1 chose for this mode
}

std::string default_app_db() {
  const char* data = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  const std::string base = data && *data ? data : std::string(home && *home ? home : ".") + "/.local/share";
  const std::string dir = base + "/limuon-lab";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return (std::filesystem::is_directory(dir, ec) ? dir : std::string(".")) + "/runs.db";
}

std::vector<std::string> config_flags(const train::RunConfig& config) {
  std::vector<std::string> flags;
  for (const auto& s : train::settings()) {
    const std::string value = s.value(config);
    if (value == s.default_value()) continue;
    std::string flag = "--" + std::string(s.name);
    std::replace(flag.begin(), flag.end(), '_', '-');  // as people type them; `train` reads both
    flags.push_back(flag);
    flags.push_back(value);
  }
  return flags;
}

int run_default_headless(const std::string& db_path, std::ostream& out, std::ostream& err) {
  std::vector<std::string> args{"train", "--db", db_path};
  for (auto& f : config_flags(default_experiment())) args.push_back(std::move(f));
  std::string line = "limuon-lab";
  for (const auto& a : args) line += " " + a;
  out << "running the classroom experiment headless: " << line << "\n" << std::flush;
  const int code = run(args, out, err);
  out << "to look at it in the window later: limuon-lab --db " << db_path
      << " (on a machine with a display; tick the run in the runs table)\n";
  return code;
}

}  // namespace limuon::cli
