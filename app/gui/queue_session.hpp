// Several runs at once for the window: a sweep (planned and run exactly as `limuon-lab sweep` does: same
// plan, same store, same locks, so it resumes after the app was closed or killed) or a lesson's presets
// side by side. One worker thread drives sweep::run_queue; every call returns at once, and the GUI thread
// reads a status snapshot and takes each run's display events each frame. Commands reach the trainers on
// the queue's next poll (~100 ms).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "limuon/sweep/sweep.hpp"
#include "limuon/train/events.hpp"
#include "limuon/train/run_config.hpp"
#include "limuon/train/trainer.hpp"

namespace limuon::gui {

struct QueuedRunStatus {
  int64_t run_id = 0;
  std::string name;
  train::RunConfig config;
  train::RunState state = train::RunState::created;  // created: waiting for its turn
  int64_t step = 0, total_steps = 0, grad_evals = 0, diverged_step = -1;
  double last_loss = 0, last_val_loss = 0;
  int64_t last_val_step = 0;
  std::string error;
};

struct QueueStatus {
  bool active = false;  // the worker runs (also while the last runs save after a stop)
  std::string title;    // the sweep's name, or the lesson's
  int64_t sweep_id = 0;  // 0: not a sweep
  int jobs = 1;
  int kept = 0;  // a resumed sweep's runs that had already ended
  std::vector<QueuedRunStatus> runs;  // in queue order
  bool paused = false;
  double speed_limit = 0;
  int64_t queues_ended = 0;  // as LiveStatus::runs_ended: a frame notices a queue that ended between frames
  std::string error;         // why it could not start or go on
};

class QueueSession {
 public:
  using Wake = std::function<void()>;
  explicit QueueSession(Wake wake = {}) : wake_(std::move(wake)) {}
  ~QueueSession();  // stops the runs (they checkpoint, their ends are stored) and joins
  QueueSession(const QueueSession&) = delete;
  QueueSession& operator=(const QueueSession&) = delete;

  // A sweep into `db_path`: finds or creates it and its runs, and runs what is left with spec.jobs at a
  // time. False when a queue is still active.
  bool start_sweep(const sweep::SweepSpec& spec, const std::string& db_path);
  // New runs with these settings, `jobs` at a time (a lesson's presets), under `title`.
  bool start_runs(std::vector<train::RunConfig> configs, const std::string& db_path, int jobs, std::string title);

  void pause();      // every run of the queue, also those that start later
  void resume();
  void step_once();  // while paused: one more step of each running run
  void set_speed_limit(double steps_per_s);  // per run; 0 = none
  void stop();       // running runs checkpoint and end as `stopped`; queued ones stay queued
  void shutdown();   // stop() and wait until every end is stored (the window is closing)

  QueueStatus status() const;
  std::map<int64_t, train::TrainerEvents> take_events();  // by run id, since the last call
  struct Message {
    std::string text;
    bool error = false;
  };
  std::vector<Message> take_messages();  // warnings and failures, and each queue's outcome
  void join_if_done();

 private:
  bool launch(std::string title, std::function<void()> body);
  void drive(store::Store& db, std::vector<sweep::QueuedRun> runs, int jobs);
  void on_poll(int64_t run_id, train::Trainer& trainer);
  void fail(const std::string& message);
  QueuedRunStatus* find(int64_t run_id);  // under mutex_
  void notify() {
    if (wake_) wake_();
  }

  Wake wake_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;  // guards everything below
  QueueStatus status_;
  std::map<int64_t, int> single_steps_;  // step_once() calls not yet handed to each run
  std::map<int64_t, train::TrainerEvents> inbox_;
  std::vector<Message> messages_;
};

}  // namespace limuon::gui
