#include "limuon/sweep/run_queue.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <thread>

#include "limuon/threads.hpp"

namespace limuon::sweep {
namespace {

struct Active {
  int64_t run_id;
  std::unique_ptr<train::Trainer> trainer;
  std::shared_ptr<RunLock> lock;  // held until the run's end is recorded
};

bool has_ended(const std::string& status) {
  return status == "finished" || status == "diverged" || status == "failed";
}

void record(store::Store& store, Active& a) {
  auto events = a.trainer->drain();
  store.append_metrics(a.run_id, events.metrics);
  store.append_spectra(a.run_id, events.spectra);
}

}  // namespace

QueueOutcome run_queue(store::Store& store, std::vector<QueuedRun> runs, const QueueOptions& options) {
  const int jobs = std::max(1, options.jobs);
  // One run alone takes its own `threads` setting (0 = every core); several split the cores between them.
  const int64_t asked = runs.size() == 1 ? runs.front().config.threads : 0;
  set_compute_threads(jobs == 1 && asked > 0 ? static_cast<int>(asked) : std::max(1, hardware_threads() / jobs));
  std::deque<QueuedRun> pending(runs.begin(), runs.end());
  std::vector<Active> active;
  QueueOutcome outcome;
  auto stopping = [&] { return options.stop != nullptr && options.stop->load(); };
  auto warn = [&](const std::string& message) {
    if (options.on_warning) options.on_warning(message);
  };

  while (!active.empty() || (!pending.empty() && !stopping())) {
    while (static_cast<int>(active.size()) < jobs && !pending.empty() && !stopping()) {
      QueuedRun next = std::move(pending.front());
      pending.pop_front();
      const std::string dir =
          options.checkpoint_root.empty() ? "" : options.checkpoint_root + "/run-" + std::to_string(next.run_id);
      std::shared_ptr<RunLock> lock = next.lock;
      if (!dir.empty() && !lock) {
        auto taken = RunLock::try_acquire(options.checkpoint_root, next.run_id);
        if (!taken) {
          warn("run " + std::to_string(next.run_id) + " is being run by another process (lock " +
               RunLock::path_for(options.checkpoint_root, next.run_id) +
               "); skipped and left as it is: run this command again once that process is done");
          ++outcome.busy;
          continue;
        }
        lock = std::make_shared<RunLock>(std::move(*taken));
      }
      // Read the status under the lock: another process may have ended the run since it was queued.
      if (const auto stored = store.run(next.run_id); stored && has_ended(stored->status)) {
        warn("run " + std::to_string(next.run_id) + " was ended (" + stored->status +
             ") by another process since it was queued; skipped");
        ++outcome.ended_elsewhere;
        continue;
      }
      store.mark_started(next.run_id);
      try {
        active.push_back(
            {next.run_id, std::make_unique<train::Trainer>(next.config, dir, /*set_threads=*/false), std::move(lock)});
      } catch (const std::exception& e) {  // a stored config that no longer validates: fail this run only
        store.finish_run(next.run_id, "failed", 0, std::nullopt, e.what());
        ++outcome.failed;
        continue;
      }
      active.back().trainer->start();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (size_t i = 0; i < active.size();) {
      Active& a = active[i];
      if (stopping()) a.trainer->request_stop();
      const bool ended = a.trainer->done();
      if (ended) a.trainer->wait();
      record(store, a);  // after wait() when ended: nothing can arrive later
      if (!ended) {
        store.set_progress(a.run_id, a.trainer->step());
        if (options.on_progress) options.on_progress({a.run_id, *a.trainer, false});
        ++i;
        continue;
      }
      const train::RunState state = a.trainer->state();
      const int64_t diverged = a.trainer->diverged_step();
      store.finish_run(a.run_id, train::to_string(state), a.trainer->step(),
                       diverged >= 0 ? std::optional<int64_t>(diverged) : std::nullopt, a.trainer->error());
      if (options.on_progress) options.on_progress({a.run_id, *a.trainer, true});
      switch (state) {
        case train::RunState::finished: ++outcome.finished; break;
        case train::RunState::stopped: ++outcome.stopped; break;
        case train::RunState::diverged: ++outcome.diverged; break;
        default: ++outcome.failed; break;
      }
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  return outcome;
}

}  // namespace limuon::sweep
