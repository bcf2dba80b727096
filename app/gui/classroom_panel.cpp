// The Classroom tab: a lesson picker, the lesson's explanation and its runs' names in their colours, only
// the controls the lesson lists (play, pause, step, reset, speed, x axis, run settings), and next to them
// the plots of its views (classroom_views.cpp). A lesson's presets run side by side on the QueueSession.
// Lesson files are read on ClassroomState's worker; nothing here waits for a thread or reads a file.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <utility>

#include "gui/app.hpp"
#include "gui/plot/colours.hpp"
#include "gui/theme.hpp"
#include "limuon/train/settings.hpp"

// [SECTION] the lesson's queue and the worker's results
// [SECTION] App's classroom entry points
// [SECTION] the tab: picker, controls, explanation

namespace limuon::gui {

namespace {

const ImVec4 kErrorText{1.0f, 0.45f, 0.4f, 1};
const ImVec4 kWaiting{0.55f, 0.55f, 0.58f, 1};  // a preset that has no run yet

ImVec4 run_colour_of(int64_t run_id) {
  const plot::Rgb c = plot::run_colour(static_cast<int>(run_id));
  return {c.r, c.g, c.b, 1};
}

// What a frame knows of the queue, as far as this lesson is concerned.
struct LessonQueue {
  QueueStatus status;
  bool ours = false;    // the status is that of the queue this lesson played last (running or ended)
  bool active = false;  // ours and still running (or saving after a stop)
};

LessonQueue lesson_queue(const ClassroomState& c, const QueueSession& queue) {
  LessonQueue q;
  q.status = queue.status();
  // A queue that ended counted itself once; a later launch (a sweep) makes the status someone else's.
  const int64_t ended = q.status.queues_ended;
  q.ours = c.generation >= 0 && (ended == c.generation || (ended == c.generation + 1 && !q.status.active));
  q.active = q.ours && q.status.active;
  return q;
}

// [SECTION] the lesson's queue and the worker's results

void request_list(ClassroomState& c, std::function<void()> wake) {
  if (c.list_requested) return;
  c.list_requested = true;
  c.post(
      [&c] {
        LessonList list;
        try {
          list.folder = train::lessons_dir();
          list.entries = read_lesson_list(list.folder);
        } catch (...) {  // an unreadable folder lists no lessons; the list must still arrive
        }
        std::lock_guard<std::mutex> lock(c.mutex);
        c.list_result = std::move(list);
      },
      std::move(wake));
}

// A lesson the worker read becomes the open one: its plots, its controls' fields, its x axis.
void open_read_lesson(App& app, ClassroomState& c, train::Lesson lesson, const std::string& stem) {
  if (lesson_queue(c, app.queue()).active) {  // the runs of the lesson being closed stop and save
    app.queue().stop();
    app.post_message("stopping the runs of '" + (c.lesson ? c.lesson->title : stem) + "'");
  }
  c.stem = stem;
  c.plots = lesson_plots(lesson.views);
  c.paragraphs = train::lesson_paragraphs(lesson.explanation);
  c.plot_states.clear();
  c.shared_x = SharedX{};
  c.spectrum_param.clear();
  c.changes.clear();
  for (const auto& name : lesson_setting_controls(lesson)) c.changes[name] = "";
  c.runs = lesson_runs(lesson, c.changes);
  c.speed = static_cast<float>(lesson.speed);
  c.generation = -1;
  c.run_ids.clear();
  c.restart_after_stop = false;
  app.settings().x_unit = lesson_x_unit(lesson.x_unit);  // e.g. gradient evaluations: the fair comparison
  app.post_message("lesson '" + lesson.title + "': press Play");
  c.lesson = std::move(lesson);
}

// Takes what the worker has read since the last frame.
void absorb_results(App& app, ClassroomState& c) {
  std::optional<LessonList> list;
  std::optional<LessonLoad> load;
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    list.swap(c.list_result);
    load.swap(c.load_result);
  }
  if (list) {
    c.list = std::move(*list);
    c.list_ready = true;
  }
  if (!load || load->serial != c.load_serial) return;  // an answer to an older request
  c.loading.clear();
  c.load_failed = !load->lesson;
  if (load->lesson) open_read_lesson(app, c, std::move(*load->lesson), load->stem);
  else app.post_message("lesson '" + load->stem + "' does not open: " + load->error, true);
}

// Starts the open lesson's presets side by side. Returns why not, or empty; `saving` says the refusal
// is only the last queue still finishing (worth trying again next frame).
std::string start_presets(App& app, ClassroomState& c, bool& saving) {
  saving = false;
  if (!c.lesson) return c.loading.empty() ? "open a lesson first" : "the lesson is still being read";
  const LessonQueue q = lesson_queue(c, app.queue());
  if (q.active) return "the lesson is playing; Reset starts it again";
  if (q.status.active) return "other runs are using the run queue (a sweep, or runs still saving): wait for them";
  if (!c.runs.errors.empty()) return c.runs.errors.begin()->second;
  const int64_t generation = q.status.queues_ended;  // the new queue keeps this count until it ends
  const int jobs = lesson_jobs(c.runs.configs.size());
  app.queue().set_speed_limit(c.speed);
  try {
    if (!app.queue().start_runs(c.runs.configs, app.settings().db_path, jobs, c.lesson->title)) {
      saving = true;  // its worker is between storing its end and returning
      return "the last runs are still saving: try again in a moment";
    }
  } catch (const std::exception& e) {  // e.g. no thread could be started
    return e.what();
  }
  c.generation = generation;
  c.run_ids.clear();
  c.shared_x.auto_fit = true;
  for (auto& p : c.plot_states) p.y_auto = true;
  app.post_message("playing '" + c.lesson->title + "': " + std::to_string(c.runs.configs.size()) + " runs, " +
                   std::to_string(jobs) + " at a time");
  return "";
}

// Every frame: the worker's results, the run ids of a play, and a reset's second half.
void classroom_tick(App& app, ClassroomState& c) {
  absorb_results(app, c);
  const LessonQueue q = lesson_queue(c, app.queue());
  const size_t presets = c.lesson ? c.lesson->presets.size() : 0;
  if (q.ours && c.run_ids.empty() && q.status.runs.size() == presets && presets > 0) {
    for (const auto& r : q.status.runs) c.run_ids.push_back(r.run_id);  // queue order is preset order
  }
  if (q.status.active) return;
  if (c.generation >= 0 && q.status.speed_limit > 0) app.queue().set_speed_limit(0);  // not for a later sweep
  if (c.restart_after_stop) {  // the stopped runs are saved: the fresh ones start now
    bool saving = false;
    const std::string why = start_presets(app, c, saving);
    if (saving) return;  // the queue's worker is still returning: next frame
    c.restart_after_stop = false;
    if (!why.empty()) app.post_message("cannot start the lesson again: " + why, true);
  }
}

}  // namespace

