// The run the window drives: it creates the run in the store and runs it through the same run queue as
// `limuon-lab train` (same store writes, checkpoints and lock), on a worker thread. Every call returns
// at once; the GUI thread reads a status snapshot and takes the trainer's display events each frame.
// Commands (pause, single step, lr, stop) reach the trainer on the worker's next poll (~100 ms).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "limuon/train/events.hpp"
#include "limuon/train/run_config.hpp"
#include "limuon/train/trainer.hpp"

namespace limuon::gui {

struct LiveStatus {
  bool active = false;  // the worker thread is running (also while it saves after a stop)
  int64_t run_id = 0;   // 0 until the store created the run
  std::string name;
  train::RunState state = train::RunState::created;
  int64_t step = 0, total_steps = 0, grad_evals = 0, samples = 0;
  double last_loss = 0, last_val_loss = 0;
  int64_t last_val_step = 0, resumed_from = -1, diverged_step = -1;
  double steps_per_s = 0;  // smoothed over the last seconds
  std::string error;       // the run's failure, or why it could not start
  // Runs this session has seen end. A frame compares it with the last it saw: a run that diverges at step 2
  // can start and end between two data frames, and comparing `active` alone would never report it.
  int64_t runs_ended = 0;
};

class LiveSession {
 public:
  using Wake = std::function<void()>;  // called from the worker when new data waits (wakes the GUI loop)
  explicit LiveSession(Wake wake = {}) : wake_(std::move(wake)) {}
  ~LiveSession();  // stops the run (it checkpoints, its end is stored) and joins
  LiveSession(const LiveSession&) = delete;
  LiveSession& operator=(const LiveSession&) = delete;

  // A new run in `db_path` (false when a run is still active).
  bool start(const train::RunConfig& config, const std::string& db_path);
  // A branch of stored run `parent_id` from its kept checkpoint at `step`, with `config`'s settings.
  bool start_fork(const train::RunConfig& config, const std::string& db_path, int64_t parent_id, int64_t step);
  // Continues a stored run from its checkpoint, with its stored settings.
  bool resume_stored(int64_t run_id, const std::string& db_path);

  void pause();
  void resume();
  void step_once();
  void set_lr(double lr);
  void stop();  // the run checkpoints and ends as `stopped`; it can be resumed later
  void shutdown();  // stop() and wait until the run's end is stored (the window is closing)

  LiveStatus status() const;
  train::RunConfig config() const;
  train::TrainerEvents take_events();   // display events since the last call
  std::vector<std::string> take_messages();  // warnings and errors for the status line
  void join_if_done();  // reaps a finished worker (never blocks on a running one)

 private:
  struct Commands {
    bool pause = false, resume = false;
    int step_once = 0;
    double lr = -1;
  };
  bool launch(std::function<void()> body);
  void work_new(train::RunConfig config, std::string db_path, int64_t parent_id = 0, int64_t fork_step = 0);
  void work_resume(int64_t run_id, std::string db_path);
  void drive(int64_t run_id, const train::RunConfig& config, const std::string& db_path);
  void on_poll(train::Trainer& trainer, bool ended);
  void fail(const std::string& message);
  void notify() {
    if (wake_) wake_();
  }

  Wake wake_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;  // guards everything below
  LiveStatus status_;
  train::RunConfig config_;
  Commands commands_;
  train::TrainerEvents inbox_;
  std::vector<std::string> messages_;
  double rate_clock_s_ = -1;
  int64_t rate_step_ = 0;
};

}  // namespace limuon::gui
