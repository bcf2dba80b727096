#include "limuon/train/lesson.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config_text.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::train {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& lesson_keys() {
  static const std::vector<std::string> keys{"title", "summary", "explanation", "x", "views", "controls", "speed"};
  return keys;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

[[noreturn]] void fail(const std::string& origin, const toml::node& node, const std::string& what) {
  throw ConfigError(detail::where(origin, node) + ": " + what);
}

std::string text_of(const toml::node& node, const std::string& origin, const std::string& key) {
  if (const auto* s = node.as_string()) return s->get();
  fail(origin, node, key + " must be text in quotes");
}

// A list of distinct names from `known`; an entry outside it names its own line.
std::vector<std::string> names_of(const toml::node& node, const std::string& origin, const std::string& key,
                                  const std::vector<std::string>& known, const std::string& what) {
  const auto* list = node.as_array();
  if (list == nullptr) fail(origin, node, key + " must be a list, e.g. " + key + " = [\"" + known.front() + "\"]");
  std::vector<std::string> out;
  for (const auto& item : *list) {
    const std::string name = text_of(item, origin, key + " entries");
    if (!contains(known, name))
      fail(origin, item, key + ": '" + name + "' is not " + what + " (known: " + detail::join(known) + ")");
    if (contains(out, name)) fail(origin, item, key + ": '" + name + "' is listed twice");
    out.push_back(name);
  }
  return out;
}

void load_lesson_table(const toml::table& table, const std::string& origin, Lesson& lesson) {
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (k == "title" || k == "summary" || k == "explanation") {
      const std::string text = text_of(node, origin, k);
      if (k == "summary" && text.find('\n') != std::string::npos)
        fail(origin, node, "summary must be one line (the explanation takes paragraphs)");
      (k == "title" ? lesson.title : k == "summary" ? lesson.summary : lesson.explanation) = text;
    } else if (k == "x") {
      lesson.x_unit = text_of(node, origin, k);
      if (!contains(lesson_x_units(), lesson.x_unit))
        fail(origin, node,
             "x = '" + lesson.x_unit + "' is not an x axis (known: " + detail::join(lesson_x_units()) + ")");
    } else if (k == "views") {
      lesson.views = names_of(node, origin, k, lesson_views(), "a view");
      if (lesson.views.empty()) fail(origin, node, "views needs at least one view");
    } else if (k == "controls") {
      lesson.controls = names_of(node, origin, k, lesson_controls(), "a control or a run setting");
    } else if (k == "speed") {
      const auto speed = node.value<double>();  // integers convert too
      if (!speed || !std::isfinite(*speed) || *speed < 0)
        fail(origin, node, "speed = " + detail::toml_scalar_text(node, origin, k) +
                               " must be a number of steps per second >= 0 (0 = no limit)");
      lesson.speed = *speed;
    } else {
      fail(origin, node, "unknown key '" + k + "' in [lesson] (known: " + detail::join(lesson_keys()) + ")");
    }
  }
  if (lesson.title.empty()) throw ConfigError(detail::where(origin, table) + ": [lesson] needs a title");
}

LessonPreset load_preset(const toml::table& table, const std::string& origin, const RunConfig& base, size_t number) {
  LessonPreset preset;
  const toml::node* name = table.get("name");
  if (name == nullptr) fail(origin, table, "[[preset]] number " + std::to_string(number) + " needs a name");
  preset.name = text_of(*name, origin, "preset name");
  if (preset.name.empty()) fail(origin, *name, "preset name must not be empty");
  const std::string label = "preset '" + preset.name + "'";
  preset.config = base;
  std::map<std::string, const toml::node*> own;  // the preset's own run settings
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (k == "name") continue;
    if (k == "explanation") {
      preset.explanation = text_of(node, origin, label + ": explanation");
      continue;
    }
    preset.config.set(k, detail::toml_scalar_text(node, origin, k), detail::where(origin, node) + ": " + label);
    own.emplace(k, &node);
  }
  // A [base] setting this preset's optimizer does not read goes back to its default, as in sweep grids, so
  // a shared `lr` does not stop an AdamW preset; the preset's own settings must all be read.
  for (const Setting* s : ignored_settings(preset.config)) {
    const auto it = own.find(std::string(s->name));
    if (it != own.end())
      fail(origin, *it->second, label + ": optimizer = " + preset.config.optimizer + " does not read " +
                                    std::string(s->name) + " (read by " + optimizer_names(s->used_by) + ")");
  }
  preset.config = without_ignored_settings(preset.config);
  preset.config.name = preset.name;
  try {
    preset.config.validate();
  } catch (const ConfigError& e) {
    fail(origin, table, label + ": " + e.what());
  }
  return preset;
}

