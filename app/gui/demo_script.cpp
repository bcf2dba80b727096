#include "gui/demo_script.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gui/app.hpp"
#include "limuon/train/parse_number.hpp"
#include "limuon/train/settings.hpp"

namespace limuon::gui {

namespace {

const char* kDefaultScript = R"(# The README's screenshots: the classroom run, its curves and its spectra.
start
wait_steps 60
screenshot curves.png
tab spectra
wait_frames 5
screenshot spectra.png
tab curves
stop
quit
)";

struct Arity {
  const char* name;
  size_t low, high;
};
const Arity kCommands[] = {{"set", 2, 2},          {"start", 0, 0},   {"wait_steps", 1, 1}, {"wait_done", 0, 0},
                           {"wait_frames", 1, 1},  {"wait_seconds", 1, 1}, {"tab", 1, 1}, {"screenshot", 1, 1},
                           {"synthetic", 1, 1},    {"measure", 1, 2}, {"stop", 0, 0},       {"quit", 0, 0},
                           {"mouse", 2, 2},        {"expect_message", 1, 64}, {"x", 1, 1},
                           {"resume", 1, 1},       {"export_plot", 1, 1}, {"fork", 2, 64}, {"filter", 1, 64},
                           {"sweep", 1, 1},        {"wait_queue", 0, 0}, {"lesson", 1, 1}, {"play", 0, 0},
                           {"presenter", 1, 1}, {"wait_queue_steps", 1, 1}};

int x_unit_named(const std::string& name) {
  const char* names[] = {"step", "grad_evals", "samples", "wall_time"};  // XUnit's order
  for (int i = 0; i < 4; ++i)
    if (name == names[i]) return i;
  return -1;
}

// A steady clock of our own: ImGui's advances only with frames, and `measure hidden` draws none.
double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

std::vector<DemoCommand> load_demo_script(const std::string& text_or_path) {
  std::string text, source = text_or_path;
  if (text_or_path == "default") {
    text = kDefaultScript;
  } else {
    std::ifstream in(text_or_path);
    if (!in) throw std::invalid_argument("cannot read the demo script " + text_or_path);
    std::stringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  std::vector<DemoCommand> commands;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    DemoCommand c;
    c.line = number;
    if (!(words >> c.name)) continue;
    for (std::string w; words >> w;) c.args.push_back(w);
    const auto where = source + " line " + std::to_string(number);
    const auto* arity = std::find_if(std::begin(kCommands), std::end(kCommands), [&](const Arity& a) { return c.name == a.name; });
    if (arity == std::end(kCommands)) throw std::invalid_argument(where + ": unknown command '" + c.name + "'");
    if (c.args.size() < arity->low || c.args.size() > arity->high)
      throw std::invalid_argument(where + ": '" + c.name + "' takes " + std::to_string(arity->low) + " argument(s)");
    if (c.name == "set" && !train::find_setting(c.args[0]))
      throw std::invalid_argument(where + ": no run setting '" + c.args[0] + "'");
    if (c.name == "x" && x_unit_named(c.args[0]) < 0)
      throw std::invalid_argument(where + ": x is step, grad_evals, samples or wall_time");
    const std::vector<std::string> tabs = {"curves", "spectra", "sweeps", "sweep_queue", "sweep_results", "lesson"};
    if (c.name == "tab" && std::find(tabs.begin(), tabs.end(), c.args[0]) == tabs.end())
      throw std::invalid_argument(where + ": tab is curves, spectra, sweeps, sweep_queue, sweep_results or lesson");
    if (c.name == "presenter" && c.args[0] != "on" && c.args[0] != "off")
      throw std::invalid_argument(where + ": presenter is on or off");
    if (c.name == "wait_steps" || c.name == "wait_frames" || c.name == "synthetic" || c.name == "resume" ||
        c.name == "export_plot" || c.name == "wait_queue_steps") {
      try {
        const int64_t n = train::parse_int(where, c.args[0]);
        if (n < 0 || n > 1'000'000'000) throw train::ConfigError("out of range");
      } catch (const train::ConfigError&) {
        throw std::invalid_argument(where + ": '" + c.args[0] + "' is not a count in [0, 1e9]");
      }
    }
    if (c.name == "fork") {
      for (size_t i = 0; i < 2; ++i) try {
          if (train::parse_int(where, c.args[i]) < 1) throw train::ConfigError("not positive");
        } catch (const train::ConfigError&) {
          throw std::invalid_argument(where + ": fork takes a run id and a step, then KEY VALUE pairs");
        }
      if (c.args.size() % 2 != 0) throw std::invalid_argument(where + ": fork's settings come as KEY VALUE pairs");
      for (size_t i = 2; i < c.args.size(); i += 2)
        if (!train::find_setting(c.args[i])) throw std::invalid_argument(where + ": no run setting '" + c.args[i] + "'");
    }
    if (c.name == "measure" && c.args.size() == 2 && c.args[1] != "continuous" && c.args[1] != "idle" &&
        c.args[1] != "hidden")
      throw std::invalid_argument(where + ": measure's mode is continuous, idle or hidden");
    if (c.name == "mouse") {
      for (const auto& a : c.args) try {
          train::parse_double(where, a);
        } catch (const train::ConfigError& e) {
          throw std::invalid_argument(e.what());
        }
    }
    if (c.name == "wait_seconds" || c.name == "measure") {
      try {
        train::parse_double(where, c.args[0]);
      } catch (const train::ConfigError& e) {
        throw std::invalid_argument(e.what());
      }
    }
    commands.push_back(std::move(c));
  }
  return commands;
}

std::string frame_time_report(const FrameTimes& t) {
  if (t.ms.empty()) return "no frames measured";
  std::vector<double> sorted = t.ms;
  std::sort(sorted.begin(), sorted.end());
  const auto at = [&](double q) { return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))]; };
  char line[200];
  std::snprintf(line, sizeof line, "frames %zu, frame time p50 %.2f ms, p99 %.2f ms, max %.2f ms; live run %.3f steps/s",
                sorted.size(), at(0.5), at(0.99), sorted.back(), t.steps_per_s);
  return line;
}

