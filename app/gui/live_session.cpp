#include "gui/live_session.hpp"

#include <chrono>
#include <exception>
#include <filesystem>

#include "gui/event_inbox.hpp"
#include "gui/job_thread.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/run_queue.hpp"
#include "limuon/train/fork.hpp"

namespace limuon::gui {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string checkpoint_root(const std::string& db_path) { return db_path + ".checkpoints"; }

bool has_ended(const std::string& status) {
  return status == "finished" || status == "diverged" || status == "failed";
}

}  // namespace

LiveSession::~LiveSession() { shutdown(); }

void LiveSession::shutdown() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool LiveSession::launch(std::function<void()> body) {
  if (running_) return false;
  if (thread_.joinable()) thread_.join();  // the previous worker has returned: running_ is false
  stop_ = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t ended = status_.runs_ended;
    status_ = LiveStatus{};
    status_.active = true;
    status_.runs_ended = ended;
    commands_ = Commands{};
    inbox_ = train::TrainerEvents{};
    rate_clock_s_ = -1;
  }
  running_ = true;
  thread_ = std::thread([this, body = std::move(body)] {
    try {
      body();
    } catch (const std::exception& e) {  // nothing escapes the worker: the window shows the reason
      fail(std::string("the run could not go on: ") + e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      status_.active = false;
      ++status_.runs_ended;
    }
    running_ = false;
    notify();
  });
  return true;
}

bool LiveSession::start(const train::RunConfig& config, const std::string& db_path) {
  return launch([this, config, db_path] { work_new(config, db_path); });
}

bool LiveSession::start_fork(const train::RunConfig& config, const std::string& db_path, int64_t parent_id,
                             int64_t step) {
  return launch([this, config, db_path, parent_id, step] { work_new(config, db_path, parent_id, step); });
}

bool LiveSession::resume_stored(int64_t run_id, const std::string& db_path) {
  return launch([this, run_id, db_path] { work_resume(run_id, db_path); });
}

void LiveSession::work_new(train::RunConfig config, std::string db_path, int64_t parent_id, int64_t fork_step) {
  config.validate();
  if (config.name.empty()) config.name = config.summary();
  int64_t run_id = 0;
  {
    // A database path typed into the window may name a folder that does not exist yet: make it.
    std::error_code ec;
    const auto folder = std::filesystem::path(db_path).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder, ec);
    store::Store db(db_path);
    if (parent_id > 0) {  // refused here, before anything is stored, when the branch changes its batches
      const auto parent = db.run(parent_id);
      if (!parent) throw std::runtime_error("no run " + std::to_string(parent_id) + " in " + db_path);
      train::check_fork_settings(train::RunConfig::from_stored_json(parent->config_json), config);
      run_id = db.create_fork(config.name, config.to_json(), parent_id, fork_step);
    } else {
      run_id = db.create_run(config.name, config.to_json(), std::nullopt);
    }
  }
  drive(run_id, config, db_path);
}

void LiveSession::work_resume(int64_t run_id, std::string db_path) {
  train::RunConfig config;
  {
    store::Store db(db_path);
    const auto stored = db.run(run_id);
    if (!stored) throw std::runtime_error("no run " + std::to_string(run_id) + " in " + db_path);
    if (has_ended(stored->status))
      throw std::runtime_error("run " + std::to_string(run_id) + " already ended (" + stored->status + ")");
    config = train::RunConfig::from_stored_json(stored->config_json);
  }
  drive(run_id, config, db_path);
}

