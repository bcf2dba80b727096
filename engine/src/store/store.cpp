#include "limuon/store/store.hpp"

#include <torch/version.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <unordered_map>

#include "sqlite_handle.hpp"

namespace limuon::store {
namespace {

using detail::Statement;
using detail::Transaction;

constexpr int kDefaultBusyTimeoutMs = 3000;
constexpr int64_t kApplicationId = 0x4C694D75;  // "LiMu": marks a LiMuon Lab database

// Migration k brings a database from schema version k to k + 1. Append; never edit a shipped one.
const std::vector<const char*> kMigrations = {
    R"sql(
    CREATE TABLE sweeps(
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      config_json TEXT NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));
    CREATE TABLE runs(
      id INTEGER PRIMARY KEY,
      sweep_id INTEGER REFERENCES sweeps(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      config_json TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'queued',
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      started_at TEXT, finished_at TEXT,
      steps_done INTEGER NOT NULL DEFAULT 0,
      diverged_step INTEGER,
      error TEXT NOT NULL DEFAULT '',
      versions_json TEXT NOT NULL DEFAULT '{}',
      UNIQUE(sweep_id, name));
    CREATE TABLE metric_names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE metrics(
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      name_id INTEGER NOT NULL REFERENCES metric_names(id),
      step INTEGER NOT NULL,
      value REAL,
      wall_s REAL NOT NULL,
      PRIMARY KEY(run_id, name_id, step)) WITHOUT ROWID;
    CREATE TABLE spectra(
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      param TEXT NOT NULL, kind TEXT NOT NULL, step INTEGER NOT NULL,
      energy_fraction REAL,
      singular_values BLOB NOT NULL,
      PRIMARY KEY(run_id, param, kind, step)) WITHOUT ROWID;
    )sql",
    // Schema 1 -> 2: AdamW runs read their learning rate from adamw_lr (lr is the matrices' rate of LiMuon and
    // Muon), so a stored AdamW run keeps the rate it trained with; lr goes back to its default of then. The
    // grad_evals key marks a config as written in the new sense (RunConfig::from_stored_json reads both).
    R"sql(
    UPDATE runs SET config_json = json_set(config_json, '$.adamw_lr', json_extract(config_json, '$.lr'), '$.lr', 0.02)
      WHERE json_valid(config_json) AND json_extract(config_json, '$.optimizer') = 'adamw'
        AND json_type(config_json, '$.lr') IN ('real', 'integer') AND json_type(config_json, '$.grad_evals') IS NULL;
    UPDATE runs SET config_json = json_set(config_json, '$.grad_evals', 0)
      WHERE json_valid(config_json) AND json_type(config_json, '$.grad_evals') IS NULL;
    )sql",
};

std::string versions_json() {
  return std::string("{\"limuon_lab\": \"0.1.0\", \"libtorch\": \"") + std::to_string(TORCH_VERSION_MAJOR) + "." +
         std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH) + "\", \"sqlite\": \"" +
         sqlite3_libversion() + "\"}";
}

}  // namespace

struct Store::Impl {
  std::string path;
  detail::Connection db{nullptr, &sqlite3_close};
  int version = 0;
  std::unordered_map<std::string, int64_t> metric_ids;  // names never change id: look each up once

  int64_t pragma_int(const std::string& name) const {
    Statement s(db.get(), "PRAGMA " + name, path);
    return s.step() ? s.int64(0) : 0;
  }

  Impl(const std::string& file, Mode mode) : path(file) {
    const bool read_only = mode == Mode::read_only;
    if (read_only && !std::filesystem::exists(file)) throw StoreError("database " + file + ": no such file");
    sqlite3* raw = nullptr;
    const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    db.reset(raw);
    if (rc != SQLITE_OK) detail::fail(db.get(), path, "cannot open");
    sqlite3_busy_timeout(db.get(), kDefaultBusyTimeoutMs);

    // Look before touching anything: a foreign, damaged or newer file must be left exactly as it is.
    const int64_t tables = [&] {
      Statement s(db.get(), "SELECT count(*) FROM sqlite_master", path);
      return s.step() ? s.int64(0) : 0;
    }();
    const int64_t application = pragma_int("application_id");
    version = static_cast<int>(pragma_int("user_version"));
    if (tables > 0 && application != kApplicationId)
      throw StoreError("database " + path + ": not a LiMuon Lab database (it holds other tables); it was not changed");
    if (version > kSchemaVersion)
      throw StoreError("database " + path + ": written by a newer LiMuon Lab (schema " + std::to_string(version) +
                       ", this build knows up to " + std::to_string(kSchemaVersion) + "); it was not changed");
    if (read_only) {
      if (version < kOldestReadableSchema)
        throw StoreError("database " + path + ": schema " + std::to_string(version) +
                         " is older than this build's; open it once for writing (e.g. limuon-lab train --db) to migrate");
    } else {
      if (sqlite3_db_readonly(db.get(), "main") == 1)
        throw StoreError("database " + path + ": the file is read-only; browse it with 'limuon-lab runs' or copy it");
      migrate();
      detail::exec(db.get(), "PRAGMA journal_mode=WAL", path);
      // FULL: each commit syncs the WAL, so a committed batch survives a power cut, not only a kill
      // (NORMAL syncs only at WAL checkpoints and can lose the last commits to a power cut).
      detail::exec(db.get(), "PRAGMA synchronous=FULL", path);
    }
    detail::exec(db.get(), "PRAGMA foreign_keys=ON", path);
  }

