// SQL that turns a database this build made back into schema 2, as an older build left it (then set
// user_version to 1 or 2): for the tests of reading and migrating old files.
#pragma once

namespace limuon::testing {

inline constexpr const char* kUndoSchema3 =
    "DROP TABLE retired_run_ids; DROP INDEX runs_by_parent; ALTER TABLE runs DROP COLUMN fork_step; "
    "ALTER TABLE runs DROP COLUMN parent_run_id; ALTER TABLE runs DROP COLUMN note; ";

}  // namespace limuon::testing
