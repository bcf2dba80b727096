// The app's main job, shared by the window and the headless fallback: the classroom experiment, and
// where its runs are stored when no --db is given.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::cli {

// The classroom GPT on Moby-Dick with LiMuon's light option: rank-8 momentum factors and the polar
// factor straight from them, with the rank-aware lr scale (as in the README's equal-budget walkthrough).
train::RunConfig default_experiment();
// $XDG_DATA_HOME/limuon-lab/runs.db (~/.local/share/limuon-lab/runs.db); the folder is created.
std::string default_app_db();
// `--key value` for every setting of `config` that differs from the engine's defaults.
std::vector<std::string> config_flags(const train::RunConfig& config);
// Runs the default experiment without a window, with a progress bar, into `db_path`.
int run_default_headless(const std::string& db_path, std::ostream& out, std::ostream& err);

}  // namespace limuon::cli
