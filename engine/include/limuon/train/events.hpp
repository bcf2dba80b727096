// What the trainer thread reports: metric points and singular-value spectra. The worker appends
// under a short lock; the GUI (or CLI) swaps the whole batch out once per frame and reads it unlocked.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace limuon::train {

struct MetricPoint {
  int64_t step = 0;
  double wall_s = 0;
  std::string name;  // train_loss, val_loss, lr, step_ms, grad_evals, samples, update_norm, state_bytes,
                     // rss_bytes, grad_norm/matrices, grad_norm/adamw
  double value = 0;
};

struct Spectrum {
  int64_t step = 0;
  std::string param;            // parameter name
  std::string kind;             // "update" (applied W_{t+1} - W_t) or "momentum"
  std::vector<double> values;   // singular values, largest first (top-k for large matrices)
  double energy_fraction = -1;  // LiMuon rank-r: |M_hat|_F^2 / |M|_F^2 of the momentum; -1 when not defined
};

struct TrainerEvents {
  std::vector<MetricPoint> metrics;
  std::vector<Spectrum> spectra;
  bool empty() const { return metrics.empty() && spectra.empty(); }
};

class EventQueue {
 public:
  void push(MetricPoint point);
  void push(Spectrum spectrum);
  TrainerEvents drain();  // O(1) under the lock: swaps the pending vectors out

 private:
  std::mutex mutex_;
  TrainerEvents pending_;
};

}  // namespace limuon::train