DemoRunner::DemoRunner(std::vector<DemoCommand> commands, std::string out_dir, double timeout_s)
    : commands_(std::move(commands)), out_dir_(std::move(out_dir)), timeout_s_(timeout_s) {}

bool DemoRunner::fail(const DemoCommand& c, const std::string& why) {
  error_ = "demo line " + std::to_string(c.line) + " (" + c.name + "): " + why;
  return false;
}

namespace {
std::string measure_mode(const DemoCommand& c) { return c.args.size() == 2 ? c.args[1] : "continuous"; }
}  // namespace

// Commands that count frames need them back to back; the others wait as a user would, with the window
// drawing only when data arrives (so a scripted run trains as fast as an unattended one).
bool DemoRunner::wants_continuous_frames() const {
  if (next_ >= commands_.size()) return false;
  const DemoCommand& c = commands_[next_];
  if (c.name == "measure") return measure_mode(c) == "continuous";
  return c.name == "wait_frames" || c.name == "tab" || c.name == "screenshot" || c.name == "mouse" ||
         c.name == "export_plot";
}

bool DemoRunner::suppresses_frames() const {
  return next_ < commands_.size() && commands_[next_].name == "measure" && measure_mode(commands_[next_]) == "hidden";
}

double DemoRunner::frame_period_ms() const {
  const bool pacing = next_ < commands_.size() && commands_[next_].name == "measure";
  return pacing && measure_mode(commands_[next_]) == "continuous" ? 1000.0 / 60.0 : 0.0;
}

bool DemoRunner::take_cursor_request(double& x, double& y) {
  if (!cursor_requested_) return false;
  cursor_requested_ = false;
  x = cursor_x_;
  y = cursor_y_;
  return true;
}

std::vector<std::string> DemoRunner::take_screenshot_requests() {
  std::vector<std::string> out;
  std::swap(out, screenshots_);
  return out;
}

