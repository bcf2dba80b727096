// Runs a queue of stored runs, 1..N at a time, recording every metric into the store. Used by
// `limuon-lab train` (a queue of one) and by sweeps. The calling thread owns the single database
// writer connection; trainers run on their own threads. Writes that find the database busy (another
// process holding its write lock past the busy timeout) wait in memory and are retried with backoff,
// 0.1 s doubling to 5 s; the runs go on meanwhile and nothing is dropped. run_queue returns once
// every write is stored.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "limuon/store/store.hpp"
#include "limuon/sweep/run_lock.hpp"
#include "limuon/train/run_config.hpp"
#include "limuon/train/trainer.hpp"

namespace limuon::sweep {

struct QueuedRun {
  int64_t run_id = 0;
  train::RunConfig config;
  std::shared_ptr<RunLock> lock;  // already held (train --resume takes it first); else the queue takes it
};

struct QueueProgress {
  int64_t run_id;
  train::Trainer& trainer;  // status, counters and controls (pause, lr, ...); valid during the callback only
  bool ended;                     // the run just ended (its final state is queued for the store)
};

struct QueueOptions {
  int jobs = 1;
  std::string checkpoint_root;  // run k checkpoints into <root>/run-<k>; empty: none
  // Keep every checkpoint (<root>/run-<k>/history), so that forks can start from any of them. A run stored
  // as a fork (RunRecord::fork_step) always begins from its parent's kept checkpoint.
  bool keep_checkpoint_history = false;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT): running runs checkpoint and stop
  std::function<void(const QueueProgress&)> on_progress;  // every ~100 ms per active run
  std::function<void(const std::string&)> on_warning;     // a run skipped, the database busy, ...
};

struct QueueOutcome {
  int finished = 0, stopped = 0, diverged = 0, failed = 0;
  int busy = 0;             // skipped: another process holds the run's lock (it is left as it was)
  int ended_elsewhere = 0;  // skipped: another process ended the run after it was queued
};

// Runs everything and records it. One job: each run uses its own `threads` setting; several: the cores
// are split between them (set once for the process). With a
// checkpoint root, each run is driven only while its RunLock is held: a run whose lock another process
// holds is skipped with a warning and left untouched.
QueueOutcome run_queue(store::Store& store, std::vector<QueuedRun> runs, const QueueOptions& options);

}  // namespace limuon::sweep
