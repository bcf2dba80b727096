#include "gui/store_reader.hpp"

#include "limuon/train/checkpoint.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

namespace limuon::gui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

RunList read_list(const std::string& db_path, const RunQuery& query) {
  RunList list;
  list.db_path = db_path;
  std::error_code ec;
  if (!std::filesystem::exists(db_path, ec)) return list;  // a new database: the first run creates it
  try {
    store::Store db(db_path, store::Store::Mode::read_only);
    for (auto& found : store::query_runs(db, query.filter, query.sort, query.descending)) {
      RunRow row;
      row.record = std::move(found.record);
      try {
        row.config = train::RunConfig::from_stored_json(row.record.config_json);
      } catch (const std::exception&) {
        row.config_readable = false;  // written by a newer build, or damaged: listed, not trusted
      }
      row.final_train_loss = found.final_train_loss.value_or(kNaN);
      row.final_val_loss = found.final_val_loss.value_or(kNaN);
      list.rows.push_back(std::move(row));
    }
  } catch (const std::exception& e) {
    list.error = e.what();
  }
  return list;
}

LoadedRun read_run(const std::string& db_path, int64_t run_id, XUnit unit, double smoothing) {
  LoadedRun loaded;
  loaded.db_path = db_path;
  loaded.unit = unit;
  loaded.smoothing = smoothing;
  try {
    store::Store db(db_path, store::Store::Mode::read_only);
    const auto record = db.run(run_id);
    if (!record) throw std::runtime_error("no run " + std::to_string(run_id) + " in " + db_path);
    auto run = std::make_unique<RunData>();
    run->run_id = run_id;
    run->name = record->name;
    run->status = record->status;
    try {
      run->config = train::RunConfig::from_stored_json(record->config_json);
    } catch (const std::exception&) {
      run->config_readable = false;
    }
    for (const auto& name : db.metric_names(run_id))
      for (const auto& p : db.series(run_id, name)) run->add(train::MetricPoint{p.step, p.wall_s, name, p.value}, unit, smoothing);
    for (const auto& s : db.spectra(run_id)) run->add(s);
    loaded.run = std::move(run);
  } catch (const std::exception& e) {
    loaded.error = e.what();
  }
  return loaded;
}

// A loss that falls like a real run's, with noise, a few spikes and one non-finite point, so the
// benchmark draws what decimation must keep.
LoadedRun synthetic_run(int64_t points, XUnit unit, double smoothing) {
  LoadedRun loaded;
  loaded.unit = unit;
  loaded.smoothing = smoothing;
  auto run = std::make_unique<RunData>();
  run->name = "synthetic " + std::to_string(points) + " points";
  run->status = "synthetic";
  run->config.optimizer = "muon";
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 0.05);
  for (int64_t step = 1; step <= points; ++step) {
    double loss = 2.0 + 3.5 * std::exp(-static_cast<double>(step) / (0.1 * static_cast<double>(points))) + noise(rng);
    if (step % 99'991 == 0) loss *= 4;  // spikes a plain stride would skip
    if (step == points / 2) loss = kNaN;
    run->add(train::MetricPoint{step, 0.01 * static_cast<double>(step), "train_loss", loss}, unit, smoothing);
  }
  loaded.run = std::move(run);
  return loaded;
}

}  // namespace

void StoreReader::request_list(const std::string& db_path, const RunQuery& query) {
  jobs_.post([this, db_path, query] {
    RunList list = read_list(db_path, query);
    std::lock_guard<std::mutex> lock(mutex_);
    lists_.push_back(std::move(list));
  });
}

void StoreReader::request_run(const std::string& db_path, int64_t run_id, XUnit unit, double smoothing) {
  jobs_.post([this, db_path, run_id, unit, smoothing] {
    LoadedRun run = read_run(db_path, run_id, unit, smoothing);
    std::lock_guard<std::mutex> lock(mutex_);
    runs_.push_back(std::move(run));
  });
}

void StoreReader::request_synthetic(int64_t points, XUnit unit, double smoothing) {
  jobs_.post([this, points, unit, smoothing] {
    LoadedRun run = synthetic_run(points, unit, smoothing);
    std::lock_guard<std::mutex> lock(mutex_);
    runs_.push_back(std::move(run));
  });
}

void StoreReader::request_edit(const std::string& db_path, std::function<void(store::Store&)> edit, std::string done,
                               bool writes) {
  jobs_.post([this, db_path, edit = std::move(edit), done = std::move(done), writes] {
    EditResult result{done, false};
    try {
      store::Store db(db_path, writes ? store::Store::Mode::read_write : store::Store::Mode::read_only);
      edit(db);
    } catch (const std::exception& e) {
      result = {e.what(), true};
    }
    std::lock_guard<std::mutex> lock(mutex_);
    edits_.push_back(std::move(result));
  });
}

void StoreReader::request_fork_steps(const std::string& db_path, int64_t run_id) {
  jobs_.post([this, db_path, run_id] {
    ForkSteps found{run_id, train::history_steps(db_path + ".checkpoints/run-" + std::to_string(run_id))};
    std::lock_guard<std::mutex> lock(mutex_);
    fork_steps_.push_back(std::move(found));
  });
}

std::vector<EditResult> StoreReader::take_edits() { return take_all(mutex_, edits_); }

std::vector<ForkSteps> StoreReader::take_fork_steps() { return take_all(mutex_, fork_steps_); }

std::vector<RunList> StoreReader::take_lists() { return take_all(mutex_, lists_); }

std::vector<LoadedRun> StoreReader::take_runs() { return take_all(mutex_, runs_); }

}  // namespace limuon::gui
