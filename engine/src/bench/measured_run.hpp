// What the memory and step benchmarks share: a run set up to be measured, and training it to its end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "limuon/train/events.hpp"
#include "limuon/train/run_config.hpp"

namespace limuon::bench::detail {

// One validation after the last step (it records the state bytes and the update norms), no spectra and no
// checkpoints, whose cost would land in the figures.
train::RunConfig measured_config(const std::string& model, int64_t batch, int64_t steps, int threads);

// Trains `config` to its end in this process and returns every metric point; throws with the reason when
// the run did not finish.
std::vector<train::MetricPoint> train_to_end(const train::RunConfig& config);

}  // namespace limuon::bench::detail
