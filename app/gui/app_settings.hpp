// What the window remembers between sessions, in $XDG_CONFIG_HOME/limuon-lab (~/.config/limuon-lab):
// imgui.ini (panel sizes, ImGui's own) and app.json (window size, last database, last run settings,
// plot choices). A missing or unreadable file gives the defaults and a message; it never stops the app.
#pragma once

#include <string>

#include "gui/run_data.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::gui {

struct AppSettings {
  int window_width = 1600, window_height = 1000;
  std::string db_path;
  train::RunConfig run;  // the run panel's settings
  XUnit x_unit = XUnit::step;
  bool log_x = false, log_y = true;
  double smoothing = 0.6;
};

std::string config_dir();  // created when missing; empty when it cannot be

// Reads `path`; on any problem returns the defaults and sets `message`.
AppSettings load_app_settings(const std::string& path, std::string& message);
// Writes atomically (temp file + rename); false and `message` on failure.
bool save_app_settings(const AppSettings& settings, const std::string& path, std::string& message);

}  // namespace limuon::gui
