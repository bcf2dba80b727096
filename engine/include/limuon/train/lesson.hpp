// A classroom lesson: a short explanation, the plots and controls a class sees, and a few runs to start
// side by side. Lessons are TOML files a teacher writes (assets/lessons/README.md describes the format):
//
//   [lesson]
//   title = "What orthogonalising does"       # required
//   summary = "AdamW against Muon"            # one line, for the lesson list
//   explanation = """                          # blank line = new paragraph, "- " = a bullet
//   ..."""
//   x = "step"                                 # step, grad_evals, samples, wall_time
//   views = ["train_loss", "spectrum_update"]  # see lesson_views()
//   controls = ["play", "pause", "lr"]         # see lesson_controls(), plus any run setting
//   speed = 0                                  # steps/s limit to start with; 0 = as fast as it goes
//   [base]                                     # run settings every preset starts from
//   steps = 100
//   [[preset]]                                 # 1 to 6 runs
//   name = "Muon"                              # required, unique
//   explanation = "One sentence for the legend."
//   optimizer = "muon"                         # any run setting, over [base]
//
// Every error is a ConfigError naming the file, the line and the key.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "limuon/train/run_config.hpp"

namespace limuon::train {

struct LessonPreset {
  std::string name;         // also config.name, so the run is listed under it
  std::string explanation;  // shown next to its legend entry
  RunConfig config;         // [base], then the preset's own settings; validated
};

struct Lesson {
  std::string title, summary, explanation;
  std::string x_unit = "step";  // one of lesson_x_units()
  std::vector<std::string> views{"train_loss", "val_loss"};  // lesson_views(), in the file's order
  std::vector<std::string> controls{"play", "pause", "step", "reset", "speed"};
  double speed = 0;  // steps/s limit to start with; 0 = none
  RunConfig base;    // [base] alone (each value range-checked; a preset's config is what runs)
  std::vector<LessonPreset> presets;
  std::string source;  // where it came from: the file's path, or parse_lesson's origin
};

constexpr size_t kMaxLessonPresets = 6;  // more runs than fit a class's two cores and one legend

// The fixed vocabularies. Views: train_loss, val_loss, grad_norm, update_norm, lr, step_ms, state_bytes,
// rss_bytes, spectrum_update, spectrum_momentum, energy_fraction. Controls: play, pause, step, reset,
// speed, x_axis (the class may switch the x axis), and every name in RunConfig::keys() (a run setting the
// class may change). X units: step, grad_evals, samples, wall_time.
const std::vector<std::string>& lesson_views();
const std::vector<std::string>& lesson_controls();
const std::vector<std::string>& lesson_x_units();

// Parses a lesson; `origin` names it in errors ("lessons/x.toml line 12: preset 'rank 1': rank = -1 must
// be >= 0"). Throws ConfigError.
Lesson parse_lesson(const std::string& text, const std::string& origin);
Lesson load_lesson(const std::string& path);  // ConfigError "path: file not found" when it is missing

// The *.toml files of `folder`, full paths, sorted by name; empty when the folder does not exist.
std::vector<std::string> lesson_files(const std::string& folder);
// Where the lessons are: $LIMUON_LESSONS_DIR when set, else the installed <exe>/../share/limuon-lab/lessons
// when it exists, else the source tree's assets/lessons.
std::string lessons_dir();

// An explanation as the panel shows it: paragraphs split at blank lines, the lines of a paragraph joined
// with spaces (so a teacher can wrap lines in the file), and a line starting with "- " a bullet of its own.
std::vector<std::string> lesson_paragraphs(const std::string& text);

}  // namespace limuon::train
