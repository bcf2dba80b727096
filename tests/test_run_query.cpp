// The runs browser's store side: filters, sorts (missing losses last both ways), final losses as
// `limuon-lab runs` computes them, rename, note, delete (exactly one run's rows), fork origin, and
// schema 1 and 2 files read without migrating and migrated without losing a run.
#include "limuon/store/compare.hpp"
#include "limuon/store/run_query.hpp"
#include "limuon/train/run_config.hpp"
#include "support/old_schema.hpp"
#include "support/scratch_dir.hpp"

#include <sqlite3.h>

#include <cmath>
#include <map>

namespace {

using limuon::store::query_runs;
using limuon::store::RunFilter;
using limuon::store::RunRow;
using limuon::store::RunSortKey;
using limuon::store::Store;
using limuon::store::StoreError;
using limuon::train::MetricPoint;
using limuon::train::RunConfig;

const double kNaN = std::nan("");

std::string config(const std::string& optimizer, const std::string& model, int64_t rank, double lr) {
  RunConfig c;
  c.optimizer = optimizer;
  c.model = model;
  c.rank = rank;
  c.lr = lr;
  return c.to_json();
}

std::vector<MetricPoint> points(const std::string& metric, const std::vector<std::pair<int64_t, double>>& values) {
  std::vector<MetricPoint> out;
  for (const auto& [step, value] : values) out.push_back({step, 0.1 * double(step), metric, value});
  return out;
}

class RunQuery : public limuon::testing::ScratchDirTest {
 protected:
  RunQuery() : ScratchDirTest("run-query") {}

  // Five runs whose every column sorts differently. Losses (train = mean of the last 10, val = last):
  //   1 alpha adamw        sweep, finished  train 1..12 -> 7.5   val 2.5, 1.0 -> 1.0
  //   2 Beta limuon r8     sweep, finished  train 4,3,2,1 -> 2.5 val 1.5          note "Promising LR"
  //   3 gamma limuon r8.0  stopped          train 0.5,NaN,1 -> NaN, no val   (old config: rank 8.0, lowrank)
  //   4 delta muon         running          no points
  //   5 epsilon            failed           train 8 -> 8       val NaN        (config "{}": every default)
  void make_runs(Store& store) {
    const int64_t sweep = store.create_sweep("lr sweep", "{}");
    store.create_run("alpha adamw", config("adamw", "gpt:classroom", 0, 0.001), sweep);
    store.create_run("Beta limuon r8", config("limuon", "gpt:small", 8, 0.02), sweep);
    store.create_run("gamma limuon r8.0", R"({"optimizer":"limuon","rank":8.0,"polar":"lowrank"})", std::nullopt);
    store.create_run("delta muon", config("muon", "vit:classroom", 0, 0.02), std::nullopt);
    store.create_run("epsilon", "{}", std::nullopt);
    std::vector<std::pair<int64_t, double>> rising;
    for (int64_t s = 1; s <= 12; ++s) rising.push_back({s, double(s)});
    store.append_metrics(1, points("train_loss", rising));
    store.append_metrics(1, points("val_loss", {{5, 2.5}, {10, 1.0}}));
    store.append_metrics(2, points("train_loss", {{1, 4.0}, {2, 3.0}, {3, 2.0}, {4, 1.0}}));
    store.append_metrics(2, points("val_loss", {{4, 1.5}}));
    store.append_metrics(3, points("train_loss", {{1, 0.5}, {2, kNaN}, {3, 1.0}}));
    store.append_metrics(5, points("train_loss", {{1, 8.0}}));
    store.append_metrics(5, points("val_loss", {{1, kNaN}}));
    store.append_spectra(1, {{10, "w", "update", {2.0, 1.0}, -1}, {12, "w", "update", {2.0, 0.5}, -1}});
    store.append_spectra(2, {{4, "w", "momentum", {3.0}, 0.5}});
    store.finish_run(1, "finished", 12, std::nullopt, "");
    store.finish_run(2, "finished", 4, std::nullopt, "");
    store.finish_run(3, "stopped", 3, std::nullopt, "");
    store.mark_started(4);
    store.set_progress(4, 7);
    store.finish_run(5, "failed", 1, std::nullopt, "boom");
    store.set_note(2, "Promising LR");
    sql(store.path(),
        "UPDATE runs SET created_at = CASE id WHEN 1 THEN '2026-01-05' WHEN 2 THEN '2026-01-01' WHEN 3 THEN "
        "'2026-01-03' WHEN 4 THEN '2026-01-02' ELSE '2026-01-04' END");
  }

