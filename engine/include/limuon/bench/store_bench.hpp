// `limuon-lab bench runs-browser`: how fast the runs browser opens and filters a store of many runs.
// Builds a store of `runs` made-up runs (three optimizers, ranks, betas, learning rates, every status,
// `points_per_run` train losses and a validation loss every 10 steps each), then times opening it
// read-only and three query_runs calls. Each time is the median of a few repeats.
#pragma once

#include <cstddef>
#include <string>

namespace limuon::bench {

struct StoreBenchResult {
  int runs = 0;
  int points_per_run = 0;
  std::string db_path;
  double db_mb = 0;           // the file's size
  double build_ms = 0;        // writing the store (bulk inserts, not what the browser waits for)
  double open_ms = 0;         // Store opened read-only
  double all_ms = 0;          // every run, sorted by final validation loss
  double text_ms = 0;         // a text filter ("lowrank")
  double filtered_ms = 0;     // optimizer limuon and rank = 8
  size_t all_rows = 0, text_rows = 0, filtered_rows = 0;
  std::string report() const;
};

// Writes `scratch_dir`/runs-browser.db (replacing one left by an earlier run) and removes it again.
// StoreError when the folder cannot hold it.
StoreBenchResult bench_runs_browser(const std::string& scratch_dir, int runs = 10000, int points_per_run = 50);

}  // namespace limuon::bench
