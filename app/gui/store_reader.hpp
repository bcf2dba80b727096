// Reads databases for the window on a worker thread, so no frame ever waits for the disk: the runs
// browser's list (filtered and sorted in SQL), whole runs (every metric and spectrum) built into RunData
// ready to plot, the steps a run can be forked at, and the browser's edits (rename, note, delete). Requests
// queue up; results are taken by the GUI thread. Every failure (no such file, corrupt, locked, a newer
// schema) comes back as a message, never an exception.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gui/job_thread.hpp"
#include "gui/run_data.hpp"
#include "limuon/store/run_query.hpp"
#include "limuon/store/store.hpp"
#include "limuon/sweep/designer.hpp"
#include "limuon/sweep/results.hpp"
#include "limuon/sweep/sweep.hpp"

namespace limuon::gui {

struct RunRow {
  store::RunRecord record;
  train::RunConfig config;
  bool config_readable = true;
  double final_train_loss = 0, final_val_loss = 0;  // NaN when the run has none
};

struct RunList {
  std::string db_path;
  std::vector<RunRow> rows;  // as the query sorted them
  std::string error;         // empty when the database was read
};

// The browser's query: what it asked for travels with the answer.
struct RunQuery {
  store::RunFilter filter;
  store::RunSortKey sort = store::RunSortKey::id;
  bool descending = true;  // newest first
};

struct EditResult {
  std::string message;
  bool error = false;
};

// A sweep's runs judged at one cost: each run's last validation loss at the largest point every run
// reached (basis 0: steps, 1: gradient evaluations, 2: wall time), as `limuon-lab runs compare` takes it.
struct SweepResults {
  std::string db_path;
  int64_t sweep_id = 0;
  int basis = 0;
  double limit = 0;
  std::vector<sweep::ResultRun> runs;
  std::string error;
};

struct StepTimes {
  std::string db_path;
  std::vector<sweep::StepTimeSample> samples;
};

struct LoadedSweep {
  std::string path;
  std::optional<sweep::SweepSpec> spec;  // none: `error` says why
  std::string error;
};

struct ForkSteps {
  int64_t run_id = 0;
  std::vector<int64_t> steps;  // kept checkpoints, ascending
};

struct LoadedRun {
  std::string db_path;
  XUnit unit = XUnit::step;  // the series were built for these
  double smoothing = 0;
  std::unique_ptr<RunData> run;  // null on error
  std::string error;
};

class StoreReader {
 public:
  using Wake = std::function<void()>;
  explicit StoreReader(Wake wake = {}) : jobs_(JobThread::AtExit::drop_queued, std::move(wake)) {}

  void request_list(const std::string& db_path, const RunQuery& query = {});
  // A write to the database (rename, note, delete), or with `writes` false a read that writes files
  // (export), on the same worker as the reads; `done` is the message on success. The list is read again
  // afterwards.
  void request_edit(const std::string& db_path, std::function<void(store::Store&)> edit, std::string done,
                    bool writes = true);
  void request_fork_steps(const std::string& db_path, int64_t run_id);
  void request_sweep_results(const std::string& db_path, int64_t sweep_id, int basis);
  // The median step time of each of the database's newest ended runs (up to 300), for the estimate.
  void request_step_times(const std::string& db_path);
  void request_sweep_file(const std::string& path);
  // Work too slow for a frame (validating a whole sweep grid): `job` runs on the worker and returns what
  // the GUI thread then applies (take_computed).
  void request_compute(std::function<std::function<void()>()> job);
  void request_run(const std::string& db_path, int64_t run_id, XUnit unit, double smoothing);
  // A made-up run of `points` points (a noisy falling loss with spikes) for the frame-time benchmark.
  void request_synthetic(int64_t points, XUnit unit, double smoothing);
  bool busy() const { return jobs_.busy(); }

  std::vector<RunList> take_lists();
  std::vector<LoadedRun> take_runs();
  std::vector<EditResult> take_edits();
  std::vector<ForkSteps> take_fork_steps();
  std::vector<SweepResults> take_sweep_results();
  std::vector<StepTimes> take_step_times();
  std::vector<LoadedSweep> take_sweep_files();
  std::vector<std::function<void()>> take_computed();

 private:
  mutable std::mutex mutex_;  // guards the results
  std::vector<RunList> lists_;
  std::vector<LoadedRun> runs_;
  std::vector<EditResult> edits_;
  std::vector<ForkSteps> fork_steps_;
  std::vector<SweepResults> sweep_results_;
  std::vector<StepTimes> step_times_;
  std::vector<LoadedSweep> sweep_files_;
  std::vector<std::function<void()>> computed_;
  JobThread jobs_;  // last: its worker may touch the members above until it is joined
};

}  // namespace limuon::gui
