// The SQLite store: round trips, names as data, and every kind of bad database file handled with a
// message and without changing the file; integrity after kill -9 mid-write.
#include "limuon/store/store.hpp"
#include "limuon/util/runtime_env.hpp"
#include "support/scratch_dir.hpp"

#include <nlohmann/json.hpp>
#include <sched.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

namespace {

namespace fs = std::filesystem;
using limuon::store::Store;
using limuon::store::StoreError;
using limuon::train::MetricPoint;

class StoreFiles : public limuon::testing::ScratchDirTest {
 protected:
  StoreFiles() : ScratchDirTest("store") {}
  static std::string bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void raw_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  template <typename Fn>
  static void expect_store_error(Fn&& fn, const std::string& fragment) {
    try {
      fn();
      ADD_FAILURE() << "no error; expected '" << fragment << "'";
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
};

TEST_F(StoreFiles, RunsMetricsAndSpectraRoundTrip) {
  Store store(file("runs.db"));
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  const int64_t sweep = store.create_sweep("rank sweep", "{\"grid\": {}}");
  const std::string evil = "x'); DROP TABLE runs; --";
  const int64_t run = store.create_run(evil, "{\"lr\": 0.02}", sweep);
  store.mark_started(run);
  std::vector<MetricPoint> points;
  for (int64_t s = 1; s <= 1000; ++s) {
    points.push_back({s, 0.01 * double(s), "train_loss", 5.0 / double(s)});
    if (s % 10 == 0) points.push_back({s, 0.01 * double(s), "val_loss", 6.0 / double(s)});
  }
  store.append_metrics(run, points);
  store.append_spectra(run, {{10, "blocks.0.attn.q.weight", "momentum", {3.0, 2.0, 1.0}, 0.75},
                             {10, "blocks.0.attn.q.weight", "update", {0.1, 0.1}, -1}});
  store.finish_run(run, "finished", 1000, std::nullopt, "");

  const auto runs = store.runs(sweep);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].name, evil);  // data, never SQL
  EXPECT_EQ(runs[0].status, "finished");
  EXPECT_EQ(runs[0].steps_done, 1000);
  EXPECT_FALSE(runs[0].started_at.empty());
  EXPECT_NE(runs[0].versions_json.find("libtorch"), std::string::npos);
  const auto loss = store.series(run, "train_loss");
  ASSERT_EQ(loss.size(), 1000u);
  EXPECT_EQ(loss[499].step, 500);
  EXPECT_EQ(loss[499].value, 0.01);
  EXPECT_EQ(store.series(run, "val_loss").size(), 100u);
  EXPECT_EQ(store.metric_names(run), (std::vector<std::string>{"train_loss", "val_loss"}));
  const auto spectra = store.spectra(run);
  ASSERT_EQ(spectra.size(), 2u);
  EXPECT_EQ(spectra[0].values, (std::vector<double>{3.0, 2.0, 1.0}));
  EXPECT_EQ(spectra[0].energy_fraction, 0.75);
  EXPECT_EQ(spectra[1].energy_fraction, -1);
  EXPECT_TRUE(fs::exists(file("runs.db-wal")));  // WAL mode
  EXPECT_EQ(store.integrity_check(), "ok");
}

// A report names what measured its numbers from the store alone: the commit and the machine.
TEST_F(StoreFiles, ARunRecordsTheCommitAndTheMachineThatRanIt) {
  const std::string path = file("machine.db");
  Store store(path);
  const int64_t run = store.create_run("r", "{}", std::nullopt);
  raw_sql(path, "UPDATE runs SET versions_json = '{}' WHERE id = 1");  // as a run created elsewhere
  store.mark_started(run);
  const auto versions = nlohmann::json::parse(store.run(run)->versions_json);

  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(versions.at("cores").get<int>(), CPU_COUNT(&set));
  std::ifstream cpuinfo("/proc/cpuinfo");
  const std::string text{std::istreambuf_iterator<char>(cpuinfo), std::istreambuf_iterator<char>()};
  std::smatch model;
  if (std::regex_search(text, model, std::regex("model name\\s*: ([^\\n]*)")))
    EXPECT_EQ(versions.at("cpu").get<std::string>(), model[1].str());
  EXPECT_EQ(versions.at("blas_core").get<std::string>(), limuon::openblas_core());
  EXPECT_TRUE(std::regex_match(versions.at("commit").get<std::string>(),
                               std::regex("[0-9a-f]{12}(-dirty)?|unknown")))
      << versions.at("commit");
  EXPECT_EQ(versions.at("libtorch").get<std::string>().substr(0, 3), "1.1");
}

TEST_F(StoreFiles, RepeatedStepsReplaceAndReopeningKeepsEverything) {
  {
    Store store(file("runs.db"));
    const int64_t run = store.create_run("a", "{}", std::nullopt);
    store.append_metrics(run, {{1, 0, "train_loss", 1.0}, {2, 0, "train_loss", 2.0}});
    store.append_metrics(run, {{2, 0, "train_loss", 2.5}, {3, 0, "train_loss", 3.0}});  // resumed from step 1
  }
  Store reopened(file("runs.db"), Store::Mode::read_only);
  const auto s = reopened.series(1, "train_loss");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].value, 2.5);
}

TEST_F(StoreFiles, NonFiniteValuesStayNonFinite) {
  Store store(file("runs.db"));
  const int64_t run = store.create_run("a", "{}", std::nullopt);
  store.append_metrics(run, {{1, 0, "train_loss", std::nan("")}, {2, 0, "train_loss", 1.5}});
  const auto s = store.series(run, "train_loss");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(std::isnan(s[0].value));  // a diverged loss must not read back as 0
  EXPECT_EQ(s[1].value, 1.5);
}

