// The window's state and its panels. One App lives on the GUI thread; it only renders and drains
// queues: training runs on the LiveSession's worker, database reads on the StoreReader's, file exports
// on the Exporter's. Each panel is its own file (run_panel.cpp, plots_panel.cpp, spectra_panel.cpp,
// runs_panel.cpp); app.cpp holds the frame and the data flow.
#pragma once

#include <imgui.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gui/app_settings.hpp"
#include "gui/exporter.hpp"
#include "gui/heatmap.hpp"
#include "gui/classroom.hpp"
#include "gui/live_session.hpp"
#include "gui/queue_session.hpp"
#include "gui/sweep_panel_state.hpp"
#include "gui/plot_widget.hpp"
#include "gui/run_data.hpp"
#include "gui/store_reader.hpp"

namespace limuon::gui {

enum class Tab { curves, spectra, sweeps, lesson };

// A request, from a panel or the demo script, that needs the framebuffer after the frame is drawn.
struct PixelRequest {
  std::string path;
  ImVec2 min{0, 0}, max{0, 0};  // in window coordinates; max.x <= min.x: the whole window
  int frames_to_wait = 1;
};

class App {
 public:
  App(AppSettings settings, std::string settings_path, std::string startup_message);
  ~App();

  // One frame: take new data, then draw every panel. Returns true when the next frame is needed at once
  // (a plot's PNG waits for a frame without the menu it was asked from).
  bool frame();
  std::vector<PixelRequest> take_pixel_requests();
  void save_png(std::string path, int width, int height, std::vector<uint8_t> rgba_bottom_up) {
    exporter_.write_png(std::move(path), width, height, std::move(rgba_bottom_up));
  }
  void wake();  // from any thread: new data waits; the loop draws it soon
  bool take_data_pending() { return data_pending_.exchange(false); }
  void save_settings();
  // Window geometry for the settings file.
  void set_window_size(int width, int height);

  // What the demo script and the benchmark drive.
  AppSettings& settings() { return settings_; }
  LiveSession& session() { return session_; }
  QueueSession& queue() { return queue_; }
  // Sweeps (sweep_panel.cpp): the designer's spec, started as `limuon-lab sweep` would run it.
  bool start_sweep();
  // Reads a sweep file into the designer and starts it (the demo script's `sweep`); false and a message
  // when the file is refused.
  bool open_and_start_sweep(const std::string& path);
  SweepPanelState& sweep_panel() { return sweep_; }
  // Classroom mode (classroom_panel.cpp): open a lesson by its file name without .toml ("storm_beta"),
  // play it (its presets side by side), and the presenter switch (large fonts, thick lines, high contrast).
  bool open_lesson(const std::string& stem);
  bool lesson_loaded() const;
  bool play_lesson();
  void set_presenter(bool on);
  bool presenter() const { return classroom_.presenter; }
  // The window loop asks before each frame: a font size to rebuild the fonts at (presenter mode), else 0.
  float take_font_rebuild();
  StoreReader& reader() { return reader_; }
  bool start_run();  // false (and a message saying why) when the settings or the state forbid it
  // A new run with a stored run's settings (the run panel takes them too).
  bool rerun(const train::RunConfig& config);
  // Opens the fork dialog for a stored run, as its row's "Fork..." does.
  void open_fork(int64_t parent_id);
  // Starts a branch as the fork dialog's button does, with these settings changed (the demo script's fork).
  bool fork_run(int64_t parent_id, int64_t step, const std::vector<std::pair<std::string, std::string>>& changes);
  void set_filter_text(const std::string& text) {
    filter_text_ = run_query_.filter.text = text;
    refresh_list();
  }
  size_t listed_runs() const { return run_list_.rows.size(); }
  RunQuery& run_query() { return run_query_; }
  // Loads its stored points first, then trains on; false (and a message) when it cannot now.
  bool resume_stored_run(int64_t run_id);
  void select_tab(Tab tab) {
    requested_tab_ = tab;
    tab_requested_ = true;
  }
  void request_pixels(PixelRequest request) { pixel_requests_.push_back(std::move(request)); }
  // As if the user chose "Save as PNG" and "Save data as CSV" in plot `index`'s menu (0: the loss).
  void request_plot_export(int index) { plot_export_requested_ = index; }
  bool exports_done() const { return plot_export_requested_ < 0 && pixel_requests_.empty() && exporter_.idle(); }
  void post_message(const std::string& message, bool error = false);
  bool loading() const { return reader_.busy(); }
  bool has_message_containing(const std::string& text) const;
  bool lists_run(int64_t run_id) const {
    for (const auto& row : run_list_.rows)
      if (row.record.id == run_id) return true;
    return false;
  }
  size_t run_count() const { return runs_.size(); }