// Views and controls that no preset could fill are a teacher's slip, not something to show empty.
void check_against_presets(const toml::table& table, const std::string& origin, const Lesson& lesson) {
  auto any = [&](auto&& pred) { return std::any_of(lesson.presets.begin(), lesson.presets.end(), pred); };
  if (const auto* views = table.get_as<toml::array>("views"))
    for (const auto& item : *views) {
      const std::string view = *item.value<std::string>();
      const bool spectral = view.rfind("spectrum_", 0) == 0 || view == "energy_fraction";
      if (spectral && !any([](const LessonPreset& p) { return p.config.spectrum_every > 0; }))
        fail(origin, item, "views: '" + view + "' needs a preset with spectrum_every > 0");
      if (view == "energy_fraction" &&
          !any([](const LessonPreset& p) { return p.config.optimizer == "limuon" && p.config.rank > 0; }))
        fail(origin, item, "views: 'energy_fraction' needs a limuon preset with rank > 0 (only a sketch has one)");
    }
  if (const auto* controls = table.get_as<toml::array>("controls"))
    for (const auto& item : *controls) {
      const Setting* setting = find_setting(*item.value<std::string>());
      if (setting == nullptr) continue;  // play, pause, ...
      if (!any([&](const LessonPreset& p) { return (setting->used_by & optimizer_bit(p.config.optimizer)) != 0; }))
        fail(origin, item, "controls: '" + std::string(setting->name) + "' is read by " +
                               optimizer_names(setting->used_by) + ", and no preset of this lesson uses it");
    }
}

}  // namespace

const std::vector<std::string>& lesson_views() {
  static const std::vector<std::string> views{"train_loss",      "val_loss",          "grad_norm",      "update_norm",
                                              "lr",              "step_ms",           "state_bytes",    "rss_bytes",
                                              "spectrum_update", "spectrum_momentum", "energy_fraction"};
  return views;
}

const std::vector<std::string>& lesson_controls() {
  static const std::vector<std::string> controls = [] {
    std::vector<std::string> out{"play", "pause", "step", "reset", "speed", "x_axis"};
    for (const auto& key : RunConfig::keys()) out.push_back(key);
    return out;
  }();
  return controls;
}

const std::vector<std::string>& lesson_x_units() {
  static const std::vector<std::string> units{"step", "grad_evals", "samples", "wall_time"};
  return units;
}

Lesson parse_lesson(const std::string& text, const std::string& origin) {
  toml::table file;
  try {
    file = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw ConfigError(origin + " line " + std::to_string(e.source().begin.line) + ", column " +
                      std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : file) {
    const std::string k(key.str());
    if (k == "preset") {
      if (!node.is_array_of_tables())
        fail(origin, node, "presets are written [[preset]] (two brackets), one such table per run");
    } else if (k == "lesson" || k == "base") {
      if (!node.is_table()) fail(origin, node, "'" + k + "' must be a [" + k + "] table");
    } else {
      fail(origin, node, "unknown section '" + k + "' (expected [lesson], [base], [[preset]])");
    }
  }
  Lesson lesson;
  lesson.source = origin;
  const toml::table* lesson_table = file.get_as<toml::table>("lesson");
  if (lesson_table == nullptr) throw ConfigError(origin + ": no [lesson] table; it holds the title and explanation");
  load_lesson_table(*lesson_table, origin, lesson);
  if (const auto* base = file.get_as<toml::table>("base"))
    for (const auto& [key, node] : *base) {
      const std::string k(key.str());
      if (k == "name") fail(origin, node, "[base] name: each [[preset]] has its own name");
      lesson.base.set(k, detail::toml_scalar_text(node, origin, k), detail::where(origin, node) + ": [base]");
    }
  const auto* presets = file.get_as<toml::array>("preset");
  if (presets == nullptr || presets->empty())
    throw ConfigError(origin + ": no [[preset]]; a lesson needs at least one run to start");
  std::map<std::string, int64_t> name_lines;
  for (const auto& node : *presets) {
    const auto& table = *node.as_table();
    if (lesson.presets.size() == kMaxLessonPresets)
      fail(origin, table, "[[preset]] number " + std::to_string(lesson.presets.size() + 1) + ": a lesson has at most " +
                              std::to_string(kMaxLessonPresets) + " presets");
    LessonPreset preset = load_preset(table, origin, lesson.base, lesson.presets.size() + 1);
    const toml::node& name = *table.get("name");
    const auto [first, added] = name_lines.emplace(preset.name, name.source().begin.line);
    if (!added)
      fail(origin, name, "preset name '" + preset.name + "' is used twice (first at line " +
                             std::to_string(first->second) + ")");
    lesson.presets.push_back(std::move(preset));
  }
  check_against_presets(*lesson_table, origin, lesson);
  return lesson;
}

Lesson load_lesson(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw ConfigError(path + ": file not found");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw ConfigError(path + ": cannot be read");
  return parse_lesson(text.str(), path);
}

std::vector<std::string> lesson_files(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".toml" && it->is_regular_file(ec)) files.push_back(it->path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string lessons_dir() {
  if (const char* dir = std::getenv("LIMUON_LESSONS_DIR"); dir != nullptr && *dir != '\0') return dir;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {  // an installed limuon-lab (cmake/Packaging.cmake puts the lessons there)
    const fs::path installed = exe.parent_path().parent_path() / "share" / "limuon-lab" / "lessons";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return std::string(LIMUON_SOURCE_DIR) + "/assets/lessons";
}

std::vector<std::string> lesson_paragraphs(const std::string& text) {
  std::vector<std::string> paragraphs;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) paragraphs.push_back(std::move(current));
    current.clear();
  };
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) {
      flush();
      continue;
    }
    const std::string trimmed = line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
    if (trimmed.rfind("- ", 0) == 0) flush();
    current += (current.empty() ? "" : " ") + trimmed;
  }
  flush();
  return paragraphs;
}

}  // namespace limuon::train
