// The runs browser's list: every run of a store that passes a filter, with the model, optimizer and
// final losses a list shows, sorted by any column. One SQL statement does the filtering, the losses and
// the sort, so a store of 10,000 runs lists in a fraction of a second (bench_runs_browser measures it).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "limuon/store/store.hpp"

namespace limuon::store {

struct RunFilter {
  std::string text;                     // case-insensitive substring of the name, the note or the config JSON
  std::vector<std::string> statuses;    // empty = all
  std::vector<std::string> optimizers;  // empty = all
  // key = value, exactly, on the config ({"rank", "8"}); numbers compare as numbers (8 matches 8.0), a key
  // an older config lacks has its default. A key RunConfig does not know is a train::ConfigError.
  std::vector<std::pair<std::string, std::string>> settings;
};

enum class RunSortKey { id, name, status, model, optimizer, created, steps, final_train_loss, final_val_loss };

// A run's line in the browser. The losses are those of summarize_run (compare.hpp), so the browser and
// `limuon-lab runs` agree: NaN when the run diverged there, nullopt when it has none.
struct RunRow {
  RunRecord record;
  std::string model, optimizer;            // "?" when the config is not JSON
  std::optional<double> final_train_loss;  // mean of the last (up to) 10 train_loss values
  std::optional<double> final_val_loss;    // the last val_loss
};

// Ties go by run id, in the same direction. A loss that is NaN sorts after every number and one that is
// missing after that, whichever the direction: the runs worth looking at come first.
std::vector<RunRow> query_runs(const Store& store, const RunFilter& filter = {}, RunSortKey sort = RunSortKey::id,
                               bool descending = false);

}  // namespace limuon::store