// [SECTION] App's classroom entry points

bool App::open_lesson(const std::string& stem) {
  ClassroomState& c = classroom_;
  request_list(c, [this] { wake(); });
  std::string path;
  if (c.list_ready) {
    for (const auto& e : c.list.entries)
      if (e.stem == stem) path = e.path;
  } else if (valid_lesson_stem(stem)) {
    // The list is still being read: one stat (not a read) tells a script's typo at once.
    std::error_code ec;
    const std::string candidate = train::lessons_dir() + "/" + stem + ".toml";
    if (std::filesystem::is_regular_file(candidate, ec)) path = candidate;
  }
  if (path.empty() || !valid_lesson_stem(stem)) {
    post_message("no lesson '" + stem + "' in " + (c.list_ready ? c.list.folder : train::lessons_dir()), true);
    return false;
  }
  const int serial = ++c.load_serial;
  c.loading = stem;
  c.post(
      [&c, serial, stem, path] {
        LessonLoad result;
        result.serial = serial;
        result.stem = stem;
        try {
          result.lesson = train::load_lesson(path);
        } catch (const std::exception& e) {
          result.error = e.what();
        } catch (...) {  // the answer must arrive, or the tab would say "reading" for ever
          result.error = "unexpected error";
        }
        std::lock_guard<std::mutex> lock(c.mutex);
        c.load_result = std::move(result);
      },
      [this] { wake(); });
  return true;
}