bool DemoRunner::step(App& app, double frame_ms) {
  if (!error_.empty()) return false;
  if (next_ >= commands_.size()) return false;
  const DemoCommand& c = commands_[next_];
  if (command_started_ < 0) {
    command_started_ = now_s();
    frames_waited_ = 0;
  }
  const double elapsed = now_s() - command_started_;
  if (frame_ms < 0 && wants_continuous_frames()) {  // it counts frames: wait for one (not forever)
    if (elapsed > timeout_s_) return fail(c, "gave up after " + std::to_string(static_cast<int>(timeout_s_)) + " s");
    return true;
  }
  bool done = true;
  const LiveStatus st = app.session().status();
  if (c.name == "set") {
    const train::Setting* s = train::find_setting(c.args[0]);
    try {
      s->set(app.settings().run, c.args[1], "demo line " + std::to_string(c.line));
    } catch (const std::exception& e) {
      return fail(c, e.what());
    }
  } else if (c.name == "start") {
    // Done once the worker holds a run id, or the start was refused or failed: the message says why,
    // and a script about bad input goes on to expect it.
    if (frames_waited_ == 0) {
      run_before_ = st.run_id;
      start_refused_ = !app.start_run();
    }
    const LiveStatus now = app.session().status();
    done = start_refused_ || (now.run_id > 0 && now.run_id != run_before_) || (!now.active && frames_waited_ > 0);
  } else if (c.name == "resume") {
    // Once the runs table lists it, as a user would press its resume button.
    const int64_t id = std::stoll(c.args[0]);
    if (!resume_pressed_ && app.lists_run(id)) {
      resume_refused_ = !app.resume_stored_run(id);
      resume_pressed_ = true;
    }
    done = resume_pressed_ && (resume_refused_ || st.run_id == id);
    if (done) resume_pressed_ = false;
  } else if (c.name == "fork") {
    const int64_t parent = std::stoll(c.args[0]);
    if (!fork_pressed_ && app.lists_run(parent) && !st.active) {
      run_before_ = st.run_id;
      std::vector<std::pair<std::string, std::string>> changes;
      for (size_t i = 2; i + 1 < c.args.size(); i += 2) changes.emplace_back(c.args[i], c.args[i + 1]);
      fork_refused_ = !app.fork_run(parent, std::stoll(c.args[1]), changes);
      fork_pressed_ = true;
    }
    const LiveStatus now = app.session().status();
    done = fork_pressed_ && (fork_refused_ || (now.run_id > 0 && now.run_id != run_before_) || !now.active);
    if (done) fork_pressed_ = false;
  } else if (c.name == "filter") {
    if (frames_waited_ == 0) {
      std::string text;
      for (const auto& a : c.args) text += (text.empty() ? "" : " ") + a;
      app.set_filter_text(text);
    }
    done = frames_waited_ >= 2 && !app.loading();
  } else if (c.name == "sweep") {
    // Done once the queue runs, or the start was refused (the message says why).
    if (frames_waited_ == 0) start_refused_ = !app.open_and_start_sweep(c.args[0]);
    done = start_refused_ || app.queue().status().active || (frames_waited_ > 0 && app.queue().status().queues_ended > 0);
  } else if (c.name == "wait_queue") {
    done = !app.queue().status().active;
  } else if (c.name == "wait_queue_steps") {
    // Every run of the queue has taken N steps (or ended), so each has a curve on screen.
    const QueueStatus q = app.queue().status();
    const int64_t n = std::stoll(c.args[0]);
    done = !q.runs.empty() || !q.active;
    for (const auto& r : q.runs) done = done && (r.step >= n || train::Trainer::is_end_state(r.state));
    done = done && frames_waited_ > 2;
  } else if (c.name == "lesson") {
    if (frames_waited_ == 0 && !app.open_lesson(c.args[0])) return fail(c, "no lesson '" + c.args[0] + "'");
    done = app.lesson_loaded();
  } else if (c.name == "play") {
    if (frames_waited_ == 0) start_refused_ = !app.play_lesson();
    done = start_refused_ || app.queue().status().active || frames_waited_ > 2;
  } else if (c.name == "presenter") {
    app.set_presenter(c.args[0] == "on");
    done = frames_waited_ >= 3;  // the fonts are rebuilt between frames
  } else if (c.name == "wait_steps") {
    done = st.step >= std::stoll(c.args[0]) || (!st.active && frames_waited_ > 2);
  } else if (c.name == "wait_done" || c.name == "stop") {
    if (c.name == "stop" && frames_waited_ == 0) app.session().stop();
    done = !st.active;
  } else if (c.name == "wait_frames") {
    done = frames_waited_ >= std::stoi(c.args[0]);
  } else if (c.name == "wait_seconds") {
    done = elapsed >= std::stod(c.args[0]);
  } else if (c.name == "tab") {
    const std::string& t = c.args[0];
    const bool sweeps = t.rfind("sweep", 0) == 0;
    app.select_tab(t == "spectra" ? Tab::spectra : sweeps ? Tab::sweeps : t == "lesson" ? Tab::lesson : Tab::curves);
    if (frames_waited_ == 0 && sweeps) app.sweep_panel().requested_view = t == "sweep_queue" ? 1 : t == "sweep_results" ? 2 : 0;
    done = frames_waited_ >= 3;  // let the tab lay out before anything reads it
  } else if (c.name == "screenshot") {
    if (frames_waited_ == 0) screenshots_.push_back(out_dir_.empty() ? c.args[0] : out_dir_ + "/" + c.args[0]);
    done = frames_waited_ >= 1;
  } else if (c.name == "synthetic") {
    if (!synthetic_requested_) {
      runs_before_ = app.run_count();
      app.reader().request_synthetic(std::stoll(c.args[0]), app.settings().x_unit, app.settings().smoothing);
      synthetic_requested_ = true;
    }
    done = app.run_count() > runs_before_ && !app.loading();
    if (done) synthetic_requested_ = false;
  } else if (c.name == "measure") {
    const std::string mode = measure_mode(c);
    if (!measuring_) {
      measuring_ = true;
      measured_ = FrameTimes{};
      measure_first_step_ = st.step;
    } else if (mode != "hidden" && frame_ms >= 0) {
      measured_.ms.push_back(frame_ms);
    }
    done = elapsed >= std::stod(c.args[0]);
    if (done) {
      measuring_ = false;
      measured_.steps_per_s = elapsed > 0 ? static_cast<double>(st.step - measure_first_step_) / elapsed : 0;
      if (mode == "hidden") {
        hidden_steps_per_s_ = measured_.steps_per_s;
        char line[120];
        std::snprintf(line, sizeof line, "measure hidden: no frames drawn; live run %.3f steps/s\n", hidden_steps_per_s_);
        report_ += line;
      } else {
        shown_steps_per_s_ = measured_.steps_per_s;
        report_ += "measure " + mode + ": " + frame_time_report(measured_) + "\n";
        if (hidden_steps_per_s_ > 0) {
          char line[120];
          std::snprintf(line, sizeof line, "training throughput with the window (%s) / without: %.3f\n", mode.c_str(),
                        shown_steps_per_s_ / hidden_steps_per_s_);
          report_ += line;
        }
      }
    }
  } else if (c.name == "export_plot") {
    if (frames_waited_ == 0) app.request_plot_export(std::stoi(c.args[0]));
    done = frames_waited_ >= 3 && app.exports_done();
  } else if (c.name == "x") {
    app.settings().x_unit = static_cast<XUnit>(x_unit_named(c.args[0]));
  } else if (c.name == "mouse") {
    cursor_requested_ = true;
    cursor_x_ = std::stod(c.args[0]);
    cursor_y_ = std::stod(c.args[1]);
    done = frames_waited_ >= 2;
  } else if (c.name == "expect_message") {
    std::string text;
    for (const auto& a : c.args) text += (text.empty() ? "" : " ") + a;
    done = app.has_message_containing(text);
  } else if (c.name == "quit") {
    next_ = commands_.size();
    return false;
  }
  ++frames_waited_;
  if (!done && elapsed > timeout_s_) return fail(c, "gave up after " + std::to_string(static_cast<int>(timeout_s_)) + " s");
  if (done) {
    ++next_;
    command_started_ = -1;
  }
  return next_ < commands_.size();
}

}  // namespace limuon::gui