TEST_F(StoreFiles, ForeignKeysAreEnforced) {
  Store store(file("runs.db"));
  expect_store_error([&] { store.create_run("orphan", "{}", 42); }, "FOREIGN KEY");
}

TEST_F(StoreFiles, GarbageFileIsRejectedAndLeftAlone) {
  const auto path = file("garbage.db");
  std::ofstream(path, std::ios::binary) << std::string(8192, 'Z');
  const std::string before = bytes(path);
  expect_store_error([&] { Store s(path); }, "not a database");
  expect_store_error([&] { Store s(path, Store::Mode::read_only); }, "not a database");
  EXPECT_EQ(bytes(path), before);
}

TEST_F(StoreFiles, TruncatedDatabaseIsRejectedAndLeftAlone) {
  {
    Store store(file("runs.db"));
    const int64_t run = store.create_run("a", "{}", std::nullopt);
    std::vector<MetricPoint> points;
    for (int64_t s = 0; s < 20000; ++s) points.push_back({s, 0, "train_loss", double(s)});
    store.append_metrics(run, points);
  }
  const auto path = file("runs.db");
  fs::resize_file(path, 4096 * 2);  // keep the header, lose the pages
  const std::string before = bytes(path);
  try {
    Store s(path);
    EXPECT_NE(s.integrity_check(), "ok");  // may open; then the damage shows here, not as a crash
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
  }
  EXPECT_EQ(bytes(path), before);
}

TEST_F(StoreFiles, OtherApplicationsDatabaseIsRejectedAndLeftAlone) {
  const auto path = file("other.db");
  raw_sql(path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, amount REAL)");
  const std::string before = bytes(path);
  expect_store_error([&] { Store s(path); }, "not a LiMuon Lab database");
  EXPECT_EQ(bytes(path), before);
}

TEST_F(StoreFiles, NewerSchemaIsRejectedAndLeftAlone) {
  { Store store(file("runs.db")); }
  raw_sql(file("runs.db"), "PRAGMA user_version = 99");
  const std::string before = bytes(file("runs.db"));
  expect_store_error([&] { Store s(file("runs.db")); }, "newer LiMuon Lab (schema 99");
  EXPECT_EQ(bytes(file("runs.db")), before);
}

TEST_F(StoreFiles, ReadOnlyModeReadsAndRefusesWrites) {
  { Store store(file("runs.db")); store.create_run("a", "{}", std::nullopt); }
  Store ro(file("runs.db"), Store::Mode::read_only);
  EXPECT_EQ(ro.runs().size(), 1u);
  expect_store_error([&] { ro.create_run("b", "{}", std::nullopt); }, "readonly");
  expect_store_error([&] { Store s(file("missing.db"), Store::Mode::read_only); }, "no such file");
}

TEST_F(StoreFiles, ALockedDatabaseGivesAClearMessage) {
  Store store(file("runs.db"));
  store.set_busy_timeout(100);  // instead of 3 s
  const int64_t run = store.create_run("a", "{}", std::nullopt);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(file("runs.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);  // holds the write lock
  expect_store_error([&] { store.append_metrics(run, {{1, 0, "train_loss", 1.0}}); }, "another process");
  EXPECT_THROW(store.append_metrics(run, {{1, 0, "train_loss", 1.0}}), limuon::store::StoreBusy);  // retryable
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  store.append_metrics(run, {{1, 0, "train_loss", 1.0}});  // and works once the lock is gone
  EXPECT_EQ(store.series(run, "train_loss").size(), 1u);
}

TEST_F(StoreFiles, IntegrityIsOkAfterKillNineMidWrite) {
  const auto path = file("runs.db");
  { Store store(path); store.create_run("victim", "{}", std::nullopt); }
  auto stored = [&] { return Store(path, Store::Mode::read_only).series(1, "train_loss"); };
  int64_t next_step = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int64_t first = next_step;  // each attempt writes steps no earlier attempt wrote
    const size_t before = stored().size();
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {  // writes batch after batch until killed; anything else ends it with a plain exit
      try {
        Store store(path);
        for (int64_t s = first;; s += 500) {
          std::vector<MetricPoint> points;
          for (int64_t k = 0; k < 500; ++k) points.push_back({s + k, 0, "train_loss", double(s + k)});
          store.append_metrics(1, points);
        }
      } catch (...) {
      }
      _exit(3);
    }
    // Kill once the child has committed at least two batches of this attempt's steps: it is then
    // writing the next one.
    size_t seen = before;
    for (int polls = 0; polls < 4000 && seen < before + 1000; ++polls) {
      usleep(5000);
      try {
        seen = stored().size();
      } catch (const StoreError&) {  // a reader can meet the writer mid-checkpoint: look again
      }
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_GE(seen, before + 1000) << "the writer made no progress";
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer ended by itself: " << status;
    Store store(path);
    EXPECT_EQ(store.integrity_check(), "ok");
    const auto series = store.series(1, "train_loss");
    ASSERT_GE(series.size(), seen);  // every row committed before the kill is there
    EXPECT_EQ(series.size() % 500, 0u);  // whole transactions only
    for (size_t i = 0; i < series.size(); ++i) {  // steps 0, 1, 2, ... with no gap, each with its value
      ASSERT_EQ(series[i].step, static_cast<int64_t>(i));
      ASSERT_EQ(series[i].value, double(i));
    }
    next_step = series.back().step + 1;
  }
}

}  // namespace
