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
};

struct SeriesPoint {
  int64_t step;
  double value;
  double wall_s;
};

class Store {
 public:
  static constexpr int kSchemaVersion = 2;
  // Read-only opening needs no migration down to this schema: later ones changed only what configs mean,
  // and RunConfig::from_stored_json reads both meanings.
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
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace limuon::store
