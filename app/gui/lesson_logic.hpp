// The classroom's rules that need no window: which plots a lesson's views make, what a class's changes
// to a setting do to the presets, how many presets run at once, the presenter's font size, and the list
// of lessons (read by a worker). Tested in tests/gui/test_classroom.cpp.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "gui/run_data.hpp"
#include "limuon/train/lesson.hpp"

namespace limuon::gui {

// [SECTION] views

enum class LessonPlotKind { metrics, spectrum_update, spectrum_momentum, energy_fraction };

struct LessonPlot {
  LessonPlotKind kind = LessonPlotKind::metrics;
  std::string title;
  std::vector<std::string> metrics;  // RunData metric names (kind == metrics), one line per run each
  bool log_y = false;
  bool smooth = false;  // noisy per-step series get the EMA; sparse or exact ones do not
};

// The plots of a lesson's views, in the file's order. train_loss and val_loss share one plot (where the
// first of them is listed), as in the Training curves tab; an unknown view is skipped.
std::vector<LessonPlot> lesson_plots(const std::vector<std::string>& views);

// The x unit a lesson names ("grad_evals"); step for anything else.
XUnit lesson_x_unit(const std::string& name);

// [SECTION] controls and runs

bool lesson_has_control(const train::Lesson& lesson, const std::string& control);
// The run settings among the lesson's controls (beta, seed), in the file's order.
std::vector<std::string> lesson_setting_controls(const train::Lesson& lesson);
// The distinct values the presets that read `setting` have, in preset order: "0.05, 0.5, 0.9".
std::string preset_values(const train::Lesson& lesson, const std::string& setting);

// The presets as they will run. A change (setting -> text; empty text: each preset keeps its own value)
// applies to every preset whose optimizer reads that setting, and the run's name says so
// ("beta 0.05 (beta=0.7)"). A value the engine refuses leaves the presets as they were and puts the
// engine's message under the setting's name in `errors`.
struct LessonRuns {
  std::vector<train::RunConfig> configs;  // one per preset, in order
  std::map<std::string, std::string> errors;
};
LessonRuns lesson_runs(const train::Lesson& lesson, const std::map<std::string, std::string>& changes);

// How many presets train at once: all of them, at most 4 (a class's two cores share them), at least 1.
int lesson_jobs(size_t presets);

// [SECTION] presenter

// Presenter text size in pixels, from the window's height: height / 40, within [20, 40].
float presenter_font_px(float window_height);

// [SECTION] the lesson list

struct LessonEntry {
  std::string path, stem;  // stem: the file name without .toml ("storm_beta")
  std::string title, summary;
  std::string error;  // why it does not open; the title is empty then
};

// Every lesson of `folder`, sorted by file name, each parsed for its title (or its error). Reads files:
// call it on a worker.
std::vector<LessonEntry> read_lesson_list(const std::string& folder);

// A stem a user or a script may name: not empty, no path separators, not "." or "..".
bool valid_lesson_stem(const std::string& stem);

}  // namespace limuon::gui