 private:
  void take_new_data();
  void draw_top_bar();
  void draw_run_panel();
  void draw_run_settings();
  void draw_run_controls();
  void draw_run_status();
  void draw_curves();
  void draw_spectra();
  void draw_runs_table();
  void draw_sweeps();     // sweep_panel.cpp
  void draw_sweep_results();  // sweep_results_panel.cpp
  void take_sweep_file(const LoadedSweep& loaded);
  void take_sweep_results(SweepResults results);
  void draw_classroom();  // classroom_panel.cpp
  void take_queue_data();
  // The classroom's per-frame work, whichever tab is open: a lesson the worker read, a reset's restart.
  void tick_classroom();
  void draw_runs_filters();
  void draw_run_row_menu(const RunRow& row);
  void draw_run_popups();
  void refresh_list();  // the browser's list again, with its filter and sort
  bool start_fork();
  void draw_status_bar();
  void draw_legend();

  RunData* find_run(int64_t run_id);
  RunData* live_run();
  void set_overlay(int64_t run_id, bool shown);
  void rebuild_series();
  void open_database(const std::string& path);
  void export_plot_csv(const std::string& title, const std::vector<PlotSeries>& series);
  std::string export_path(const std::string& stem, const char* extension) const;
  void validate_run_settings();

  AppSettings settings_;
  std::string settings_path_;
  std::atomic<bool> data_pending_{true};  // before the workers: they set it until they are joined
  LiveSession session_;
  QueueSession queue_;
  StoreReader reader_;
  Exporter exporter_;

  // Runs on screen: the live one and the ones ticked in the runs table, by run id (0: synthetic).
  std::vector<std::unique_ptr<RunData>> runs_;
  int64_t live_run_id_ = 0;
  int64_t runs_ended_seen_ = 0;  // LiveStatus::runs_ended when this frame last looked
  int64_t resume_after_load_ = 0;  // a run to resume once its stored points are loaded
  RunList run_list_;
  // The runs browser: its query, and the text of the filter fields it was built from.
  RunQuery run_query_;
  std::string filter_text_, filter_settings_, filter_error_;
  int filter_status_ = 0, filter_optimizer_ = 0;  // 0: all
  // The row actions' popups: rename / note (edit_kind_ 1 / 2), delete, fork. 0: none open.
  int64_t edit_run_ = 0, delete_run_ = 0, fork_parent_ = 0;
  int edit_kind_ = 0;
  std::string edit_text_;
  std::vector<int64_t> fork_steps_;  // the parent's kept checkpoints (read by the reader)
  int fork_step_index_ = -1;
  bool fork_steps_read_ = false;
  train::RunConfig fork_config_;
  std::string fork_checked_json_, fork_problem_;  // the settings last validated, and the verdict
  std::map<int64_t, bool> overlay_wanted_;  // ticked in the table (loads may still be on their way)

  // Plots: one shared x axis, one state per plot.
  SharedX shared_x_;
  std::vector<PlotState> plot_states_;
  XUnit built_unit_ = XUnit::step;
  double built_smoothing_ = 0.6;
  int applied_log_y_ = -1;  // the log-y choice last applied to every plot
  int plot_export_requested_ = -1;

  std::set<int64_t> queue_live_ids_;  // runs a sweep or lesson is training now (driven by queue_)
  int64_t queues_ended_seen_ = 0;  // QueueStatus::queues_ended when a frame last looked
  SweepPanelState sweep_;
  ClassroomState classroom_;

  // Spectra panel choices.
  int64_t spectra_run_ = -1;  // -1: the live run
  std::string spectra_param_;
  int spectra_kind_ = 0;  // 0 update, 1 momentum
  HeatmapTexture heatmap_;

  // Run panel: the text in each field and its error (settings whose text did not parse).
  std::map<std::string, std::string> field_text_;
  std::map<std::string, std::string> field_error_;
  std::string config_error_;  // RunConfig::validate() on the whole config
  double live_lr_ = 0;
  std::string pasted_config_;
  std::string db_field_;

  Tab current_tab_ = Tab::curves;
  Tab requested_tab_ = Tab::curves;
  bool tab_requested_ = false;
  std::vector<PixelRequest> pixel_requests_;
  std::deque<std::pair<std::string, bool>> messages_;  // newest last; bool: an error
  double message_time_ = 0;
  bool dirty_ = true;
};

}  // namespace limuon::gui