  void migrate() {
    if (version == kSchemaVersion) return;
    Transaction tx(db.get(), path);
    for (int v = version; v < kSchemaVersion; ++v) detail::exec(db.get(), kMigrations[static_cast<size_t>(v)], path);
    detail::exec(db.get(), "PRAGMA application_id=" + std::to_string(kApplicationId), path);
    detail::exec(db.get(), "PRAGMA user_version=" + std::to_string(kSchemaVersion), path);
    tx.commit();
    version = kSchemaVersion;
  }

  int64_t metric_id(const std::string& name) {
    if (auto it = metric_ids.find(name); it != metric_ids.end()) return it->second;
    const int64_t id = lookup_or_insert_metric(name);
    metric_ids.emplace(name, id);
    return id;
  }

  int64_t lookup_or_insert_metric(const std::string& name) {
    Statement find(db.get(), "SELECT id FROM metric_names WHERE name = ?", path);
    if (find.bind(1, name).step()) return find.int64(0);
    Statement insert(db.get(), "INSERT INTO metric_names(name) VALUES (?)", path);
    insert.bind(1, name).run();
    return sqlite3_last_insert_rowid(db.get());
  }

  RunRecord read_run(const Statement& s) const {
    RunRecord r;
    r.id = s.int64(0);
    if (!s.is_null(1)) r.sweep_id = s.int64(1);
    r.name = s.text(2);
    r.config_json = s.text(3);
    r.status = s.text(4);
    r.created_at = s.text(5);
    r.started_at = s.text(6);
    r.finished_at = s.text(7);
    r.steps_done = s.int64(8);
    if (!s.is_null(9)) r.diverged_step = s.int64(9);
    r.error = s.text(10);
    r.versions_json = s.text(11);
    return r;
  }
};

static const char* kRunColumns =
    "id, sweep_id, name, config_json, status, created_at, ifnull(started_at, ''), ifnull(finished_at, ''), "
    "steps_done, diverged_step, error, versions_json";

Store::Store(const std::string& path, Mode mode) : impl_(std::make_unique<Impl>(path, mode)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

const std::string& Store::path() const { return impl_->path; }
void Store::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(impl_->db.get(), std::max(0, milliseconds)); }
int Store::schema_version() const { return impl_->version; }

int64_t Store::create_sweep(const std::string& name, const std::string& config_json) {
  Statement s(impl_->db.get(), "INSERT INTO sweeps(name, config_json) VALUES (?, ?)", impl_->path);
  s.bind(1, name).bind(2, config_json).run();
  return sqlite3_last_insert_rowid(impl_->db.get());
}

std::optional<int64_t> Store::find_sweep(const std::string& name) const {
  Statement s(impl_->db.get(), "SELECT id FROM sweeps WHERE name = ?", impl_->path);
  if (s.bind(1, name).step()) return s.int64(0);
  return std::nullopt;
}

int64_t Store::create_run(const std::string& name, const std::string& config_json, std::optional<int64_t> sweep_id) {
  Statement s(impl_->db.get(), "INSERT INTO runs(sweep_id, name, config_json, versions_json) VALUES (?, ?, ?, ?)",
              impl_->path);
  if (sweep_id) s.bind(1, *sweep_id);
  else s.bind_null(1);
  s.bind(2, name).bind(3, config_json).bind(4, versions_json()).run();
  return sqlite3_last_insert_rowid(impl_->db.get());
}

void Store::mark_started(int64_t run_id) {
  Statement s(impl_->db.get(),
              "UPDATE runs SET status = 'running', started_at = ifnull(started_at, strftime('%Y-%m-%dT%H:%M:%fZ', "
              "'now')), finished_at = NULL WHERE id = ?",
              impl_->path);
  s.bind(1, run_id).run();
}

void Store::finish_run(int64_t run_id, const std::string& status, int64_t steps_done,
                       std::optional<int64_t> diverged_step, const std::string& error) {
  Statement s(impl_->db.get(),
              "UPDATE runs SET status = ?, steps_done = ?, diverged_step = ?, error = ?, "
              "finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
              impl_->path);
  s.bind(1, status).bind(2, steps_done);
  if (diverged_step) s.bind(3, *diverged_step);
  else s.bind_null(3);
  s.bind(4, error).bind(5, run_id).run();
}