  static void sql(const std::string& path, const std::string& statements) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, statements.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  // run id -> rows of `table` for it, read past the Store.
  static std::map<int64_t, int64_t> rows_per_run(const std::string& path, const std::string& table) {
    sqlite3* db = nullptr;
    std::map<int64_t, int64_t> out;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return out;
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, ("SELECT run_id, count(*) FROM " + table + " GROUP BY run_id").c_str(), -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) out[sqlite3_column_int64(s, 0)] = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  }
  static std::vector<int64_t> ids(const std::vector<RunRow>& rows) {
    std::vector<int64_t> out;
    for (const auto& r : rows) out.push_back(r.record.id);
    return out;
  }
  template <typename Fn>
  static std::string error_of(Fn&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  }
};

using Ids = std::vector<int64_t>;

TEST_F(RunQuery, EachSortKeyOrdersBothWaysWithMissingLossesLast) {
  Store store(file("runs.db"));
  make_runs(store);
  auto sorted = [&](RunSortKey key, bool descending) { return ids(query_runs(store, {}, key, descending)); };
  EXPECT_EQ(sorted(RunSortKey::id, false), (Ids{1, 2, 3, 4, 5}));
  EXPECT_EQ(sorted(RunSortKey::id, true), (Ids{5, 4, 3, 2, 1}));
  EXPECT_EQ(sorted(RunSortKey::name, false), (Ids{1, 2, 4, 5, 3}));  // "Beta" after "alpha": case is ignored
  EXPECT_EQ(sorted(RunSortKey::name, true), (Ids{3, 5, 4, 2, 1}));
  EXPECT_EQ(sorted(RunSortKey::status, false), (Ids{5, 1, 2, 4, 3}));  // ties by id, same direction
  EXPECT_EQ(sorted(RunSortKey::status, true), (Ids{3, 4, 2, 1, 5}));
  EXPECT_EQ(sorted(RunSortKey::model, false), (Ids{1, 3, 5, 2, 4}));  // 3 and 5 lack a model: the default
  EXPECT_EQ(sorted(RunSortKey::model, true), (Ids{4, 2, 5, 3, 1}));
  EXPECT_EQ(sorted(RunSortKey::optimizer, false), (Ids{1, 2, 3, 5, 4}));  // 5's "{}" is limuon
  EXPECT_EQ(sorted(RunSortKey::optimizer, true), (Ids{4, 5, 3, 2, 1}));
  EXPECT_EQ(sorted(RunSortKey::created, false), (Ids{2, 4, 3, 5, 1}));
  EXPECT_EQ(sorted(RunSortKey::created, true), (Ids{1, 5, 3, 4, 2}));
  EXPECT_EQ(sorted(RunSortKey::steps, false), (Ids{5, 3, 2, 4, 1}));
  EXPECT_EQ(sorted(RunSortKey::steps, true), (Ids{1, 4, 2, 3, 5}));
  // Numbers first, then NaN (3), then missing (4), in either direction.
  EXPECT_EQ(sorted(RunSortKey::final_train_loss, false), (Ids{2, 1, 5, 3, 4}));
  EXPECT_EQ(sorted(RunSortKey::final_train_loss, true), (Ids{5, 1, 2, 3, 4}));
  EXPECT_EQ(sorted(RunSortKey::final_val_loss, false), (Ids{1, 2, 5, 3, 4}));
  EXPECT_EQ(sorted(RunSortKey::final_val_loss, true), (Ids{2, 1, 5, 4, 3}));
}

