// The SQLite run store: sweeps, runs (full config as JSON, status, timings, versions), metric series
// and spectra in one file. WAL mode, foreign keys on, prepared statements only, batched inserts in
// transactions, a schema version with forward migrations. sqlite3.h stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "limuon/train/events.hpp"

namespace limuon::store {

// Every failure: a message that names the file and says what to do. The file is left as it was.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Another connection held the database past the busy timeout: nothing was written, and the same call
// can be tried again later (the run queue does, with backoff).
struct StoreBusy : StoreError {
  using StoreError::StoreError;
};

struct RunRecord {
  int64_t id = 0;
  std::optional<int64_t> sweep_id;
  std::string name;
  std::string config_json;
  std::string status;  // queued, running, finished, stopped, diverged, failed
  std::string created_at, started_at, finished_at;
  int64_t steps_done = 0;
  std::optional<int64_t> diverged_step;
  std::string error;
  std::string versions_json;
  std::string note;                      // free text from the runs browser
  std::optional<int64_t> parent_run_id;  // a fork: the run whose checkpoint it started from (NULL once deleted)
  std::optional<int64_t> fork_step;      // and the step of that checkpoint
};

struct SeriesPoint {
  int64_t step;
  double value;
  double wall_s;
};

namespace detail {
struct StoreAccess;  // the connection, for queries written outside this class (run_query.cpp)
}

class Store {
 public:
  static constexpr int kSchemaVersion = 3;
  // Read-only opening needs no migration down to this schema: schema 2 changed only what configs mean
  // (RunConfig::from_stored_json reads both meanings), and reads give schema 3's new columns as empty.
  static constexpr int kOldestReadableSchema = 1;
  enum class Mode { read_write, read_only };

  explicit Store(const std::string& path, Mode mode = Mode::read_write);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;

  int64_t create_sweep(const std::string& name, const std::string& config_json);
  std::optional<int64_t> find_sweep(const std::string& name) const;
  int64_t create_run(const std::string& name, const std::string& config_json, std::optional<int64_t> sweep_id);
  void mark_started(int64_t run_id);
  void finish_run(int64_t run_id, const std::string& status, int64_t steps_done, std::optional<int64_t> diverged_step,
                  const std::string& error);
  void set_progress(int64_t run_id, int64_t steps_done);

  // The runs browser's edits, each one transaction. StoreError when the run does not exist.
  // rename_run: also when the name is empty or another run of its sweep has it.
  void rename_run(int64_t run_id, const std::string& name);
  void set_note(int64_t run_id, const std::string& note);
  // Deletes the run with its metrics and spectra, nothing else: forks of it stay, without their parent.
  // Refused while the run is running (its trainer would write on).
  void delete_run(int64_t run_id);
  // A run of no sweep that starts from `parent_run_id`'s checkpoint at `fork_step`.
  int64_t create_fork(const std::string& name, const std::string& config_json, int64_t parent_run_id,
                      int64_t fork_step);

  // One transaction per call. A step already stored for a run and metric is replaced (a resumed run
  // repeats the steps after its last checkpoint, bit-identically).
  void append_metrics(int64_t run_id, const std::vector<train::MetricPoint>& points);
  void append_spectra(int64_t run_id, const std::vector<train::Spectrum>& spectra);

  std::vector<RunRecord> runs(std::optional<int64_t> sweep_id = std::nullopt) const;
  std::optional<RunRecord> run(int64_t run_id) const;
  std::vector<std::string> metric_names(int64_t run_id) const;
  std::vector<SeriesPoint> series(int64_t run_id, const std::string& metric) const;
  // The last `count` points of a series, oldest first: what a list of runs needs, without reading it all.
  std::vector<SeriesPoint> last_points(int64_t run_id, const std::string& metric, int64_t count) const;
  std::vector<train::Spectrum> spectra(int64_t run_id) const;

  // How long a call waits for another connection's write lock before it throws StoreBusy (default 3 s).
  void set_busy_timeout(int milliseconds);

  std::string integrity_check() const;  // "ok" when sound
  int schema_version() const;
  const std::string& path() const;

 private:
  friend struct detail::StoreAccess;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace limuon::store
