// Counters an optimizer keeps about its own steps, for the trainer and the app to report.
#pragma once

#include <cstdint>

namespace limuon {

struct StepStats {
  int64_t steps = 0;              // steps that updated the weights
  int64_t grad_evals = 0;         // closure evaluations (LiMuon spends two per step)
  int64_t skipped_nonfinite = 0;  // steps skipped whole because a gradient held NaN or Inf
  int64_t kept_momentum = 0;      // LiMuon: second-pass gradient not finite, momentum left at M_t
  bool last_skipped = false;
};

}  // namespace limuon
