#include "limuon/store/store.hpp"

#include <torch/version.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "limuon/util/build_info.hpp"
#include "sqlite_handle.hpp"
#include "store_access.hpp"

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
    // Schema 2 -> 3: the runs browser's note, and where a fork came from. Deleting the parent keeps the
    // fork; the index makes that (and listing a run's forks) a seek instead of a scan of every run. Deleted
    // run ids are retired: a new run never takes one (its checkpoint folder and lock may still be on disk).
    R"sql(
    ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;
    ALTER TABLE runs ADD COLUMN fork_step INTEGER;
    CREATE INDEX runs_by_parent ON runs(parent_run_id);
    CREATE TABLE retired_run_ids(id INTEGER PRIMARY KEY);
    )sql",
};

// A new run's id: above every run's and every deleted run's.
constexpr const char* kNextRunId =
    "(SELECT max(ifnull((SELECT max(id) FROM runs), 0), ifnull((SELECT max(id) FROM retired_run_ids), 0)) + 1)";

// What measured a run: the program's versions, its commit and the machine. Written when the run is created
// and again each time it starts, so a run resumed elsewhere names the machine that finished it.
std::string versions_json() {
  const MachineInfo machine = this_machine();
  nlohmann::ordered_json j;
  j["limuon_lab"] = "0.1.0";
  j["commit"] = build_commit();
  j["libtorch"] = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                  std::to_string(TORCH_VERSION_PATCH);
  j["sqlite"] = sqlite3_libversion();
  j["cores"] = machine.cores;
  j["cpu"] = machine.cpu;
  j["blas_core"] = machine.blas_core;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

  [[noreturn]] void refuse(const std::string& what) const { throw StoreError("database " + path + ": " + what); }

  // The run as it is now, inside the caller's transaction; `action` says what could not be done without it.
  RunRecord existing_run(int64_t run_id, const std::string& action) const {
    Statement s(db.get(), "SELECT " + detail::run_columns(version) + " FROM runs WHERE id = ?", path);
    if (!s.bind(1, run_id).step())
      refuse("cannot " + action + " run " + std::to_string(run_id) + ": there is no such run");
    return detail::read_run(s);
  }
};

namespace detail {

sqlite3* StoreAccess::db(const Store& store) { return store.impl_->db.get(); }

std::string run_columns(int schema_version) {
  return std::string(
             "id, sweep_id, name, config_json, status, created_at, ifnull(started_at, '') AS started_at, "
             "ifnull(finished_at, '') AS finished_at, steps_done, diverged_step, error, versions_json, ") +
         (schema_version >= 3 ? "note, parent_run_id, fork_step"
                              : "'' AS note, NULL AS parent_run_id, NULL AS fork_step");
}

RunRecord read_run(const Statement& s) {
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
  r.note = s.text(12);
  if (!s.is_null(13)) r.parent_run_id = s.int64(13);
  if (!s.is_null(14)) r.fork_step = s.int64(14);
  return r;
}

}  // namespace detail

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
  Statement s(impl_->db.get(),
              std::string("INSERT INTO runs(id, sweep_id, name, config_json, versions_json) VALUES (") + kNextRunId +
                  ", ?, ?, ?, ?)",
              impl_->path);
  if (sweep_id) s.bind(1, *sweep_id);
  else s.bind_null(1);
  s.bind(2, name).bind(3, config_json).bind(4, versions_json()).run();
  return sqlite3_last_insert_rowid(impl_->db.get());
}