void LiveSession::drive(int64_t run_id, const train::RunConfig& config, const std::string& db_path) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.run_id = run_id;
    status_.name = config.name;
    status_.total_steps = config.total_steps();
    config_ = config;
  }
  notify();
  store::Store db(db_path);
  sweep::QueueOptions options;
  options.jobs = 1;
  options.checkpoint_root = checkpoint_root(db_path);
  options.keep_checkpoint_history = true;  // the window forks runs from any kept step
  options.stop = &stop_;
  options.on_progress = [this](const sweep::QueueProgress& p) { on_poll(p.trainer, p.ended); };
  options.on_warning = [this](const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    messages_.push_back(message);
  };
  const auto outcome = sweep::run_queue(db, {{run_id, config, nullptr}}, options);
  if (outcome.busy > 0) fail("run " + std::to_string(run_id) + " is being run by another limuon-lab process");
  bool reported = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reported = status_.state == train::RunState::failed;
  }
  if (outcome.failed > 0 && !reported) {  // it failed before its trainer ran (a lock file, a stored config)
    const auto stored = db.run(run_id);
    fail("run " + std::to_string(run_id) + " failed: " + (stored ? stored->error : std::string("see the database")));
  }
}

void LiveSession::on_poll(train::Trainer& trainer, bool ended) {
  // Runs on the worker every ~100 ms: hand the commands to the trainer, take its display events.
  train::TrainerEvents events = trainer.drain_display();
  std::lock_guard<std::mutex> lock(mutex_);
  if (commands_.pause) trainer.pause();
  if (commands_.resume) trainer.resume();
  for (int i = 0; i < commands_.step_once; ++i) trainer.step_once();
  if (commands_.lr > 0) trainer.set_lr(commands_.lr);
  commands_ = Commands{};
  append_bounded(inbox_, std::move(events));
  LiveStatus& s = status_;
  s.state = trainer.state();
  s.step = trainer.step();
  s.total_steps = trainer.config().total_steps();
  s.grad_evals = trainer.grad_evals();
  s.samples = trainer.samples();
  s.last_loss = trainer.last_loss();
  s.last_val_loss = trainer.last_val_loss();
  s.last_val_step = trainer.last_val_step();
  s.resumed_from = trainer.resumed_from();
  s.diverged_step = trainer.diverged_step();
  if (ended) s.error = trainer.error();
  // Steps per second: an exponential average over ~2 s of polls, restarted after a pause.
  const double t = now_s();
  if (s.state != train::RunState::running) {
    rate_clock_s_ = -1;
  } else if (rate_clock_s_ < 0) {
    rate_clock_s_ = t;
    rate_step_ = s.step;
  } else if (t - rate_clock_s_ >= 0.5) {
    const double rate = static_cast<double>(s.step - rate_step_) / (t - rate_clock_s_);
    s.steps_per_s = s.steps_per_s > 0 ? 0.7 * s.steps_per_s + 0.3 * rate : rate;
    rate_clock_s_ = t;
    rate_step_ = s.step;
  }
  notify();
}

void LiveSession::fail(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.state = train::RunState::failed;
    status_.error = message;
    messages_.push_back(message);
  }
  notify();
}

void LiveSession::pause() {
  std::lock_guard<std::mutex> lock(mutex_);
  commands_.pause = true;
  commands_.resume = false;
}

void LiveSession::resume() {
  std::lock_guard<std::mutex> lock(mutex_);
  commands_.resume = true;
  commands_.pause = false;
  commands_.step_once = 0;
}

void LiveSession::step_once() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++commands_.step_once;
}

void LiveSession::set_lr(double lr) {
  std::lock_guard<std::mutex> lock(mutex_);
  commands_.lr = lr;
  (config_.optimizer == "adamw" ? config_.adamw_lr : config_.lr) = lr;  // the first group's rate, as set_lr sets
}

void LiveSession::stop() { stop_ = true; }

LiveStatus LiveSession::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

train::RunConfig LiveSession::config() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return config_;
}

train::TrainerEvents LiveSession::take_events() {
  std::lock_guard<std::mutex> lock(mutex_);
  train::TrainerEvents out;
  std::swap(out, inbox_);
  return out;
}

std::vector<std::string> LiveSession::take_messages() { return take_all(mutex_, messages_); }

void LiveSession::join_if_done() {
  if (!running_ && thread_.joinable()) thread_.join();
}

}  // namespace limuon::gui
