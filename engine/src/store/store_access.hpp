// What code outside the Store class needs of its insides: the connection, and how a runs row reads
// back into a RunRecord. The runs browser's query (run_query.cpp) and the store benchmark's bulk
// inserts use it. Private to the engine.
#pragma once

#include <string>

#include "limuon/store/store.hpp"
#include "sqlite_handle.hpp"

namespace limuon::store::detail {

struct StoreAccess {
  static sqlite3* db(const Store& store);
};

// The runs columns a RunRecord is read from, named as in the table. Schemas before 3 lack note,
// parent_run_id and fork_step: they read as '' and NULL, so a read-only old file needs no migration.
std::string run_columns(int schema_version);
constexpr int kRunColumnCount = 15;
// A RunRecord from columns 0 .. kRunColumnCount - 1 of a row selected with run_columns.
RunRecord read_run(const Statement& s);

}  // namespace limuon::store::detail
