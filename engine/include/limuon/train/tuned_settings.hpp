// Settings the experiments found best, per model and optimizer mode, each with the report it comes from.
// The window offers them when a model and mode are chosen, and the default experiment and the classroom
// lessons use them, so a teacher who presses Start sees each optimizer near its best on that model.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::train {

struct TunedSettings {
  // What a config must have for this entry to apply: its model, then settings as key = value (e.g.
  // optimizer = limuon, rank = 8, polar = lowrank, lr_scale = shape).
  std::string model;
  std::vector<std::pair<std::string, std::string>> mode;
  std::vector<std::pair<std::string, std::string>> settings;  // what the experiment chose, e.g. lr = 0.01
  // Where it was chosen: a report (a path in the source tree) and the method's label in its "Learning
  // rates tried" table, where the chosen learning rate is marked "(chosen)".
  std::string report;
  std::string method;
};

const std::vector<TunedSettings>& tuned_settings();

// The entry whose model and mode `config` has; nullptr when no experiment covered it.
const TunedSettings* find_tuned(const RunConfig& config);

// `config` with its entry's settings applied (unchanged when there is none).
RunConfig with_tuned_settings(RunConfig config);

// What the window does when a user picks another model, optimizer, polar or lr_scale (`chosen`): the new
// mode starts from its entry's settings. A new model or optimizer also takes the lr scale of its entry
// when the one in use has none. Returns the settings that changed, "lr 0.01, beta 0.6", or "" (another
// key, no entry, or the values were already there).
std::string apply_tuned_after_choice(RunConfig& config, const std::string& chosen);

}  // namespace limuon::train
