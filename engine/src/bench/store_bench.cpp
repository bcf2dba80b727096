#include "limuon/bench/store_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <vector>

#include "../store/sqlite_handle.hpp"
#include "../store/store_access.hpp"
#include "limuon/store/run_query.hpp"
#include "limuon/store/store.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::bench {
namespace {

namespace fs = std::filesystem;
using store::detail::Statement;
using store::detail::Transaction;

constexpr int kRunsPerTransaction = 1000;  // one commit, so one sync, per thousand runs
constexpr int kRepeats = 5;                // each time is the median: this machine's neighbours are noisy
constexpr int kValEvery = 10;

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The median of kRepeats calls of `fn`; `rows` gets what the last call returned.
template <typename Fn>
double median_ms(Fn&& fn, size_t& rows) {
  std::vector<double> times;
  for (int i = 0; i < kRepeats; ++i) {
    const auto start = Clock::now();
    rows = fn();
    times.push_back(ms_since(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Run i of the made-up store. Optimizers take turns; rank, beta and learning rate change at longer
// periods, so every combination occurs and each filter selects a different share of the runs.
train::RunConfig fake_config(int i) {
  static const char* const kOptimizers[] = {"limuon", "muon", "adamw"};
  static const double kRates[] = {0.005, 0.01, 0.02, 0.04};
  static const int64_t kRanks[] = {0, 4, 8, 16};
  static const double kBetas[] = {0.05, 0.1, 0.2};
  train::RunConfig c;
  c.optimizer = kOptimizers[i % 3];
  if (c.optimizer == "adamw") c.adamw_lr = kRates[(i / 3) % 4] / 4;
  else c.lr = kRates[(i / 3) % 4];
  if (c.optimizer == "limuon") {
    c.rank = kRanks[(i / 12) % 4];
    c.beta = kBetas[(i / 48) % 3];
    if (c.rank > 0 && i % 2 == 0) c.polar = "lowrank";
  }
  c.seed = i;
  c.name = c.summary();
  return c;
}

// Mostly finished, some of every other status; queued runs have no points yet, running ones half.
const char* fake_status(int i) {
  const int k = i % 20;
  return k < 14 ? "finished" : k < 16 ? "stopped" : k == 16 ? "diverged" : k == 17 ? "failed" : k == 18 ? "queued"
                                                                                                         : "running";
}

int64_t metric_id(sqlite3* db, const std::string& path, const std::string& name) {
  Statement insert(db, "INSERT OR IGNORE INTO metric_names(name) VALUES (?)", path);
  insert.bind(1, name).run();
  Statement find(db, "SELECT id FROM metric_names WHERE name = ?", path);
  find.bind(1, name).step();
  return find.int64(0);
}

// Bulk inserts on the Store's own connection: create_run and append_metrics commit once per call,
// which for 10,000 runs would be 20,000 syncs.
void build_store(const std::string& path, int runs, int points_per_run) {
  store::Store writer(path);
  sqlite3* db = store::detail::StoreAccess::db(writer);
  const int64_t train_id = metric_id(db, path, "train_loss");
  const int64_t val_id = metric_id(db, path, "val_loss");
  Statement run(db, "INSERT INTO runs(name, config_json, status, steps_done, note) VALUES (?, ?, ?, ?, ?)", path);
  Statement point(db, "INSERT INTO metrics(run_id, name_id, step, value, wall_s) VALUES (?, ?, ?, ?, ?)", path);
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> noise(-0.05, 0.05);
  for (int first = 0; first < runs; first += kRunsPerTransaction) {
    Transaction tx(db, path);
    for (int i = first; i < std::min(runs, first + kRunsPerTransaction); ++i) {
      const train::RunConfig config = fake_config(i);
      const std::string status = fake_status(i);
      const int64_t steps = status == "queued" ? 0 : status == "running" ? points_per_run / 2 : points_per_run;
      const std::string note = i % 25 == 0 ? "note " + std::to_string(i) + ": compare with the rank sweep" : "";
      run.bind(1, config.name).bind(2, config.to_json()).bind(3, status).bind(4, steps).bind(5, note).run();
      const int64_t id = sqlite3_last_insert_rowid(db);
      const double speed = 20.0 + i % 30;  // each run its own curve
      for (int64_t s = 1; s <= steps; ++s) {
        const bool blown = status == "diverged" && s > steps - 5;  // a diverged run ends in NaN
        const double loss = blown ? std::nan("") : 1.5 + 4.0 * std::exp(-double(s) / speed);
        point.bind(1, id).bind(2, train_id).bind(3, s).bind(4, loss + noise(random)).bind(5, 0.2 * double(s)).run();
        if (s % kValEvery == 0) point.bind(1, id).bind(2, val_id).bind(3, s).bind(4, loss + 0.1).bind(5, 0.2 * double(s)).run();
      }
    }
    tx.commit();
  }
}

void remove_store(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ignored);
}

}  // namespace

StoreBenchResult bench_runs_browser(const std::string& scratch_dir, int runs, int points_per_run) {
  StoreBenchResult r;
  r.runs = runs;
  r.points_per_run = points_per_run;
  std::error_code ignored;  // a folder that cannot be made fails below, with the store's message
  fs::create_directories(scratch_dir, ignored);
  r.db_path = (fs::path(scratch_dir) / "runs-browser.db").string();
  remove_store(r.db_path);

  auto start = Clock::now();
  build_store(r.db_path, runs, points_per_run);
  r.build_ms = ms_since(start);
  r.db_mb = double(fs::file_size(r.db_path, ignored)) / 1e6;

  size_t unused = 0;
  r.open_ms = median_ms(
      [&] {
        const store::Store opened(r.db_path, store::Store::Mode::read_only);
        return size_t{0};
      },
      unused);
  const store::Store browser(r.db_path, store::Store::Mode::read_only);
  r.all_ms = median_ms(
      [&] { return query_runs(browser, {}, store::RunSortKey::final_val_loss, false).size(); }, r.all_rows);
  store::RunFilter lowrank;
  lowrank.text = "lowrank";
  r.text_ms = median_ms([&] { return query_runs(browser, lowrank, store::RunSortKey::name, false).size(); },
                        r.text_rows);
  store::RunFilter limuon_rank_8;
  limuon_rank_8.optimizers = {"limuon"};
  limuon_rank_8.settings = {{"rank", "8"}};
  r.filtered_ms = median_ms(
      [&] { return query_runs(browser, limuon_rank_8, store::RunSortKey::final_train_loss, true).size(); },
      r.filtered_rows);
  remove_store(r.db_path);
  return r;
}

std::string StoreBenchResult::report() const {
  char buffer[1024];
  std::snprintf(buffer, sizeof buffer,
                "runs browser: %d runs, %d train losses each (%.1f MB), median of %d, warm cache\n"
                "  build (bulk inserts)                 %8.1f ms\n"
                "  open read-only                       %8.1f ms\n"
                "  all runs, by final val loss          %8.1f ms  %6zu rows\n"
                "  text \"lowrank\", by name              %8.1f ms  %6zu rows\n"
                "  optimizer limuon, rank = 8, by loss  %8.1f ms  %6zu rows\n",
                runs, points_per_run, db_mb, kRepeats, build_ms, open_ms, all_ms, all_rows, text_ms, text_rows,
                filtered_ms, filtered_rows);
  return buffer;
}

}  // namespace limuon::bench