bool App::lesson_loaded() const {
  return classroom_.lesson.has_value() && classroom_.loading.empty() && !classroom_.load_failed;
}

bool App::play_lesson() {
  ClassroomState& c = classroom_;
  absorb_results(*this, c);
  const LessonQueue q = lesson_queue(c, queue_);
  if (q.active && q.status.paused) {  // Play on a paused lesson goes on
    queue_.resume();
    return true;
  }
  bool saving = false;
  const std::string why = start_presets(*this, c, saving);
  if (!why.empty()) post_message("cannot play: " + why, true);
  return why.empty();
}

void App::set_presenter(bool on) {
  ClassroomState& c = classroom_;
  if (on == c.presenter) return;
  c.presenter = on;
  float height = ImGui::GetIO().DisplaySize.y;
  if (height <= 0) height = static_cast<float>(settings_.window_height);  // before the first frame
  c.font_rebuild = on ? presenter_font_px(height) : kTextFontPx;
  set_plot_look({on ? 3.5f : 1.5f, on});
  wake();  // the fonts are rebuilt before the next frame: let it come soon
}

void App::tick_classroom() { classroom_tick(*this, classroom_); }

float App::take_font_rebuild() {
  ClassroomState& c = classroom_;
  float px = std::exchange(c.font_rebuild, 0.0f);
  if (px == 0 && c.presenter) {  // the window was resized: presenter text follows its height
    const float height = ImGui::GetIO().DisplaySize.y;
    if (height > 0 && std::abs(presenter_font_px(height) - c.font_px) >= 2) px = presenter_font_px(height);
  }
  if (px > 0) c.font_px = px;
  return px;
}

// [SECTION] the tab

