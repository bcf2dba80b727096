#include "cli/default_job.hpp"
#include "gui/app.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "gui/plot/colours.hpp"
#include "limuon/train/settings.hpp"

// [SECTION] construction and settings
// [SECTION] data flow: live session, store reader, exports
// [SECTION] the frame: layout of the panels
// [SECTION] messages

namespace limuon::gui {

namespace {

double now_s() { return ImGui::GetTime(); }

}  // namespace

App::App(AppSettings settings, std::string settings_path, std::string startup_message)
    : settings_(std::move(settings)),
      settings_path_(std::move(settings_path)),
      session_([this] { wake(); }),
      queue_([this] { wake(); }),
      reader_([this] { wake(); }),
      exporter_([this] { wake(); }) {
  if (settings_.db_path.empty()) settings_.db_path = cli::default_app_db();
  db_field_ = settings_.db_path;
  shared_x_.axis.scale = settings_.log_x ? plot::Scale::log10 : plot::Scale::linear;
  built_unit_ = settings_.x_unit;
  built_smoothing_ = settings_.smoothing;
  validate_run_settings();
  if (!startup_message.empty()) post_message(startup_message, true);
  open_database(settings_.db_path);
}

App::~App() {
  save_settings();
  session_.shutdown();  // the workers call wake() until they end: end them while every member is alive
  queue_.shutdown();
}

void App::wake() {
  data_pending_ = true;
  glfwPostEmptyEvent();  // thread-safe in GLFW: ends glfwWaitEvents*
}

void App::set_window_size(int width, int height) {
  settings_.window_width = width;
  settings_.window_height = height;
}

void App::save_settings() {
  std::string message;
  if (!settings_path_.empty() && !save_app_settings(settings_, settings_path_, message)) post_message(message, true);
}

// [SECTION] data flow

RunData* App::find_run(int64_t run_id) {
  for (auto& r : runs_)
    if (r->run_id == run_id) return r.get();
  return nullptr;
}

RunData* App::live_run() { return live_run_id_ > 0 ? find_run(live_run_id_) : nullptr; }

bool App::start_run() {
  validate_run_settings();
  std::string refused = !field_error_.empty() ? field_error_.begin()->second : config_error_;
  if (refused.empty() && session_.status().active) refused = "a run is active: stop it first";
  // Settings the optimizer does not read are hidden in the panel and keep their values for when the
  // user switches back; the run gets them at their defaults, as the engine requires.
  const train::RunConfig config = train::without_ignored_settings(settings_.run);
  if (refused.empty() && !session_.start(config, settings_.db_path)) refused = "the last run is still saving";
  if (!refused.empty()) {
    post_message("cannot start: " + refused, true);
    return false;
  }
  live_run_id_ = 0;
  // The settings file is rewritten on the exporter's thread: no frame waits for the disk.
  exporter_.write([settings = settings_, path = settings_path_] {
    std::string message;
    if (!path.empty() && !save_app_settings(settings, path, message)) return ExportMessage{message, true};
    return ExportMessage{};
  });
  post_message("starting " + train::settings_name(config));
  return true;
}

bool App::rerun(const train::RunConfig& config) {
  settings_.run = config;
  settings_.run.name.clear();
  field_text_.clear();  // the panel shows the run's settings
  return start_run();
}

void App::refresh_list() { reader_.request_list(settings_.db_path, run_query_); }

bool App::resume_stored_run(int64_t run_id) {
  if (session_.status().active || resume_after_load_ != 0) {
    post_message("cannot resume run " + std::to_string(run_id) + ": another run is active or being resumed", true);
    return false;
  }
  overlay_wanted_[run_id] = true;
  if (RunData* r = find_run(run_id)) {
    r->visible = true;
    if (!session_.resume_stored(run_id, settings_.db_path)) {
      post_message("cannot resume run " + std::to_string(run_id) + ": the last run is still saving", true);
      return false;
    }
    post_message("resuming run " + std::to_string(run_id));
    return true;
  }
  // Its stored points go on screen first, so the new ones continue the same curves.
  resume_after_load_ = run_id;
  reader_.request_run(settings_.db_path, run_id, settings_.x_unit, settings_.smoothing);
  return true;
}

void App::take_queue_data() {
  queue_.join_if_done();
  const QueueStatus status = queue_.status();
  bool listed_new_runs = false;
  queue_live_ids_.clear();
  for (const auto& r : status.runs) {
    if (r.run_id <= 0 || r.state == train::RunState::created) continue;  // not started yet: nothing to show
    RunData* run = find_run(r.run_id);
    if (run == nullptr) {
      auto made = std::make_unique<RunData>();
      made->run_id = r.run_id;
      made->name = r.name;
      made->config = r.config;
      made->colour = static_cast<int>(r.run_id);
      run = made.get();
      runs_.push_back(std::move(made));
      overlay_wanted_[r.run_id] = true;
      listed_new_runs = true;
    }
    run->status = train::to_string(r.state);
    run->live = status.active && !train::Trainer::is_end_state(r.state);
    if (run->live) queue_live_ids_.insert(r.run_id);
  }
  if (listed_new_runs) refresh_list();  // the runs browser lists a sweep's runs as they start
  for (auto& [run_id, events] : queue_.take_events()) {
    RunData* run = find_run(run_id);
    if (run == nullptr) continue;  // unticked meanwhile
    for (const auto& p : events.metrics) run->add(p, settings_.x_unit, settings_.smoothing);
    for (const auto& s : events.spectra) run->add(s);
    if (!events.empty()) dirty_ = true;
  }
  if (status.sweep_id > 0 && status.sweep_id != sweep_.results_sweep_id) {  // the results tab follows the sweep
    sweep_.results_sweep_id = status.sweep_id;
    sweep_.results_requested = false;
  }
  if (status.queues_ended != queues_ended_seen_ && !status.active) {
    queues_ended_seen_ = status.queues_ended;
    refresh_list();
    sweep_.samples_requested = false;  // the new runs' step times refine the next estimate
    sweep_.results_requested = false;  // and the results are final now
  }
  for (auto& m : queue_.take_messages()) post_message(m.text, m.error);
}

void App::take_new_data() {
  take_queue_data();
  tick_classroom();
  session_.join_if_done();
  const LiveStatus status = session_.status();
  // The live run gets its RunData as soon as the store has given it an id.
  if (status.run_id > 0 && status.run_id != live_run_id_) {
    live_run_id_ = status.run_id;
    if (!find_run(live_run_id_)) {
      auto run = std::make_unique<RunData>();
      run->run_id = live_run_id_;
      run->name = status.name;
      run->config = session_.config();
      run->colour = static_cast<int>(live_run_id_);
      runs_.push_back(std::move(run));
    }
    overlay_wanted_[live_run_id_] = true;
    refresh_list();
    const train::RunConfig live_config = session_.config();
    live_lr_ = live_config.optimizer == "adamw" ? live_config.adamw_lr : live_config.lr;  // what set_lr changes
  }
  for (auto& r : runs_)  // an earlier live run is done; a sweep's or lesson's runs keep the queue's word
    r->live = (r->run_id == live_run_id_ && status.active) || queue_live_ids_.count(r->run_id) > 0;
  if (RunData* live = live_run()) {
    live->status = train::to_string(status.state);
    train::TrainerEvents events = session_.take_events();
    for (const auto& p : events.metrics) live->add(p, settings_.x_unit, settings_.smoothing);
    for (const auto& s : events.spectra) live->add(s);
    if (!events.empty()) dirty_ = true;
  }
  if (status.runs_ended != runs_ended_seen_ && !status.active) {  // the run ended: its final row in the table
    refresh_list();
    const std::string how = train::to_string(status.state);
    post_message("run " + std::to_string(status.run_id) + " " + how + (status.error.empty() ? "" : ": " + status.error),
                 status.state == train::RunState::failed || status.state == train::RunState::diverged);
  }
  if (!status.active) runs_ended_seen_ = status.runs_ended;
  for (auto& m : session_.take_messages()) post_message(m, true);

  for (auto& list : reader_.take_lists()) {
    if (list.db_path != settings_.db_path) continue;  // an answer for a database no longer open
    if (!list.error.empty()) post_message(list.error, true);
    run_list_ = std::move(list);
    dirty_ = true;
  }
  for (auto& apply : reader_.take_computed()) {
    apply();
    dirty_ = true;
  }
  for (auto& loaded : reader_.take_sweep_files()) take_sweep_file(loaded);
  for (auto& results : reader_.take_sweep_results()) take_sweep_results(std::move(results));
  for (auto& times : reader_.take_step_times()) {
    if (times.db_path != settings_.db_path) continue;
    sweep_.samples = std::move(times.samples);
    dirty_ = true;
  }
  for (auto& edit : reader_.take_edits()) {
    post_message(edit.message, edit.error);
    refresh_list();
  }
  for (auto& found : reader_.take_fork_steps()) {
    if (found.run_id != fork_parent_) continue;
    fork_steps_ = std::move(found.steps);
    fork_step_index_ = fork_steps_.empty() ? -1 : static_cast<int>(fork_steps_.size()) - 1;
    fork_steps_read_ = true;
    dirty_ = true;
  }
  for (auto& loaded : reader_.take_runs()) {
    if (!loaded.run) {
      post_message(loaded.error, true);
      resume_after_load_ = 0;  // a run that cannot be loaded is not resumed either
      continue;
    }
    if (loaded.run->run_id != 0 && (loaded.db_path != settings_.db_path || !overlay_wanted_[loaded.run->run_id]))
      continue;  // unticked (or another database) while it loaded
    if (loaded.run->run_id != 0 && find_run(loaded.run->run_id)) continue;  // it is live meanwhile
    loaded.run->colour = loaded.run->run_id != 0 ? static_cast<int>(loaded.run->run_id) : 0;
    // The loader built the series for the unit and smoothing of its request; they may have changed since.
    if (loaded.unit != settings_.x_unit || loaded.smoothing != settings_.smoothing)
      loaded.run->rebuild(settings_.x_unit, settings_.smoothing);
    const int64_t id = loaded.run->run_id;
    runs_.push_back(std::move(loaded.run));
    dirty_ = true;
    if (id != 0 && id == resume_after_load_) {
      resume_after_load_ = 0;
      if (session_.resume_stored(id, settings_.db_path)) post_message("resuming run " + std::to_string(id));
      else post_message("cannot resume run " + std::to_string(id) + ": a run is active", true);
    }
  }
  for (auto& m : exporter_.take_messages()) post_message(m.text, m.error);
}

void App::set_overlay(int64_t run_id, bool shown) {
  overlay_wanted_[run_id] = shown;
  if (shown) {
    if (RunData* r = find_run(run_id)) r->visible = true;
    else reader_.request_run(settings_.db_path, run_id, settings_.x_unit, settings_.smoothing);
    return;
  }
  if (run_id == live_run_id_) {  // the live run stays (it is still being fed); it is only hidden
    if (RunData* r = find_run(run_id)) r->visible = false;
    return;
  }
  runs_.erase(std::remove_if(runs_.begin(), runs_.end(), [&](const auto& r) { return r->run_id == run_id; }), runs_.end());
}

void App::rebuild_series() {
  if (built_unit_ == settings_.x_unit && built_smoothing_ == settings_.smoothing) return;
  for (auto& r : runs_) r->rebuild(settings_.x_unit, settings_.smoothing);
  if (built_unit_ != settings_.x_unit) shared_x_.auto_fit = true;
  built_unit_ = settings_.x_unit;
  built_smoothing_ = settings_.smoothing;
}

void App::open_database(const std::string& path) {
  if (path.empty()) return;
  if (path != settings_.db_path) {
    // Run ids start at 1 in every database: the runs on screen must all come from the open one.
    if (session_.status().active || resume_after_load_ != 0) {
      post_message("stop the live run before opening another database", true);
      db_field_ = settings_.db_path;
      return;
    }
    runs_.erase(std::remove_if(runs_.begin(), runs_.end(), [](const auto& r) { return r->run_id != 0; }), runs_.end());
    overlay_wanted_.clear();
    live_run_id_ = 0;
  }
  settings_.db_path = path;
  db_field_ = path;
  sweep_.samples_requested = false;
  if (sweep_.results_db != path) sweep_.results_sweep_id = 0;
  run_list_ = RunList{};
  run_list_.db_path = path;
  refresh_list();
}

std::string App::export_path(const std::string& stem, const char* extension) const {
  std::string clean;
  for (char c : stem) clean += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  const std::time_t t = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  return settings_.db_path + ".exports/" + clean + "-" + stamp + extension;
}

void App::export_plot_csv(const std::string& title, const std::vector<PlotSeries>& series) {
  std::vector<std::string> lines{"series,x_" + std::string(to_string(settings_.x_unit)) + ",value,smoothed"};
  for (const auto& ps : series) {
    if (!ps.raw) continue;
    for (size_t i = 0; i < ps.raw->size(); ++i) {
      const double smooth = ps.smoothed && i < ps.smoothed->size() ? ps.smoothed->ys()[i] : ps.raw->ys()[i];
      lines.push_back("\"" + ps.label + "\"," + train::format_number(ps.raw->xs()[i]) + "," +
                      train::format_number(ps.raw->ys()[i]) + "," + train::format_number(smooth));
    }
  }
  exporter_.write_text(export_path(title, ".csv"), std::move(lines));
}

std::vector<PixelRequest> App::take_pixel_requests() {
  // A request waits one frame: the frame it was made in still shows the menu it was made from.
  std::vector<PixelRequest> ready, waiting;
  for (auto& r : pixel_requests_) (r.frames_to_wait-- > 0 ? waiting : ready).push_back(std::move(r));
  pixel_requests_ = std::move(waiting);
  return ready;
}

// [SECTION] the frame

bool App::frame() {
  dirty_ = false;
  take_new_data();
  rebuild_series();
  shared_x_.begin_frame();

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  const ImGuiWindowFlags main_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {8, 6});
  ImGui::Begin("LiMuon Lab##main", nullptr, main_flags);
  ImGui::PopStyleVar();
  draw_top_bar();