TEST_F(RunQuery, FinalLossesAreTheHandComputedOnesAndThoseOfRunsSummaries) {
  Store store(file("runs.db"));
  make_runs(store);
  const auto rows = query_runs(store);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].final_train_loss, 7.5);  // steps 3..12: the last ten, not all twelve (6.5)
  EXPECT_EQ(rows[0].final_val_loss, 1.0);
  EXPECT_EQ(rows[1].final_train_loss, 2.5);  // fewer than ten: all of them
  EXPECT_EQ(rows[1].final_val_loss, 1.5);
  ASSERT_TRUE(rows[2].final_train_loss.has_value());
  EXPECT_TRUE(std::isnan(*rows[2].final_train_loss));  // a diverged window is NaN, not the mean of the rest
  EXPECT_FALSE(rows[2].final_val_loss.has_value());
  EXPECT_FALSE(rows[3].final_train_loss.has_value());
  EXPECT_FALSE(rows[3].final_val_loss.has_value());
  EXPECT_EQ(rows[4].final_train_loss, 8.0);
  ASSERT_TRUE(rows[4].final_val_loss.has_value());
  EXPECT_TRUE(std::isnan(*rows[4].final_val_loss));
  EXPECT_EQ(rows[1].model, "gpt:small");
  EXPECT_EQ(rows[2].model, "gpt:classroom");  // missing: RunConfig's default
  EXPECT_EQ(rows[3].optimizer, "muon");
  EXPECT_EQ(rows[1].record.note, "Promising LR");
  EXPECT_EQ(rows[4].record.error, "boom");
  auto same = [](std::optional<double> a, std::optional<double> b) {
    return a.has_value() == b.has_value() && (!a || *a == *b || (std::isnan(*a) && std::isnan(*b)));
  };
  for (const auto& row : rows) {  // the browser and `limuon-lab runs` agree
    const auto summary = limuon::store::summarize_run(store, row.record);
    EXPECT_TRUE(same(row.final_train_loss, summary.final_train_loss)) << "run " << row.record.id;
    EXPECT_TRUE(same(row.final_val_loss, summary.final_val_loss)) << "run " << row.record.id;
  }
}

TEST_F(RunQuery, EachFilterSelectsItsRuns) {
  Store store(file("runs.db"));
  make_runs(store);
  auto matching = [&](const RunFilter& f) { return ids(query_runs(store, f)); };
  EXPECT_EQ(matching({"ALPHA"}), (Ids{1}));        // name, any case
  EXPECT_EQ(matching({"promising"}), (Ids{2}));    // note
  EXPECT_EQ(matching({"lowrank"}), (Ids{3}));      // a setting's text
  EXPECT_EQ(matching({"vit:"}), (Ids{4}));
  EXPECT_EQ(matching({"%"}), (Ids{}));             // a LIKE wildcard is only a character
  EXPECT_EQ(matching({"", {"finished"}}), (Ids{1, 2}));
  EXPECT_EQ(matching({"", {"running", "failed"}}), (Ids{4, 5}));
  EXPECT_EQ(matching({"", {}, {"limuon"}}), (Ids{2, 3, 5}));  // 5 by default
  EXPECT_EQ(matching({"", {}, {"adamw", "muon"}}), (Ids{1, 4}));
  EXPECT_EQ(matching({"", {}, {}, {{"rank", "8"}}}), (Ids{2, 3}));  // stored as 8 and as 8.0
  EXPECT_EQ(matching({"", {}, {}, {{"rank", "8.0"}}}), (Ids{2, 3}));
  EXPECT_EQ(matching({"", {}, {}, {{"rank", "0"}}}), (Ids{1, 4, 5}));  // 5 lacks rank: its default, 0
  EXPECT_EQ(matching({"", {}, {}, {{"polar", "ns"}}}), (Ids{1, 2, 4, 5}));  // the alias of newton_schulz
  EXPECT_EQ(matching({"", {}, {}, {{"lr", "0.001"}}}), (Ids{1}));
  EXPECT_EQ(matching({"limuon", {"finished"}, {"limuon"}, {{"rank", "8"}, {"model", "gpt:small"}}}), (Ids{2}));
  EXPECT_EQ(matching({"", {"finished"}, {"muon"}}), (Ids{}));
}

TEST_F(RunQuery, AFilterOnAnUnknownOrBadSettingSaysWhich) {
  Store store(file("runs.db"));
  make_runs(store);
  EXPECT_THROW(query_runs(store, {"", {}, {}, {{"rnak", "8"}}}), limuon::train::ConfigError);
  const std::string unknown = error_of([&] { query_runs(store, {"", {}, {}, {{"rnak", "8"}}}); });
  EXPECT_NE(unknown.find("unknown key 'rnak'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("rank"), std::string::npos) << unknown;  // and lists the known ones
  const std::string bad = error_of([&] { query_runs(store, {"", {}, {}, {{"rank", "eight"}}}); });
  EXPECT_NE(bad.find("rank = 'eight' is not a finite number"), std::string::npos) << bad;
}

TEST_F(RunQuery, AConfigThatIsNotJsonListsAsUnknownAndBreaksNoFilter) {
  Store store(file("runs.db"));
  store.create_run("garbled", "not json", std::nullopt);
  store.create_run("fine", config("muon", "gpt:classroom", 0, 0.02), std::nullopt);
  const auto rows = query_runs(store, {}, RunSortKey::model);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].model, "?");
  EXPECT_EQ(rows[0].optimizer, "?");
  EXPECT_EQ(ids(query_runs(store, {"", {}, {"muon"}, {{"rank", "0"}}})), (Ids{2}));
}

