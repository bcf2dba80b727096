// Reads databases for the window on a worker thread, so no frame ever waits for the disk: the list of a
// database's runs, and whole runs (every metric and spectrum) built into RunData ready to plot. Requests
// queue up; results are taken by the GUI thread. Every failure (no such file, corrupt, locked, a newer
// schema) comes back as a message, never an exception.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gui/job_thread.hpp"
#include "gui/run_data.hpp"
#include "limuon/store/store.hpp"

namespace limuon::gui {

struct RunRow {
  store::RunRecord record;
  train::RunConfig config;
  bool config_readable = true;
  double final_train_loss = 0, final_val_loss = 0;  // NaN when the run has none
};

struct RunList {
  std::string db_path;
  std::vector<RunRow> rows;  // newest first
  std::string error;         // empty when the database was read
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

  void request_list(const std::string& db_path);
  void request_run(const std::string& db_path, int64_t run_id, XUnit unit, double smoothing);
  // A made-up run of `points` points (a noisy falling loss with spikes) for the frame-time benchmark.
  void request_synthetic(int64_t points, XUnit unit, double smoothing);
  bool busy() const { return jobs_.busy(); }

  std::vector<RunList> take_lists();
  std::vector<LoadedRun> take_runs();

 private:
  mutable std::mutex mutex_;  // guards the results
  std::vector<RunList> lists_;
  std::vector<LoadedRun> runs_;
  JobThread jobs_;  // last: its worker may touch the members above until it is joined
};

}  // namespace limuon::gui