  // A presenter showing a lesson gets the whole window for it: only the controls the lesson needs.
  const bool lesson_only = classroom_.presenter && current_tab_ == Tab::lesson;
  const float status_height = ImGui::GetFrameHeightWithSpacing();
  const float runs_height = lesson_only ? 0 : std::clamp(ImGui::GetContentRegionAvail().y * 0.24f, 150.0f, 320.0f);
  const float body_height = ImGui::GetContentRegionAvail().y - runs_height - status_height;
  if (!lesson_only) {
    ImGui::BeginChild("##run_panel", {340, body_height}, true);
    draw_run_panel();
    ImGui::EndChild();
    ImGui::SameLine();
  }
  ImGui::BeginChild("##views", {0, body_height}, false);
  if (ImGui::BeginTabBar("##view_tabs")) {
    const auto tab = [&](const char* label, Tab which) {
      const ImGuiTabItemFlags flags = tab_requested_ && requested_tab_ == which ? ImGuiTabItemFlags_SetSelected : 0;
      const bool open = ImGui::BeginTabItem(label, nullptr, flags);
      if (open) current_tab_ = which;
      return open;
    };
    if (tab("Training curves", Tab::curves)) {
      draw_curves();
      ImGui::EndTabItem();
    }
    if (tab("Spectra", Tab::spectra)) {
      draw_spectra();
      ImGui::EndTabItem();
    }
    if (tab("Sweeps", Tab::sweeps)) {
      draw_sweeps();
      ImGui::EndTabItem();
    }
    if (tab("Classroom", Tab::lesson)) {
      draw_classroom();
      ImGui::EndTabItem();
    }
    tab_requested_ = false;
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  if (!lesson_only) {
    ImGui::BeginChild("##runs", {0, runs_height}, true);
    draw_runs_table();
    ImGui::EndChild();
  }
  draw_status_bar();
  ImGui::End();
  return !pixel_requests_.empty();
}

// [SECTION] messages

void App::post_message(const std::string& message, bool error) {
  if (message.empty()) return;
  messages_.emplace_back(message, error);
  while (messages_.size() > 50) messages_.pop_front();
  message_time_ = now_s();
  dirty_ = true;
}

bool App::has_message_containing(const std::string& text) const {
  for (const auto& m : messages_)
    if (m.first.find(text) != std::string::npos) return true;
  return run_list_.error.find(text) != std::string::npos;
}

void App::draw_status_bar() {
  ImGui::Separator();
  if (messages_.empty()) {
    ImGui::TextDisabled("Database %s", settings_.db_path.c_str());
    return;
  }
  const auto& [text, error] = messages_.back();
  ImGui::PushStyleColor(ImGuiCol_Text, error ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.7f, 0.85f, 0.7f, 1));
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered() && messages_.size() > 1) {
    ImGui::BeginTooltip();
    for (const auto& [t, e] : messages_) ImGui::TextColored(e ? ImVec4(1, 0.5f, 0.45f, 1) : ImVec4(0.8f, 0.8f, 0.8f, 1), "%s", t.c_str());
    ImGui::EndTooltip();
  }
}

}  // namespace limuon::gui
