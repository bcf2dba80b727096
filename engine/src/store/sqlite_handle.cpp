#include "sqlite_handle.hpp"

#include "limuon/store/store.hpp"

#include <limits>

namespace limuon::store::detail {

void fail(sqlite3* db, const std::string& path, const std::string& what) {
  const int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string message = "database " + path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
    throw StoreBusy(message + " (another process is writing it; wait for it or use another --db)");
  if ((code & 0xff) == SQLITE_READONLY)
    message += " (the file or its folder is read-only; copy it somewhere writable)";
  else if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT)
    message += " (the file is damaged or not a database; it was not changed)";
  throw StoreError(message);
}

void exec(sqlite3* db, const std::string& sql, const std::string& path) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    sqlite3_free(error);
    fail(db, path, "cannot run '" + sql.substr(0, 40) + "'");
  }
}

Statement::Statement(sqlite3* db, const std::string& sql, const std::string& path)
    : stmt_(nullptr, &sqlite3_finalize), db_(db), path_(path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) fail(db, path, "cannot prepare a query");
  stmt_.reset(raw);
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_.get(), index, value);
  return *this;
}
Statement& Statement::bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_.get(), index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}
Statement& Statement::bind_blob(int index, const void* data, int bytes) {
  sqlite3_bind_blob(stmt_.get(), index, data, bytes, SQLITE_TRANSIENT);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string sql = sqlite3_sql(stmt_.get());
  sqlite3_reset(stmt_.get());
  fail(db_, path_, "query failed ('" + sql.substr(0, 40) + "')");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
double Statement::real(int column) const {
  // SQLite stores a NaN as NULL: read it back as NaN, not as 0 (a diverged loss must not look perfect).
  if (is_null(column)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_.get(), column);
}
bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }
std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)))
           : std::string();
}
std::vector<double> Statement::doubles(int column) const {
  const auto* p = static_cast<const double*>(sqlite3_column_blob(stmt_.get(), column));
  const int bytes = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::vector<double>(p, p + bytes / static_cast<int>(sizeof(double))) : std::vector<double>();
}

Transaction::Transaction(sqlite3* db, const std::string& path) : db_(db), path_(path) {
  exec(db_, "BEGIN IMMEDIATE", path_);
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  exec(db_, "COMMIT", path_);
  done_ = true;
}

}  // namespace limuon::store::detail