TEST_F(RunQuery, RenameChecksTheNameAndItsSweep) {
  Store store(file("runs.db"));
  make_runs(store);
  store.rename_run(1, "alpha renamed");
  EXPECT_EQ(store.run(1)->name, "alpha renamed");
  const std::string taken = error_of([&] { store.rename_run(1, "Beta limuon r8"); });
  EXPECT_NE(taken.find("run 2 of the same sweep has that name"), std::string::npos) << taken;
  EXPECT_NE(taken.find(store.path()), std::string::npos) << taken;
  EXPECT_EQ(store.run(1)->name, "alpha renamed");
  store.rename_run(3, "epsilon");  // runs outside a sweep may share a name
  EXPECT_EQ(store.run(3)->name, "epsilon");
  EXPECT_NE(error_of([&] { store.rename_run(2, ""); }).find("empty name"), std::string::npos);
  EXPECT_EQ(store.run(2)->name, "Beta limuon r8");
  EXPECT_NE(error_of([&] { store.rename_run(99, "x"); }).find("no such run"), std::string::npos);
  EXPECT_THROW(store.rename_run(99, "x"), StoreError);
}

TEST_F(RunQuery, NotesAreKeptAndSearchable) {
  Store store(file("runs.db"));
  make_runs(store);
  store.set_note(4, "watch the 'spikes'; step 40");
  EXPECT_EQ(store.run(4)->note, "watch the 'spikes'; step 40");
  EXPECT_EQ(ids(query_runs(store, {"SPIKES"})), (Ids{4}));
  store.set_note(4, "");
  EXPECT_EQ(store.run(4)->note, "");
  EXPECT_THROW(store.set_note(99, "x"), StoreError);
}

TEST_F(RunQuery, DeleteRemovesExactlyOneRunsRows) {
  Store store(file("runs.db"));
  make_runs(store);
  const int64_t fork = store.create_fork("alpha fork", config("adamw", "gpt:classroom", 0, 0.001), 1, 10);
  store.append_metrics(fork, points("train_loss", {{11, 1.0}}));
  auto metrics = rows_per_run(store.path(), "metrics");
  auto spectra = rows_per_run(store.path(), "spectra");
  ASSERT_EQ(metrics.count(1), 1u);
  ASSERT_EQ(spectra.count(1), 1u);
  ASSERT_EQ(spectra.count(2), 1u);

  store.delete_run(1);
  metrics.erase(1);
  spectra.erase(1);
  EXPECT_EQ(rows_per_run(store.path(), "metrics"), metrics);  // every other run's rows, unchanged
  EXPECT_EQ(rows_per_run(store.path(), "spectra"), spectra);
  EXPECT_FALSE(store.run(1).has_value());
  EXPECT_EQ(ids(query_runs(store)), (Ids{2, 3, 4, 5, fork}));
  EXPECT_TRUE(store.find_sweep("lr sweep").has_value());  // the sweep stays, with its other run
  EXPECT_EQ(store.runs(*store.find_sweep("lr sweep")).size(), 1u);
  EXPECT_FALSE(store.run(fork)->parent_run_id.has_value());  // the fork stays, its parent gone
  EXPECT_EQ(store.run(fork)->fork_step, 10);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST_F(RunQuery, ADeletedRunsIdIsNeverGivenToANewRun) {
  // Its checkpoint folder and lock file may outlive it on disk: a new run must not inherit them.
  Store store(file("runs.db"));
  make_runs(store);
  const int64_t last = store.runs().back().id;
  store.delete_run(last);
  const int64_t next = store.create_run("after", config("muon", "gpt:classroom", 0, 0.02), std::nullopt);
  EXPECT_EQ(next, last + 1);
  store.delete_run(next);
  store.delete_run(3);
  EXPECT_EQ(store.create_fork("fork", config("muon", "gpt:classroom", 0, 0.02), 1, 2), last + 2);
}

TEST_F(RunQuery, DeleteRefusesARunningRunAndAMissingOne) {
  Store store(file("runs.db"));
  make_runs(store);
  const auto before = rows_per_run(store.path(), "metrics");
  const std::string running = error_of([&] { store.delete_run(4); });
  EXPECT_NE(running.find("it is running; stop it first"), std::string::npos) << running;
  EXPECT_TRUE(store.run(4).has_value());
  EXPECT_NE(error_of([&] { store.delete_run(99); }).find("no such run"), std::string::npos);
  EXPECT_EQ(rows_per_run(store.path(), "metrics"), before);
  EXPECT_EQ(store.runs().size(), 5u);
}

TEST_F(RunQuery, AForkRecordsItsOrigin) {
  Store store(file("runs.db"));
  make_runs(store);
  const int64_t fork = store.create_fork("beta fork", config("limuon", "gpt:small", 8, 0.01), 2, 3);
  const auto run = store.run(fork);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->parent_run_id, 2);
  EXPECT_EQ(run->fork_step, 3);
  EXPECT_FALSE(run->sweep_id.has_value());
  EXPECT_EQ(run->status, "queued");
  EXPECT_EQ(query_runs(store).back().record.parent_run_id, 2);
  EXPECT_FALSE(store.run(2)->parent_run_id.has_value());
  EXPECT_NE(error_of([&] { store.create_fork("orphan", "{}", 99, 1); }).find("no such run"), std::string::npos);
  EXPECT_EQ(store.runs().size(), 6u);
  store.delete_run(2);
  EXPECT_FALSE(store.run(fork)->parent_run_id.has_value());
}