void Store::set_progress(int64_t run_id, int64_t steps_done) {
  Statement s(impl_->db.get(), "UPDATE runs SET steps_done = ? WHERE id = ?", impl_->path);
  s.bind(1, steps_done).bind(2, run_id).run();
}

void Store::append_metrics(int64_t run_id, const std::vector<train::MetricPoint>& points) {
  if (points.empty()) return;
  Transaction tx(impl_->db.get(), impl_->path);
  Statement insert(impl_->db.get(),
                   "INSERT OR REPLACE INTO metrics(run_id, name_id, step, value, wall_s) VALUES (?, ?, ?, ?, ?)",
                   impl_->path);
  try {
    for (const auto& p : points) {
      insert.bind(1, run_id).bind(2, impl_->metric_id(p.name)).bind(3, p.step).bind(4, p.value).bind(5, p.wall_s);
      insert.run();
    }
    tx.commit();
  } catch (...) {
    impl_->metric_ids.clear();  // names inserted by this transaction are rolled back with it
    throw;
  }
}

void Store::append_spectra(int64_t run_id, const std::vector<train::Spectrum>& spectra) {
  if (spectra.empty()) return;
  Transaction tx(impl_->db.get(), impl_->path);
  Statement insert(impl_->db.get(),
                   "INSERT OR REPLACE INTO spectra(run_id, param, kind, step, energy_fraction, singular_values) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   impl_->path);
  for (const auto& s : spectra) {
    insert.bind(1, run_id).bind(2, s.param).bind(3, s.kind).bind(4, s.step);
    if (s.energy_fraction >= 0) insert.bind(5, s.energy_fraction);
    else insert.bind_null(5);
    insert.bind_blob(6, s.values.data(), static_cast<int>(s.values.size() * sizeof(double)));
    insert.run();
  }
  tx.commit();
}

std::vector<RunRecord> Store::runs(std::optional<int64_t> sweep_id) const {
  const std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs" +
                          (sweep_id ? " WHERE sweep_id = ?" : "") + " ORDER BY id";
  Statement s(impl_->db.get(), sql, impl_->path);
  if (sweep_id) s.bind(1, *sweep_id);
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(impl_->read_run(s));
  return out;
}

std::optional<RunRecord> Store::run(int64_t run_id) const {
  Statement s(impl_->db.get(), std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?", impl_->path);
  if (s.bind(1, run_id).step()) return impl_->read_run(s);
  return std::nullopt;
}

std::vector<std::string> Store::metric_names(int64_t run_id) const {
  Statement s(impl_->db.get(),
              // EXISTS seeks the (run_id, name_id, step) key once per name instead of scanning every point.
              "SELECT n.name FROM metric_names n WHERE EXISTS "
              "(SELECT 1 FROM metrics m WHERE m.run_id = ? AND m.name_id = n.id) ORDER BY n.name",
              impl_->path);
  s.bind(1, run_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::vector<SeriesPoint> Store::series(int64_t run_id, const std::string& metric) const {
  Statement s(impl_->db.get(),
              "SELECT step, value, wall_s FROM metrics WHERE run_id = ? AND name_id = "
              "(SELECT id FROM metric_names WHERE name = ?) ORDER BY step",
              impl_->path);
  s.bind(1, run_id).bind(2, metric);
  std::vector<SeriesPoint> out;
  while (s.step()) out.push_back({s.int64(0), s.real(1), s.real(2)});
  return out;
}

std::vector<SeriesPoint> Store::last_points(int64_t run_id, const std::string& metric, int64_t count) const {
  Statement s(impl_->db.get(),
              "SELECT step, value, wall_s FROM metrics WHERE run_id = ? AND name_id = "
              "(SELECT id FROM metric_names WHERE name = ?) ORDER BY step DESC LIMIT ?",
              impl_->path);
  s.bind(1, run_id).bind(2, metric).bind(3, count);
  std::vector<SeriesPoint> out;
  while (s.step()) out.push_back({s.int64(0), s.real(1), s.real(2)});
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<train::Spectrum> Store::spectra(int64_t run_id) const {
  Statement s(impl_->db.get(),
              "SELECT step, param, kind, ifnull(energy_fraction, -1), singular_values FROM spectra WHERE run_id = ? "
              "ORDER BY step, param, kind",
              impl_->path);
  s.bind(1, run_id);
  std::vector<train::Spectrum> out;
  while (s.step()) out.push_back({s.int64(0), s.text(1), s.text(2), s.doubles(4), s.real(3)});
  return out;
}

std::string Store::integrity_check() const {
  Statement s(impl_->db.get(), "PRAGMA integrity_check", impl_->path);
  std::string out;
  while (s.step()) out += (out.empty() ? "" : "; ") + s.text(0);
  return out;
}

}  // namespace limuon::store