void Store::mark_started(int64_t run_id) {
  Statement s(impl_->db.get(),
              "UPDATE runs SET status = 'running', started_at = ifnull(started_at, strftime('%Y-%m-%dT%H:%M:%fZ', "
              "'now')), finished_at = NULL, versions_json = ? WHERE id = ?",
              impl_->path);
  s.bind(1, versions_json()).bind(2, run_id).run();
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

void Store::rename_run(int64_t run_id, const std::string& name) {
  const std::string id = std::to_string(run_id);
  if (name.empty()) impl_->refuse("cannot rename run " + id + " to an empty name; give it a name");
  Transaction tx(impl_->db.get(), impl_->path);
  const RunRecord run = impl_->existing_run(run_id, "rename");
  if (run.sweep_id) {  // UNIQUE(sweep_id, name): say which run holds the name, not only that one does
    Statement other(impl_->db.get(), "SELECT id FROM runs WHERE sweep_id = ? AND name = ? AND id != ?", impl_->path);
    if (other.bind(1, *run.sweep_id).bind(2, name).bind(3, run_id).step())
      impl_->refuse("cannot rename run " + id + " to '" + name + "': run " + std::to_string(other.int64(0)) +
                    " of the same sweep has that name, and names are unique within a sweep; choose another");
  }
  Statement s(impl_->db.get(), "UPDATE runs SET name = ? WHERE id = ?", impl_->path);
  s.bind(1, name).bind(2, run_id).run();
  tx.commit();
}

void Store::set_note(int64_t run_id, const std::string& note) {
  Transaction tx(impl_->db.get(), impl_->path);
  impl_->existing_run(run_id, "write the note of");
  Statement s(impl_->db.get(), "UPDATE runs SET note = ? WHERE id = ?", impl_->path);
  s.bind(1, note).bind(2, run_id).run();
  tx.commit();
}

void Store::delete_run(int64_t run_id) {
  Transaction tx(impl_->db.get(), impl_->path);
  const RunRecord run = impl_->existing_run(run_id, "delete");
  if (run.status == "running")
    impl_->refuse("cannot delete run " + std::to_string(run_id) + " ('" + run.name +
                  "'): it is running; stop it first, then delete it");
  // Spelled out rather than left to ON DELETE: the result must not depend on the foreign_keys pragma.
  for (const char* sql : {"DELETE FROM metrics WHERE run_id = ?", "DELETE FROM spectra WHERE run_id = ?",
                          "UPDATE runs SET parent_run_id = NULL WHERE parent_run_id = ?", "DELETE FROM runs WHERE id = ?",
                          "INSERT OR IGNORE INTO retired_run_ids(id) VALUES (?)"}) {
    Statement s(impl_->db.get(), sql, impl_->path);
    s.bind(1, run_id).run();
  }
  tx.commit();
}

int64_t Store::create_fork(const std::string& name, const std::string& config_json, int64_t parent_run_id,
                           int64_t fork_step) {
  if (fork_step < 0)
    impl_->refuse("cannot fork run " + std::to_string(parent_run_id) + " at step " + std::to_string(fork_step) +
                  ": steps start at 0");
  Transaction tx(impl_->db.get(), impl_->path);
  impl_->existing_run(parent_run_id, "fork");
  Statement s(impl_->db.get(),
              std::string("INSERT INTO runs(id, sweep_id, name, config_json, versions_json, parent_run_id, fork_step) "
                          "VALUES (") + kNextRunId + ", NULL, ?, ?, ?, ?, ?)",
              impl_->path);
  s.bind(1, name).bind(2, config_json).bind(3, versions_json()).bind(4, parent_run_id).bind(5, fork_step).run();
  const int64_t id = sqlite3_last_insert_rowid(impl_->db.get());
  tx.commit();
  return id;
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
  const std::string sql = "SELECT " + detail::run_columns(impl_->version) + " FROM runs" +
                          (sweep_id ? " WHERE sweep_id = ?" : "") + " ORDER BY id";
  Statement s(impl_->db.get(), sql, impl_->path);
  if (sweep_id) s.bind(1, *sweep_id);
  std::vector<RunRecord> out;
  while (s.step()) out.push_back(detail::read_run(s));
  return out;
}

std::optional<RunRecord> Store::run(int64_t run_id) const {
  Statement s(impl_->db.get(), "SELECT " + detail::run_columns(impl_->version) + " FROM runs WHERE id = ?",
              impl_->path);
  if (s.bind(1, run_id).step()) return detail::read_run(s);
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