namespace {

void draw_picker(App& app, ClassroomState& c) {
  const std::string preview = !c.loading.empty() ? "reading " + c.loading + "..."
                              : c.lesson         ? c.lesson->title
                              : c.list_ready     ? "pick a lesson"
                                                 : "reading the lessons...";
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Lesson");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 26);
  if (ImGui::BeginCombo("##lesson", preview.c_str())) {
    if (c.list_ready && c.list.entries.empty()) ImGui::TextDisabled("no lessons in %s", c.list.folder.c_str());
    for (const auto& e : c.list.entries) {
      const std::string label = (e.title.empty() ? e.stem + " (does not open)" : e.title) + "##" + e.stem;
      if (ImGui::Selectable(label.c_str(), e.stem == c.stem && c.lesson.has_value())) app.open_lesson(e.stem);
      if (ImGui::IsItemHovered() && !(e.error.empty() && e.summary.empty())) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted((e.error.empty() ? e.summary : e.error).c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Reload list")) c.list_requested = false;  // a teacher copied a lesson in meanwhile
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  bool presenter = c.presenter;
  if (ImGui::Checkbox("Presenter", &presenter)) app.set_presenter(presenter);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Large text scaled to the window, thick lines and high contrast, for a projector.");
}

void draw_setting_field(ClassroomState& c, const std::string& name) {
  const train::Setting* s = train::find_setting(name);
  if (s == nullptr) return;
  ImGui::PushID(name.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(name.c_str());
  ImGui::SameLine(ImGui::GetFontSize() * 5);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  const std::string hint = preset_values(*c.lesson, name);
  if (ImGui::InputTextWithHint("##v", hint.c_str(), &c.changes[name], ImGuiInputTextFlags_AutoSelectAll))
    c.runs = lesson_runs(*c.lesson, c.changes);  // checked by the engine as it is typed
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\nValid: %s. Empty: each run keeps its own (%s).\nApplies to every run that reads it, from the next Play or Reset.",
                      std::string(s->meaning).c_str(), s->valid_values().c_str(), hint.c_str());
  if (const auto e = c.runs.errors.find(name); e != c.runs.errors.end()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kErrorText, "%s", e->second.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::PopID();
}

// Only the controls the lesson lists; each is enabled only when pressing it makes sense.
void draw_controls(App& app, ClassroomState& c, const LessonQueue& q) {
  const train::Lesson& lesson = *c.lesson;
  const auto has = [&](const char* control) { return lesson_has_control(lesson, control); };
  const bool paused = q.active && q.status.paused;
  const bool valid = c.runs.errors.empty();
  bool same_line = false;
  const auto next = [&] {
    if (same_line) ImGui::SameLine();
    same_line = true;
  };
  if (has("play")) {
    next();
    ImGui::BeginDisabled(!valid || c.restart_after_stop || (q.status.active && !paused));
    if (ImGui::Button("Play")) app.play_lesson();
    ImGui::EndDisabled();
  }
  if (has("pause")) {
    next();
    ImGui::BeginDisabled(!q.active || c.restart_after_stop);
    if (ImGui::Button(paused ? "Resume" : "Pause")) paused ? app.queue().resume() : app.queue().pause();
    ImGui::EndDisabled();
  }
  if (has("step")) {
    next();
    ImGui::BeginDisabled(!paused || c.restart_after_stop);
    if (ImGui::Button("Step")) app.queue().step_once();
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("One step of every run, while paused.");
  }
  if (has("reset")) {
    next();
    ImGui::BeginDisabled(!valid || c.restart_after_stop || (q.status.active && !q.active));
    if (ImGui::Button(c.restart_after_stop ? "Stopping..." : "Reset")) {
      if (q.active) {  // the runs checkpoint and save; the next frames start fresh ones once they have
        app.queue().stop();
        c.restart_after_stop = true;
      } else {
        app.play_lesson();
      }
    }
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Stop the runs and start them again, with the settings below.");
  }
  if (has("speed")) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 12);
    if (ImGui::SliderFloat("steps/s", &c.speed, 0, 50, c.speed <= 0 ? "no limit" : "%.0f", ImGuiSliderFlags_AlwaysClamp) &&
        q.active)
      app.queue().set_speed_limit(c.speed);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A limit on each run's steps per second, so a class can follow; 0: none.");
  }
  int unit = static_cast<int>(app.settings().x_unit);
  if (has("x_axis")) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("x:");
    for (int u = 0; u < 4; ++u) {
      const char* label = to_string(static_cast<XUnit>(u));
      // On the same line while it fits: presenter text is large and the column narrow.
      const float need = ImGui::GetFrameHeight() + ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().ItemSpacing.x;
      const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
      if (u == 0 || right - ImGui::GetItemRectMax().x > need) ImGui::SameLine();
      if (ImGui::RadioButton(label, unit == u)) app.settings().x_unit = static_cast<XUnit>(u);
    }
  } else {
    ImGui::TextDisabled("x axis: %s", to_string(static_cast<XUnit>(unit)));
  }
  for (const auto& name : lesson_setting_controls(lesson)) draw_setting_field(c, name);
  if (q.ours) {
    const char* state = c.restart_after_stop ? "stopping, then starting again"
                        : q.active          ? (paused ? "paused" : "running")
                                            : "ended";
    ImGui::TextDisabled("Runs: %s", state);
  }
}

void draw_explanation(ClassroomState& c, const LessonQueue& q) {
  const train::Lesson& lesson = *c.lesson;
  ImGui::PushTextWrapPos(0);
  ImGui::PushFont(title_font());
  ImGui::TextUnformatted(lesson.title.c_str());
  ImGui::PopFont();
  if (!lesson.summary.empty()) ImGui::TextDisabled("%s", lesson.summary.c_str());
  ImGui::Spacing();
  for (const auto& p : c.paragraphs) {
    if (p.rfind("- ", 0) == 0) {
      ImGui::Bullet();
      ImGui::TextUnformatted(p.c_str() + 2);
    } else {
      ImGui::TextUnformatted(p.c_str());
    }
    ImGui::Spacing();
  }
  ImGui::Separator();
  for (size_t i = 0; i < lesson.presets.size(); ++i) {
    const int64_t run_id = i < c.run_ids.size() ? c.run_ids[i] : 0;
    const bool queued = q.ours && i < q.status.runs.size() && q.status.runs[i].state == train::RunState::created;
    const ImVec4 colour = run_id > 0 && !queued ? run_colour_of(run_id) : kWaiting;  // its colour once it runs
    ImGui::PushID(static_cast<int>(i));
    ImGui::ColorButton("##colour", colour, ImGuiColorEditFlags_NoTooltip, {ImGui::GetFontSize(), ImGui::GetFontSize()});
    ImGui::SameLine();
    // The name it runs under (with the class's changes); before a play, the name it would run under.
    const std::string& name = q.ours && i < q.status.runs.size() ? q.status.runs[i].name
                              : i < c.runs.configs.size()         ? c.runs.configs[i].name
                                                                  : lesson.presets[i].name;
    ImGui::TextColored(colour, "%s", name.c_str());
    if (q.ours && i < q.status.runs.size()) {
      const QueuedRunStatus& r = q.status.runs[i];
      ImGui::SameLine();
      ImGui::TextDisabled("%s, step %lld of %lld", train::to_string(r.state), static_cast<long long>(r.step),
                          static_cast<long long>(r.total_steps));
    }
    if (!lesson.presets[i].explanation.empty()) {
      ImGui::Indent(ImGui::GetFontSize() * 1.4f);
      ImGui::TextUnformatted(lesson.presets[i].explanation.c_str());
      ImGui::Unindent(ImGui::GetFontSize() * 1.4f);
    }
    ImGui::PopID();
  }
  ImGui::PopTextWrapPos();
}

}  // namespace

void App::draw_classroom() {
  ClassroomState& c = classroom_;
  request_list(c, [this] { wake(); });
  classroom_tick(*this, c);
  draw_picker(*this, c);
  if (!c.lesson) {
    ImGui::TextDisabled(c.loading.empty() ? "Pick a lesson: each shows one idea in under a minute." : "Reading the lesson...");
    return;
  }
  const LessonQueue q = lesson_queue(c, queue_);
  const float text_width = std::clamp(ImGui::GetContentRegionAvail().x * 0.36f, 240.0f, ImGui::GetFontSize() * 40);
  ImGui::BeginChild("##lesson_text", {text_width, 0}, true);
  draw_controls(*this, c, q);
  ImGui::Separator();
  draw_explanation(c, q);
  ImGui::EndChild();
  ImGui::SameLine();

  // The lesson's runs, in preset order, as far as they are on screen yet.
  std::vector<const RunData*> runs;
  for (const int64_t id : c.run_ids)
    if (const RunData* r = id > 0 ? find_run(id) : nullptr) runs.push_back(r);
  LessonViewHooks hooks;
  hooks.save_png = [this](const std::string& title, ImVec2 min, ImVec2 max) {
    request_pixels({export_path(title, ".png"), min, max});
  };
  hooks.save_csv = [this](const std::string& title, const std::vector<PlotSeries>& series) {
    export_plot_csv(title, series);
  };
  draw_lesson_views(c, runs, settings_, hooks);
}

}  // namespace limuon::gui
