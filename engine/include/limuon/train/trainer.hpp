// One training run on its own thread. Every public call returns at once (no call waits for a step);
// status is read from atomics and metrics arrive through an EventQueue the caller drains.
//
//   Trainer t(config, "runs/ckpt/17");  t.start();
//   the store's writer: e = t.drain() (every event), store e, t.confirm_stored(e.metrics_through);
//   each frame: t.drain_display();  t.state();  t.step();
//   t.pause(); t.step_once(); t.resume(); t.set_lr(0.01); t.set_speed_limit(2); t.request_stop();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include <optional>

#include "limuon/train/events.hpp"
#include "limuon/train/fork.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::train {

enum class RunState : int { created, running, paused, finished, stopped, diverged, failed };
const char* to_string(RunState state);

class Trainer {
 public:
  // `checkpoint_dir` empty: no checkpoints. When it holds a checkpoint of this config, start() resumes
  // from it and continues bit-identically. `set_threads` false leaves the process-wide compute thread
  // count alone (a queue running several trainers sets it once for all of them).
  explicit Trainer(RunConfig config, std::string checkpoint_dir = "", bool set_threads = true);
  ~Trainer();  // requests a stop and joins; the run checkpoints first
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Before start(). A branch: without a checkpoint of its own yet, the run begins from the parent's kept
  // checkpoint (fork.hpp); once it has one, it resumes from that like any run.
  void fork_from(ForkSource source) { fork_ = std::move(source); }
  // Before start(): keep every checkpoint in the history (forks can start from any of them).
  void keep_checkpoint_history(bool keep) { keep_history_ = keep; }
  void start();
  void pause();
  void resume();
  void step_once();        // while paused: take one more step, then stay paused
  void request_stop();     // checkpoint (when a directory is set) and end as `stopped`
  void set_lr(double lr);  // the matrix lr; the AdamW group keeps its ratio to it
  // At most this many steps a second (a classroom's speed limit); 0 = as fast as it goes. The results do
  // not change, only when they come.
  void set_speed_limit(double steps_per_s);
  void wait();             // for the CLI and tests only: blocks until the run ends

  RunState state() const { return state_.load(); }
  bool done() const;
  static bool is_end_state(RunState s) {
    return s == RunState::finished || s == RunState::stopped || s == RunState::diverged || s == RunState::failed;
  }
  int64_t step() const { return step_.load(); }  // steps completed
  int64_t grad_evals() const { return grad_evals_.load(); }
  int64_t samples() const { return samples_.load(); }
  double last_loss() const { return last_loss_.load(); }
  double last_val_loss() const { return last_val_loss_.load(); }  // valid once last_val_step() > 0
  int64_t last_val_step() const { return last_val_step_.load(); }
  int64_t diverged_step() const { return diverged_step_.load(); }
  int64_t resumed_from() const { return resumed_from_.load(); }  // -1 when started fresh
  std::string error() const;
  const RunConfig& config() const { return config_; }
  TrainerEvents drain() { return events_.drain(); }  // every event, for the store
  // The store has every metric point up to drain()'s `metrics_through`: checkpoints stop carrying them.
  // Until then each checkpoint keeps every unconfirmed point (a resumed run replays them), so none is
  // lost however many checkpoints pass before the store gets them. A consumer that never confirms
  // gets all of a run's points in every checkpoint.
  void confirm_stored(int64_t metrics_through);
  TrainerEvents drain_display() { return events_.drain_display(); }  // bounded, for a window
  int64_t display_dropped() const { return events_.display_dropped(); }

 private:
  void run();
  bool wait_while_paused();  // false when a stop was requested
  void hold_to_speed_limit(std::chrono::steady_clock::time_point step_began);

  RunConfig config_;
  std::string checkpoint_dir_;
  bool set_threads_ = true;
  std::optional<ForkSource> fork_;
  bool keep_history_ = false;
  EventQueue events_;
  std::thread thread_;
  std::atomic<RunState> state_{RunState::created};
  std::atomic<bool> stop_requested_{false}, pause_requested_{false};
  std::atomic<int64_t> single_steps_{0};  // step_once() calls not yet taken
  std::atomic<double> requested_lr_{-1.0};
  std::atomic<double> speed_limit_{0.0};
  std::atomic<int64_t> step_{0}, grad_evals_{0}, samples_{0}, diverged_step_{-1}, resumed_from_{-1};
  std::atomic<int64_t> stored_through_{0};  // metric points the store confirmed, counted as EventQueue numbers them
  std::atomic<double> last_loss_{0.0};
  std::atomic<double> last_val_loss_{0.0};
  std::atomic<int64_t> last_val_step_{0};
  mutable std::mutex mutex_;  // guards error_ and the pause wait
  std::condition_variable wake_;
  std::string error_;
};

}  // namespace limuon::train
