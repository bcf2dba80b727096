#include "gui/queue_session.hpp"

#include <exception>
#include <filesystem>

#include "gui/event_inbox.hpp"
#include "gui/job_thread.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/run_lock.hpp"
#include "limuon/sweep/run_queue.hpp"

namespace limuon::gui {

namespace {

void make_parent_folder(const std::string& db_path) {
  std::error_code ec;  // a path typed into the window may name a folder that does not exist yet
  const auto folder = std::filesystem::path(db_path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
}

}  // namespace

QueueSession::~QueueSession() { shutdown(); }

void QueueSession::shutdown() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool QueueSession::launch(std::string title, std::function<void()> body) {
  if (running_) return false;
  if (thread_.joinable()) thread_.join();  // the previous worker has returned
  stop_ = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t ended = status_.queues_ended;
    const double limit = status_.speed_limit;  // a classroom's limit outlives a reset
    status_ = QueueStatus{};
    status_.active = true;
    status_.title = std::move(title);
    status_.queues_ended = ended;
    status_.speed_limit = limit;
    single_steps_.clear();
    inbox_.clear();
  }
  running_ = true;
  thread_ = std::thread([this, body = std::move(body)] {
    try {
      body();
    } catch (const std::exception& e) {  // nothing escapes the worker: the window shows the reason
      fail(std::string("the runs could not go on: ") + e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      status_.active = false;
      ++status_.queues_ended;
    }
    running_ = false;
    notify();
  });
  return true;
}

bool QueueSession::start_sweep(const sweep::SweepSpec& spec, const std::string& db_path) {
  return launch(spec.name, [this, spec, db_path] {
    // One sweep driver per database, whichever program: the same lock `limuon-lab sweep` takes.
    const auto lock = sweep::RunLock::try_acquire_sweep(db_path);
    if (!lock) {
      fail("another sweep is using " + db_path + " (lock " + db_path + ".sweep.lock): wait for it to finish");
      return;
    }
    make_parent_folder(db_path);
    store::Store db(db_path);
    const sweep::SweepPlan plan = sweep::plan_sweep(spec, db);
    {
      std::lock_guard<std::mutex> guard(mutex_);
      status_.sweep_id = plan.sweep_id;
      status_.kept = plan.kept;
      status_.jobs = spec.jobs;
    }
    drive(db, plan.to_run, spec.jobs);
  });
}

bool QueueSession::start_runs(std::vector<train::RunConfig> configs, const std::string& db_path, int jobs,
                              std::string title) {
  return launch(std::move(title), [this, configs = std::move(configs), db_path, jobs] {
    make_parent_folder(db_path);
    store::Store db(db_path);
    std::vector<sweep::QueuedRun> runs;
    for (auto config : configs) {
      config.validate();
      if (config.name.empty()) config.name = config.summary();
      runs.push_back({db.create_run(config.name, config.to_json(), std::nullopt), config, nullptr});
    }
    {
      std::lock_guard<std::mutex> guard(mutex_);
      status_.jobs = jobs;
    }
    drive(db, std::move(runs), jobs);
  });
}

void QueueSession::drive(store::Store& db, std::vector<sweep::QueuedRun> runs, int jobs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& r : runs) {
      QueuedRunStatus s;
      s.run_id = r.run_id;
      s.name = r.config.name;
      s.config = r.config;
      s.total_steps = r.config.total_steps();
      status_.runs.push_back(std::move(s));
    }
  }
  notify();
  sweep::QueueOptions options;
  options.jobs = jobs;
  options.checkpoint_root = db.path() + ".checkpoints";
  options.keep_checkpoint_history = true;  // every run can be forked
  options.stop = &stop_;
  options.on_progress = [this](const sweep::QueueProgress& p) { on_poll(p.run_id, p.trainer); };
  options.on_warning = [this](const std::string& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    messages_.push_back({message, true});
  };
  const auto outcome = sweep::run_queue(db, std::move(runs), options);
  std::lock_guard<std::mutex> lock(mutex_);
  messages_.push_back({status_.title + ": " + std::to_string(outcome.finished) + " finished, " +
                           std::to_string(outcome.stopped) + " stopped, " + std::to_string(outcome.diverged) +
                           " diverged, " + std::to_string(outcome.failed) + " failed" +
                           (outcome.busy > 0 ? ", " + std::to_string(outcome.busy) + " run by another process" : ""),
                       outcome.failed > 0 || outcome.busy > 0});
}

QueuedRunStatus* QueueSession::find(int64_t run_id) {
  for (auto& r : status_.runs)
    if (r.run_id == run_id) return &r;
  return nullptr;
}

void QueueSession::on_poll(int64_t run_id, train::Trainer& trainer) {
  // Runs on the worker every ~100 ms per active run: hand over the commands, take the display events.
  train::TrainerEvents events = trainer.drain_display();
  std::lock_guard<std::mutex> lock(mutex_);
  trainer.set_speed_limit(status_.speed_limit);
  const train::RunState state = trainer.state();
  if (status_.paused && state == train::RunState::running) trainer.pause();
  if (!status_.paused && state == train::RunState::paused) trainer.resume();
  for (int& n = single_steps_[run_id]; n > 0; --n) trainer.step_once();
  append_bounded(inbox_[run_id], std::move(events));
  if (QueuedRunStatus* s = find(run_id)) {
    s->state = trainer.state();
    s->step = trainer.step();
    s->total_steps = trainer.config().total_steps();
    s->grad_evals = trainer.grad_evals();
    s->last_loss = trainer.last_loss();
    s->last_val_loss = trainer.last_val_loss();
    s->last_val_step = trainer.last_val_step();
    s->diverged_step = trainer.diverged_step();
    if (trainer.done()) s->error = trainer.error();
  }
  notify();
}

void QueueSession::fail(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    status_.error = message;
    messages_.push_back({message, true});
  }
  notify();
}

void QueueSession::pause() {
  std::lock_guard<std::mutex> lock(mutex_);
  status_.paused = true;
}

void QueueSession::resume() {
  std::lock_guard<std::mutex> lock(mutex_);
  status_.paused = false;
  single_steps_.clear();
}

void QueueSession::step_once() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!status_.paused) return;
  for (const auto& r : status_.runs)
    if (r.state == train::RunState::paused || r.state == train::RunState::running) ++single_steps_[r.run_id];
}

void QueueSession::set_speed_limit(double steps_per_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_.speed_limit = steps_per_s > 0 ? steps_per_s : 0;
}

void QueueSession::stop() { stop_ = true; }

QueueStatus QueueSession::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

std::map<int64_t, train::TrainerEvents> QueueSession::take_events() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<int64_t, train::TrainerEvents> out;
  std::swap(out, inbox_);
  return out;
}

std::vector<QueueSession::Message> QueueSession::take_messages() { return take_all(mutex_, messages_); }

void QueueSession::join_if_done() {
  if (!running_ && thread_.joinable()) thread_.join();
}

}  // namespace limuon::gui
