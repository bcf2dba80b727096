// What classroom mode keeps between frames: the presenter switch, the lessons found, the open lesson
// and how far the class got with it (drawn by classroom_panel.cpp and classroom_views.cpp). Lesson files
// are read by the state's own worker; the GUI thread takes its results and never waits for it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gui/app_settings.hpp"
#include "gui/job_thread.hpp"
#include "gui/lesson_logic.hpp"
#include "gui/plot_widget.hpp"
#include "gui/run_data.hpp"
#include "limuon/train/lesson.hpp"

namespace limuon::gui {

// What the worker read, handed to the GUI thread under ClassroomState::mutex.
struct LessonLoad {
  int serial = 0;  // answers an older request when it is not the latest
  std::string stem;
  std::optional<train::Lesson> lesson;
  std::string error;
};

struct LessonList {
  std::string folder;  // lessons_dir(), as the worker found it
  std::vector<LessonEntry> entries;
};

struct ClassroomState {
  bool presenter = false;
  float font_rebuild = 0;  // a font size the window loop must rebuild the fonts at; 0: none pending
  float font_px = 0;       // the size the fonts were last rebuilt at (0: never, the startup size)

  // The lessons of lessons_dir(), by file name.
  LessonList list;
  bool list_requested = false, list_ready = false;

  // The open lesson, once read; `loading` names the one asked for and not read yet.
  std::optional<train::Lesson> lesson;
  std::string stem, loading;
  int load_serial = 0;
  bool load_failed = false;  // the last lesson asked for did not open (the one before stays open)
  std::vector<LessonPlot> plots;         // its views
  std::vector<std::string> paragraphs;  // its explanation as the panel shows it

  // The class's changes to run settings (setting -> text; empty: each preset's own value) and the
  // presets as they would run with them.
  std::map<std::string, std::string> changes;
  LessonRuns runs;
  float speed = 0;  // steps/s per run; 0: no limit

  // The runs of the last play. QueueStatus::queues_ended counts queues: while it equals `generation`
  // the queue is the one this lesson started. -1: nothing played since the lesson opened.
  int64_t generation = -1;
  std::vector<int64_t> run_ids;  // per preset, once the queue has created them
  bool restart_after_stop = false;  // reset pressed: play again once the stopped runs are saved

  // The lesson's plots: one x axis for the metric plots, a state per plot, the matrix of the spectra.
  SharedX shared_x;
  std::vector<PlotState> plot_states;
  XUnit built_unit = XUnit::step;
  std::string spectrum_param;

  // Worker results, taken by the GUI thread.
  std::mutex mutex;
  std::optional<LessonList> list_result;
  std::optional<LessonLoad> load_result;

  // Runs `job` on the worker (started on first use); `wake` is called after each job.
  void post(std::function<void()> job, std::function<void()> wake) {
    if (!worker) worker = std::make_unique<JobThread>(JobThread::AtExit::drop_queued, std::move(wake));
    worker->post(std::move(job));
  }
  // Last: destroyed first, so the worker is joined while everything it writes to still exists.
  std::unique_ptr<JobThread> worker;
};

// The plots of the open lesson's views for its runs (classroom_views.cpp); `runs` are the lesson's runs
// on screen, in preset order. Plot menus' "Save as PNG" / "Save data as CSV" go through the hooks.
struct LessonViewHooks {
  std::function<void(const std::string& title, ImVec2 min, ImVec2 max)> save_png;
  std::function<void(const std::string& title, const std::vector<PlotSeries>& series)> save_csv;
};
void draw_lesson_views(ClassroomState& c, const std::vector<const RunData*>& runs, const AppSettings& settings,
                       const LessonViewHooks& hooks);

}  // namespace limuon::gui
