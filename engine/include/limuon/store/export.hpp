// A stored run written out for other tools: every metric point as CSV (metric,step,value,wall_s), or the
// run whole (settings, status, metrics, spectra) as JSON. Used by `limuon-lab runs export` and the window's
// runs browser. std::runtime_error naming the file when it cannot be written.
#pragma once

#include <string>

#include "limuon/store/store.hpp"

namespace limuon::store {

void export_run_csv(const Store& store, const RunRecord& run, const std::string& path);
void export_run_json(const Store& store, const RunRecord& run, const std::string& path);

}  // namespace limuon::store
