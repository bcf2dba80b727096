#include "gui/app_settings.hpp"

#include "cli/default_job.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace limuon::gui {

namespace fs = std::filesystem;

namespace {

std::string xdg_dir(const char* variable, const char* fallback_under_home) {
  const char* set = std::getenv(variable);
  if (set && *set) return set;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/" + fallback_under_home;
}

std::string ensure_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  return fs::is_directory(dir, ec) ? dir : std::string();
}

}  // namespace

std::string config_dir() { return ensure_dir(xdg_dir("XDG_CONFIG_HOME", ".config") + "/limuon-lab"); }

AppSettings load_app_settings(const std::string& path, std::string& message) {
  AppSettings s;
  s.run = cli::default_experiment();
  std::ifstream in(path);
  if (!in) return s;  // the first start: nothing to read, nothing to say
  try {
    const auto j = nlohmann::json::parse(in);
    s.window_width = std::clamp(j.value("window_width", s.window_width), 640, 16384);
    s.window_height = std::clamp(j.value("window_height", s.window_height), 480, 16384);
    s.db_path = j.value("db_path", s.db_path);
    s.x_unit = static_cast<XUnit>(std::clamp(j.value("x_unit", 0), 0, 3));
    s.log_x = j.value("log_x", s.log_x);
    s.log_y = j.value("log_y", s.log_y);
    s.smoothing = std::clamp(j.value("smoothing", s.smoothing), 0.0, 0.999);
    if (j.contains("run")) {
      try {
        s.run = train::RunConfig::from_stored_json(j["run"].dump());
      } catch (const std::exception& e) {
        message = "the saved run settings in " + path + " were not usable (" + e.what() + "); using the defaults";
      }
    }
  } catch (const std::exception& e) {
    message = path + " is not readable (" + e.what() + "); using the defaults";
    AppSettings defaults;
    defaults.run = cli::default_experiment();
    return defaults;
  }
  return s;
}

bool save_app_settings(const AppSettings& s, const std::string& path, std::string& message) {
  nlohmann::json j;
  j["window_width"] = s.window_width;
  j["window_height"] = s.window_height;
  j["db_path"] = s.db_path;
  j["x_unit"] = static_cast<int>(s.x_unit);
  j["log_x"] = s.log_x;
  j["log_y"] = s.log_y;
  j["smoothing"] = s.smoothing;
  j["run"] = nlohmann::json::parse(s.run.to_json());
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) {
      message = "cannot write " + temp;
      return false;
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    message = "cannot replace " + path + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace limuon::gui
