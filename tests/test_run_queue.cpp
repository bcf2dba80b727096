// The run queue against a busy database: another connection holds the write lock past the busy
// timeout, the queue keeps its writes and retries them, the run goes on, and every metric arrives;
// meanwhile the trainer's checkpoints keep the points the database does not have yet.
#include "limuon/store/store.hpp"
#include "limuon/sweep/run_queue.hpp"
#include "support/scratch_dir.hpp"
#include "support/tiny_run.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

using limuon::store::Store;
using limuon::sweep::QueueOptions;
using limuon::sweep::QueueProgress;

limuon::train::RunConfig tiny_run(int64_t steps) {
  auto c = limuon::testing::tiny_run("muon", steps, 5);
  c.spectrum_every = 5;
  c.checkpoint_every = 2;
  return c;
}

// Another process's writer: holds the database's write lock from take() until release().
class WriteLockHolder {
 public:
  explicit WriteLockHolder(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~WriteLockHolder() {
    release();
    sqlite3_close(db_);
  }
  void take() {
    ASSERT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db_);
    held_ = true;
  }
  void release() {
    if (held_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    held_ = false;
  }
  bool held() const { return held_; }

 private:
  sqlite3* db_ = nullptr;
  bool held_ = false;
};

class RunQueue : public limuon::testing::ScratchDirTest {
 protected:
  RunQueue() : ScratchDirTest("queue") {}
  QueueOptions options(const std::string& name) {
    QueueOptions o;
    o.checkpoint_root = file(name + ".checkpoints");
    o.on_warning = [this](const std::string& w) { warnings.push_back(w); };
    return o;
  }
  // What a run left in its store, as counts per metric and spectra.
  static std::vector<std::pair<std::string, size_t>> stored_counts(const Store& store, int64_t run) {
    std::vector<std::pair<std::string, size_t>> out;
    for (const auto& name : store.metric_names(run)) out.emplace_back(name, store.series(run, name).size());
    out.emplace_back("spectra", store.spectra(run).size());
    return out;
  }
  std::vector<std::string> warnings;
};

TEST_F(RunQueue, ARunWhoseLockCannotBeCreatedFailsAloneWithTheReason) {
  Store store(file("runs.db"));
  const int64_t id = store.create_run("no lock", tiny_run(2).to_json(), std::nullopt);
  auto o = options("runs");
  o.checkpoint_root = "/proc/limuon-cannot-create-this";  // not even root can make a folder here
  const auto outcome = limuon::sweep::run_queue(store, {{id, tiny_run(2), nullptr}}, o);
  EXPECT_EQ(outcome.failed, 1);
  const auto run = store.run(id);
  EXPECT_EQ(run->status, "failed");
  EXPECT_NE(run->error.find("/proc/limuon-cannot-create-this/run-"), std::string::npos) << run->error;
}

TEST_F(RunQueue, ABusyDatabaseDelaysTheWritesAndLosesNone) {
  const auto config = tiny_run(30);
  Store reference(file("reference.db"));  // the same run with nobody in the way
  const int64_t ref_id = reference.create_run("busy", config.to_json(), std::nullopt);
  ASSERT_EQ(limuon::sweep::run_queue(reference, {{ref_id, config, nullptr}}, options("reference")).finished, 1);

  Store store(file("runs.db"));
  store.set_busy_timeout(20);
  const int64_t id = store.create_run("busy", config.to_json(), std::nullopt);
  WriteLockHolder other(file("runs.db"));
  other.take();  // before the run starts: marking it started waits too
  auto o = options("runs");
  o.on_progress = [&](const QueueProgress& p) {
    if (other.held() && (p.trainer.step() >= 15 || p.ended)) other.release();  // mid-run
  };
  const auto outcome = limuon::sweep::run_queue(store, {{id, config, nullptr}}, o);
  EXPECT_EQ(outcome.finished, 1);
  EXPECT_EQ(outcome.failed, 0);
  ASSERT_GE(warnings.size(), 2u);
  EXPECT_NE(warnings.front().find("retrying"), std::string::npos) << warnings.front();
  EXPECT_NE(warnings.back().find("writable again"), std::string::npos) << warnings.back();

  const auto run = store.run(id);
  EXPECT_EQ(run->status, "finished");
  EXPECT_EQ(run->steps_done, 30);
  EXPECT_NE(run->started_at, "");
  const auto loss = store.series(id, "train_loss");
  ASSERT_EQ(loss.size(), 30u);
  EXPECT_EQ(loss.front().step, 1);
  EXPECT_EQ(loss.back().step, 30);
  EXPECT_EQ(stored_counts(store, id), stored_counts(reference, ref_id));  // every metric, every spectrum
  EXPECT_EQ(store.integrity_check(), "ok");
}

// The run queue confirms only what it stored: while the database is busy, the checkpoints carry the
// points that wait in memory.
TEST_F(RunQueue, ItConfirmsToTheTrainerOnlyWhatTheDatabaseHas) {
  const auto config = tiny_run(20);
  Store store(file("runs.db"));
  store.set_busy_timeout(20);
  const int64_t id = store.create_run("busy", config.to_json(), std::nullopt);
  WriteLockHolder other(file("runs.db"));
  other.take();
  auto o = options("runs");
  o.on_progress = [&](const QueueProgress& p) {
    if (p.ended) other.release();  // busy until after the run's last checkpoint
  };
  EXPECT_EQ(limuon::sweep::run_queue(store, {{id, config, nullptr}}, o).finished, 1);
  EXPECT_EQ(store.series(id, "train_loss").size(), 20u);
  // The last checkpoint was written while nothing had reached the database: it holds every point.
  std::ifstream in(file("runs.checkpoints/run-" + std::to_string(id) + "/current/progress.json"));
  const auto progress = nlohmann::json::parse(in);
  std::set<int64_t> steps;
  for (const auto& m : progress.at("recent_metrics"))
    if (m.at(2) == "train_loss") steps.insert(m.at(0).get<int64_t>());
  EXPECT_EQ(steps.size(), 20u);
}

}  // namespace
