// A scripted session for the smoke test, the README's screenshots and the frame-time benchmark: the
// window runs the script one command at a time between frames, exactly as a user's clicks would go.
//
//   set steps 20          a run setting, as `limuon-lab train --steps 20` takes it
//   start                 press Start (done when the run has an id, or was refused or failed)
//   resume 3              press run 3's resume button in the runs table (once the table lists it)
//   fork 1 4 beta 0.9     a branch of run 1 from its checkpoint at step 4 with beta 0.9 (any KEY VALUE
//                         pairs), as the runs browser's fork dialog starts it (once the table lists run 1)
//   filter lowrank        the runs browser's search text (done when the list has been read again)
//   sweep FILE            open a sweep file (as `limuon-lab sweep` reads it) in the Sweeps tab and start it
//   wait_queue            until the sweep's or the lesson's runs have all ended
//   wait_queue_steps 10   until every run of the sweep or lesson has taken 10 steps (or ended)
//   lesson storm_beta     open a lesson of assets/lessons by its file name (done when it is loaded)
//   play                  play the open lesson: its presets side by side (done when they started)
//   presenter on|off      classroom mode's presenter switch (large fonts, thick lines, high contrast)
//   wait_steps 10         until the live run has taken 10 steps (or ended)
//   wait_done             until the live run has ended
//   wait_frames 5 | wait_seconds 1.5
//   tab curves | spectra | sweeps | sweep_queue | sweep_results | lesson
//   x grad_evals          the curves' x axis: step, grad_evals, samples or wall_time
//   export_plot 0         plot 0's (the loss) PNG and CSV, as its menu saves them (<db>.exports/)
//   screenshot shot.png   the whole window, read back from the framebuffer (relative to --demo-out)
//   synthetic 1000000     overlay a made-up run of that many points (waits until it is loaded)
//   measure 10 [MODE]     for 10 s: frame time p50/p99 and the live run's steps/s. MODE continuous (the
//                         default): a frame every 16.7 ms, as while a user drags; idle: the window as it
//                         runs unattended (it draws when data arrives); hidden: no frames at all, the
//                         headless reference for the throughput ratio
//   mouse 800 300         put the pointer there (window coordinates), for the crosshair in screenshots
//   expect_message TEXT   until the status line has shown a message containing TEXT (bad-input tests)
//   stop                  stop the live run and wait until its end is stored
//   quit
// `#` starts a comment. Every wait gives up after --demo-timeout seconds (default 600): the script fails.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace limuon::gui {

class App;

struct DemoCommand {
  int line = 0;
  std::string name;
  std::vector<std::string> args;
};

// Parses a script; std::invalid_argument "SCRIPT line N: ..." for an unknown command or a bad argument.
// `text_or_path`: a file, or the name of a built-in script ("default": start the classroom run, show
// the curves and the spectra, save both as screenshots).
std::vector<DemoCommand> load_demo_script(const std::string& text_or_path);

struct FrameTimes {
  std::vector<double> ms;
  double steps_per_s = 0;  // of the live run while measuring
};

class DemoRunner {
 public:
  DemoRunner(std::vector<DemoCommand> commands, std::string out_dir, double timeout_s);
  // Called after each frame with its duration, and between frames with -1 (commands that count frames
  // wait for real ones). Returns false when the script has ended (quit, its end, or a failure).
  bool step(App& app, double frame_ms);
  bool finished() const { return next_ >= commands_.size() || !error_.empty(); }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  bool wants_continuous_frames() const;  // the loop must not sleep between frames
  bool suppresses_frames() const;        // `measure S hidden`: draw nothing, only call step()
  double frame_period_ms() const;        // > 0: pace frames to this period
  bool take_cursor_request(double& x, double& y);
  std::vector<std::string> take_screenshot_requests();  // paths to read back after this frame
  std::string report() const { return report_; }

 private:
  bool fail(const DemoCommand& c, const std::string& why);
  std::vector<DemoCommand> commands_;
  std::string out_dir_;
  double timeout_s_;
  size_t next_ = 0;
  double command_started_ = -1;
  int frames_waited_ = 0;
  std::vector<std::string> screenshots_;
  std::string error_;
  std::string report_;
  FrameTimes measured_;
  int64_t measure_first_step_ = 0;
  bool measuring_ = false;
  std::string measure_mode_;
  double hidden_steps_per_s_ = -1, shown_steps_per_s_ = -1;
  bool cursor_requested_ = false;
  double cursor_x_ = 0, cursor_y_ = 0;
  bool synthetic_requested_ = false;
  bool start_refused_ = false;
  bool resume_pressed_ = false, resume_refused_ = false, fork_pressed_ = false, fork_refused_ = false;
  int64_t run_before_ = 0;
  size_t runs_before_ = 0;
};

std::string frame_time_report(const FrameTimes& t);  // "frames 612, p50 4.1 ms, p99 11.8 ms, 3.9 steps/s"

}  // namespace limuon::gui
