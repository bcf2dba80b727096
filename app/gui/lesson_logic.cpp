#include "gui/lesson_logic.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>

#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// One view alone as a plot; the loss views are merged by lesson_plots.
LessonPlot plot_of(const std::string& view) {
  if (view == "spectrum_update")
    return {LessonPlotKind::spectrum_update, "Update spectrum, latest (log y)", {}, true, false};
  if (view == "spectrum_momentum")
    return {LessonPlotKind::spectrum_momentum, "Momentum spectrum, latest (log y)", {}, true, false};
  if (view == "energy_fraction")
    return {LessonPlotKind::energy_fraction, "Energy the rank-r sketch keeps", {}, false, false};
  if (view == "grad_norm")
    return {LessonPlotKind::metrics, "Gradient norm (AdamW group lighter)",
            {"grad_norm/matrices", "grad_norm/others"}, true, true};
  if (view == "update_norm") return {LessonPlotKind::metrics, "Update norm", {"update_norm"}, true, true};
  if (view == "lr") return {LessonPlotKind::metrics, "Learning rate", {"lr"}, true, false};
  if (view == "step_ms")
    return {LessonPlotKind::metrics, "Step time (ms; waiting for a core lighter)", {"step_ms", "cpu_wait_ms"}, false,
            true};
  if (view == "state_bytes") return {LessonPlotKind::metrics, "Optimizer state (bytes)", {"state_bytes"}, false, false};
  if (view == "rss_bytes") return {LessonPlotKind::metrics, "Resident memory (bytes)", {"rss_bytes"}, false, false};
  return {LessonPlotKind::metrics, "", {}, false, false};
}

}  // namespace

std::vector<LessonPlot> lesson_plots(const std::vector<std::string>& views) {
  std::vector<LessonPlot> plots;
  const bool train = contains(views, "train_loss"), val = contains(views, "val_loss");
  bool loss_placed = false;
  for (const auto& view : views) {
    if (view == "train_loss" || view == "val_loss") {
      if (loss_placed) continue;
      loss_placed = true;
      LessonPlot loss{LessonPlotKind::metrics, "", {}, true, true};
      if (train) loss.metrics.push_back("train_loss");
      if (val) loss.metrics.push_back("val_loss");
      loss.title = train && val ? "Loss (train line, validation dots)" : train ? "Training loss" : "Validation loss";
      plots.push_back(std::move(loss));
      continue;
    }
    LessonPlot plot = plot_of(view);
    if (!plot.title.empty()) plots.push_back(std::move(plot));
  }
  return plots;
}

XUnit lesson_x_unit(const std::string& name) {
  if (name == "grad_evals") return XUnit::grad_evals;
  if (name == "samples") return XUnit::samples;
  if (name == "wall_time") return XUnit::wall_time;
  return XUnit::step;
}

bool lesson_has_control(const train::Lesson& lesson, const std::string& control) {
  return contains(lesson.controls, control);
}

std::vector<std::string> lesson_setting_controls(const train::Lesson& lesson) {
  std::vector<std::string> out;
  for (const auto& c : lesson.controls)
    if (train::find_setting(c) != nullptr) out.push_back(c);
  return out;
}

std::string preset_values(const train::Lesson& lesson, const std::string& setting) {
  const train::Setting* s = train::find_setting(setting);
  if (s == nullptr) return "";
  std::vector<std::string> values;
  for (const auto& p : lesson.presets) {
    if ((s->used_by & train::optimizer_bit(p.config.optimizer)) == 0) continue;
    const std::string v = s->value(p.config);
    if (!contains(values, v)) values.push_back(v);
  }
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

LessonRuns lesson_runs(const train::Lesson& lesson, const std::map<std::string, std::string>& changes) {
  LessonRuns runs;
  for (const auto& p : lesson.presets) runs.configs.push_back(p.config);
  std::vector<std::string> suffixes(runs.configs.size());
  for (const auto& [name, text] : changes) {
    if (text.empty()) continue;
    const train::Setting* s = train::find_setting(name);
    if (s == nullptr) {
      runs.errors[name] = name + " is not a run setting";
      continue;
    }
    // Checked on copies first: a value refused for one preset changes none of them.
    std::vector<train::RunConfig> changed = runs.configs;
    try {
      for (size_t i = 0; i < changed.size(); ++i) {
        if ((s->used_by & train::optimizer_bit(changed[i].optimizer)) == 0) continue;
        const std::string where = "preset '" + lesson.presets[i].name + "'";
        s->set(changed[i], text, where);
        try {
          changed[i].validate();
        } catch (const train::ConfigError& e) {
          throw train::ConfigError(where + ": " + e.what());
        }
      }
    } catch (const std::exception& e) {
      runs.errors[name] = e.what();
      continue;
    }
    for (size_t i = 0; i < changed.size(); ++i) {
      if ((s->used_by & train::optimizer_bit(changed[i].optimizer)) == 0) continue;
      suffixes[i] += (suffixes[i].empty() ? "" : ", ") + name + "=" + s->value(changed[i]);
    }
    runs.configs = std::move(changed);
  }
  for (size_t i = 0; i < runs.configs.size(); ++i)
    runs.configs[i].name = lesson.presets[i].name + (suffixes[i].empty() ? "" : " (" + suffixes[i] + ")");
  return runs;
}

int lesson_jobs(size_t presets) { return static_cast<int>(std::clamp<size_t>(presets, 1, 4)); }

float presenter_font_px(float window_height) { return std::clamp(window_height / 40.0f, 20.0f, 40.0f); }

std::vector<LessonEntry> read_lesson_list(const std::string& folder) {
  std::vector<LessonEntry> entries;
  for (const auto& path : train::lesson_files(folder)) {
    LessonEntry e;
    e.path = path;
    e.stem = std::filesystem::path(path).stem().string();
    try {
      const train::Lesson lesson = train::load_lesson(path);
      e.title = lesson.title;
      e.summary = lesson.summary;
    } catch (const std::exception& ex) {  // a broken lesson is listed with its reason, not dropped
      e.error = ex.what();
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

bool valid_lesson_stem(const std::string& stem) {
  return !stem.empty() && stem != "." && stem != ".." && stem.find('/') == std::string::npos &&
         stem.find('\\') == std::string::npos;
}

}  // namespace limuon::gui
