#include "limuon/sweep/run_queue.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <thread>

#include "limuon/util/threads.hpp"
#include "store_writer.hpp"

namespace limuon::sweep {
namespace {

struct Active {
  int64_t run_id;
  std::shared_ptr<train::Trainer> trainer;  // shared with its waiting writes, which outlive this entry
  std::shared_ptr<RunLock> lock;            // released once the run's last write is stored
};

bool has_ended(const std::string& status) {
  return status == "finished" || status == "diverged" || status == "failed";
}

// Queues the trainer's new events for the store. The trainer keeps the points in its next checkpoint
// until the store has them (confirm_stored), so a kill while writes wait loses none.
void record(detail::StoreWriter& writer, const Active& a) {
  auto events = std::make_shared<train::TrainerEvents>(a.trainer->drain());
  if (events->empty()) return;
  writer.add([run_id = a.run_id, trainer = a.trainer, events](store::Store& store) {
    store.append_metrics(run_id, events->metrics);
    trainer->confirm_stored(events->metrics_through);
  });
  if (!events->spectra.empty())
    writer.add([run_id = a.run_id, events](store::Store& store) { store.append_spectra(run_id, events->spectra); });
}

// Where a branch begins: its parent's kept checkpoint. A parent deleted since leaves no folder to name;
// the branch then fails with begin_fork's message, unless it has a checkpoint of its own by now.
train::ForkSource fork_source(const QueueOptions& options, const store::RunRecord& branch) {
  train::ForkSource source;
  source.step = *branch.fork_step;
  if (branch.parent_run_id && !options.checkpoint_root.empty())
    source.parent_checkpoint_dir = options.checkpoint_root + "/run-" + std::to_string(*branch.parent_run_id);
  return source;
}

}  // namespace

QueueOutcome run_queue(store::Store& store, std::vector<QueuedRun> runs, const QueueOptions& options) {
  const int jobs = std::max(1, options.jobs);
  // Runs one at a time each take their own `threads` setting (0 = every core), set by the trainer on its
  // thread: a run computes with the same thread count however many runs are queued with it, so a sweep
  // resumed with fewer runs left continues bit-identically. Parallel runs split the cores between them.
  if (jobs > 1) set_compute_threads(std::max(1, hardware_threads() / jobs));
  std::deque<QueuedRun> pending(runs.begin(), runs.end());
  std::vector<Active> active;
  QueueOutcome outcome;
  auto stopping = [&] { return options.stop != nullptr && options.stop->load(); };
  auto warn = [&](const std::string& message) {
    if (options.on_warning) options.on_warning(message);
  };
  // Every write goes through the writer, in order: a busy database delays them, nothing is dropped.
  detail::StoreWriter writer(store, warn);

  while (!active.empty() || (!pending.empty() && !stopping())) {
    while (static_cast<int>(active.size()) < jobs && !pending.empty() && !stopping()) {
      QueuedRun next = std::move(pending.front());
      pending.pop_front();
      const std::string dir =
          options.checkpoint_root.empty() ? "" : options.checkpoint_root + "/run-" + std::to_string(next.run_id);
      std::shared_ptr<RunLock> lock = next.lock;
      if (!dir.empty() && !lock) {
        std::optional<RunLock> taken;
        try {
          taken = RunLock::try_acquire(options.checkpoint_root, next.run_id);
        } catch (const std::exception& e) {  // no lock file (an unwritable checkpoint folder): fail this run only
          writer.add([id = next.run_id, error = std::string(e.what())](store::Store& s) {
            s.finish_run(id, "failed", 0, std::nullopt, error);
          });
          ++outcome.failed;
          continue;
        }
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
      const auto stored = store.run(next.run_id);
      if (stored && has_ended(stored->status)) {
        warn("run " + std::to_string(next.run_id) + " was ended (" + stored->status +
             ") by another process since it was queued; skipped");
        ++outcome.ended_elsewhere;
        continue;
      }
      std::shared_ptr<train::Trainer> trainer;
      try {
        trainer = std::make_shared<train::Trainer>(next.config, dir, /*set_threads=*/jobs == 1);
        trainer->keep_checkpoint_history(options.keep_checkpoint_history && !dir.empty());
        if (stored && stored->fork_step) trainer->fork_from(fork_source(options, *stored));
      } catch (const std::exception& e) {  // a stored config that no longer validates: fail this run only
        writer.add([id = next.run_id, error = std::string(e.what()), lock](store::Store& s) {
          s.finish_run(id, "failed", 0, std::nullopt, error);
        });
        ++outcome.failed;
        continue;
      }
      writer.add([id = next.run_id](store::Store& s) { s.mark_started(id); });
      active.push_back({next.run_id, std::move(trainer), std::move(lock)});
      active.back().trainer->start();
    }
    writer.flush();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (size_t i = 0; i < active.size();) {
      Active& a = active[i];
      if (stopping()) a.trainer->request_stop();
      const bool ended = a.trainer->done();
      if (ended) a.trainer->wait();
      record(writer, a);  // after wait() when ended: nothing can arrive later
      if (!ended) {
        // Progress is for display only: skip it while writes wait rather than pile it up.
        if (!writer.blocked()) writer.add([id = a.run_id, step = a.trainer->step()](store::Store& s) { s.set_progress(id, step); });
        if (options.on_progress) options.on_progress({a.run_id, *a.trainer, false});
        ++i;
        continue;
      }
      const train::RunState state = a.trainer->state();
      const int64_t diverged = a.trainer->diverged_step();
      // The lock travels with the last write: no other process may take the run before its end is stored.
      writer.add([id = a.run_id, status = std::string(train::to_string(state)), step = a.trainer->step(),
                  diverged_step = diverged >= 0 ? std::optional<int64_t>(diverged) : std::nullopt,
                  error = a.trainer->error(), lock = a.lock](store::Store& s) {
        s.finish_run(id, status, step, diverged_step, error);
      });
      if (options.on_progress) options.on_progress({a.run_id, *a.trainer, true});
      switch (state) {
        case train::RunState::finished: ++outcome.finished; break;
        case train::RunState::stopped: ++outcome.stopped; break;
        case train::RunState::diverged: ++outcome.diverged; break;
        default: ++outcome.failed; break;
      }
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(i));
    }
    writer.flush();
  }
  writer.flush_all();  // the database may still be busy: wait for it rather than lose the last writes
  return outcome;
}

}  // namespace limuon::sweep