// A schema 3 file taken back to `version` as an older build left it.
class OldSchemas : public RunQuery {
 protected:
  void downgrade(const std::string& path, int version) {
    sql(path, std::string(limuon::testing::kUndoSchema3) + "PRAGMA user_version=" + std::to_string(version));
  }
};

TEST_F(OldSchemas, AreReadWithoutMigratingAndMigrateKeepingEveryRun) {
  for (int version : {1, 2}) {
    SCOPED_TRACE("schema " + std::to_string(version));
    const std::string path = file("old" + std::to_string(version) + ".db");
    std::vector<limuon::store::RunRecord> before;
    std::map<int64_t, int64_t> metrics, spectra;
    {
      Store store(path);
      make_runs(store);
      before = store.runs();
    }
    metrics = rows_per_run(path, "metrics");
    spectra = rows_per_run(path, "spectra");
    downgrade(path, version);
    {
      Store old(path, Store::Mode::read_only);
      EXPECT_EQ(old.schema_version(), version);
      const auto runs = old.runs();
      ASSERT_EQ(runs.size(), before.size());
      EXPECT_EQ(runs[1].note, "");  // the note went with the column
      EXPECT_EQ(old.run(2)->note, "");
      EXPECT_EQ(ids(query_runs(old, {}, RunSortKey::final_val_loss)), (Ids{1, 2, 5, 3, 4}));
      EXPECT_EQ(ids(query_runs(old, {"lowrank"})), (Ids{3}));
      EXPECT_EQ(ids(query_runs(old, {"promising"})), (Ids{}));
    }
    Store store(path);
    EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
    const auto after = store.runs();
    ASSERT_EQ(after.size(), before.size());
    for (size_t i = 0; i < after.size(); ++i) {
      EXPECT_EQ(after[i].id, before[i].id);
      EXPECT_EQ(after[i].name, before[i].name);
      EXPECT_EQ(after[i].status, before[i].status);
      EXPECT_EQ(after[i].steps_done, before[i].steps_done);
      EXPECT_EQ(after[i].created_at, before[i].created_at);
      if (version == 2) {  // 1 -> 2 rewrites old configs
        EXPECT_EQ(after[i].config_json, before[i].config_json);
      }
      EXPECT_EQ(after[i].note, "");
      EXPECT_FALSE(after[i].parent_run_id.has_value());
    }
    EXPECT_EQ(rows_per_run(path, "metrics"), metrics);
    EXPECT_EQ(rows_per_run(path, "spectra"), spectra);
    store.set_note(2, "back");  // the new columns and index work after the migration
    EXPECT_EQ(store.run(store.create_fork("f", "{}", 2, 1))->parent_run_id, 2);
    EXPECT_EQ(ids(query_runs(store, {"back"})), (Ids{2}));
    EXPECT_EQ(store.integrity_check(), "ok");
  }
}

}  // namespace
