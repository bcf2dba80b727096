// Thin RAII over the sqlite3 C API: a connection, prepared statements that are reset for reuse, and a
// transaction that rolls back unless committed. Private to the store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace limuon::store::detail {

using Connection = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql, const std::string& path);
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::string& value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const void* data, int bytes);
  bool step();   // true while a row is available
  void run();    // step to completion, then reset
  void reset();  // reset and clear bindings for the next use

  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  bool is_null(int column) const;
  std::vector<double> doubles(int column) const;  // a BLOB of float64

 private:
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt_;
  sqlite3* db_;
  std::string path_;
};

class Transaction {
 public:
  Transaction(sqlite3* db, const std::string& path);  // BEGIN IMMEDIATE: takes the write lock up front
  ~Transaction();                                      // ROLLBACK unless committed
  void commit();

 private:
  sqlite3* db_;
  std::string path_;
  bool done_ = false;
};

// Runs SQL without results; throws StoreError with the file, the statement's purpose and SQLite's message.
void exec(sqlite3* db, const std::string& sql, const std::string& path);
[[noreturn]] void fail(sqlite3* db, const std::string& path, const std::string& what);

}  // namespace limuon::store::detail
