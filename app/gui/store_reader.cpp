#include "gui/store_reader.hpp"

#include "limuon/store/compare.hpp"
#include "limuon/train/checkpoint.hpp"

#include <algorithm>
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

void StoreReader::request_sweep_results(const std::string& db_path, int64_t sweep_id, int basis) {
  jobs_.post([this, db_path, sweep_id, basis] {
    SweepResults out{db_path, sweep_id, basis, 0, {}, ""};
    try {
      store::Store db(db_path, store::Store::Mode::read_only);
      std::vector<int64_t> ids;
      std::vector<train::RunConfig> configs;
      for (const auto& r : db.runs(sweep_id)) {
        try {
          configs.push_back(train::RunConfig::from_stored_json(r.config_json));
          ids.push_back(r.id);
        } catch (const std::exception&) {  // a config this build cannot read takes no part
        }
      }
      if (!ids.empty()) {
        const store::Comparison c = store::compare_runs(db, ids);
        const auto& at = basis == 0 ? c.at_steps : basis == 1 ? c.at_grad_evals : c.at_wall_s;
        out.limit = basis == 0 ? static_cast<double>(c.steps) : basis == 1 ? c.grad_evals : c.wall_s;
        for (size_t i = 0; i < ids.size(); ++i) out.runs.push_back({ids[i], configs[i], at[i].val_loss});
      }
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_results_.push_back(std::move(out));
  });
}

void StoreReader::request_step_times(const std::string& db_path) {
  jobs_.post([this, db_path] {
    StepTimes out{db_path, {}};
    try {
      std::error_code ec;
      if (std::filesystem::exists(db_path, ec)) {
        store::Store db(db_path, store::Store::Mode::read_only);
        auto records = db.runs();
        int taken = 0;
        for (auto it = records.rbegin(); it != records.rend() && taken < 300; ++it) {
          if (it->status == "running" || it->status == "queued") continue;
          std::vector<double> ms;
          for (const auto& p : db.series(it->id, "step_ms"))
            if (std::isfinite(p.value)) ms.push_back(p.value);
          if (ms.empty()) continue;
          std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
          try {
            out.samples.push_back({train::RunConfig::from_stored_json(it->config_json), ms[ms.size() / 2]});
            ++taken;
          } catch (const std::exception&) {
          }
        }
      }
    } catch (const std::exception&) {  // no samples: the estimate says which kinds it could not time
    }
    std::lock_guard<std::mutex> lock(mutex_);
    step_times_.push_back(std::move(out));
  });
}

void StoreReader::request_sweep_file(const std::string& path) {
  jobs_.post([this, path] {
    LoadedSweep out{path, std::nullopt, ""};
    try {
      out.spec = sweep::load_sweep(path);
    } catch (const std::exception& e) {
      out.error = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_files_.push_back(std::move(out));
  });
}

void StoreReader::request_compute(std::function<std::function<void()>()> job) {
  jobs_.post([this, job = std::move(job)] {
    std::function<void()> apply = job();
    std::lock_guard<std::mutex> lock(mutex_);
    computed_.push_back(std::move(apply));
  });
}

std::vector<LoadedSweep> StoreReader::take_sweep_files() { return take_all(mutex_, sweep_files_); }

std::vector<std::function<void()>> StoreReader::take_computed() { return take_all(mutex_, computed_); }

std::vector<SweepResults> StoreReader::take_sweep_results() { return take_all(mutex_, sweep_results_); }

std::vector<StepTimes> StoreReader::take_step_times() { return take_all(mutex_, step_times_); }

std::vector<EditResult> StoreReader::take_edits() { return take_all(mutex_, edits_); }

std::vector<ForkSteps> StoreReader::take_fork_steps() { return take_all(mutex_, fork_steps_); }

std::vector<RunList> StoreReader::take_lists() { return take_all(mutex_, lists_); }

std::vector<LoadedRun> StoreReader::take_runs() { return take_all(mutex_, runs_); }

}  // namespace limuon::gui
