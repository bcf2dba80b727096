// What the trainer thread reports: metric points and singular-value spectra, in two streams. The record
// stream keeps every event until the run queue drains it into the store (every ~100 ms). The display
// stream feeds a window; it is bounded, because a window that stops draining (minimised, hung) must not
// grow memory without limit: past its capacity the oldest display events are dropped and counted, while
// the store still receives every one. Both drains swap the pending events out under a short lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace limuon::train {

struct MetricPoint {
  int64_t step = 0;
  double wall_s = 0;
  std::string name;  // train_loss, val_loss, lr, step_ms, grad_evals, samples, update_norm, state_bytes,
                     // rss_bytes, grad_norm/matrices, grad_norm/others, skipped_nonfinite, kept_momentum,
                     // val_acc (top-1 accuracy on the validation batches)
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
  int64_t metrics_through = 0;  // drain(): metric points pushed so far, these included (see Trainer::confirm_stored)
  bool empty() const { return metrics.empty() && spectra.empty(); }
};

struct DisplayCapacity {
  size_t metrics = 1 << 15;  // about 3,000 steps of a run's ~11 series
  size_t spectra = 256;
};

class EventQueue {
 public:
  explicit EventQueue(DisplayCapacity capacity = {}) : capacity_(capacity) {}
  int64_t push(MetricPoint point);  // the point's number: 1, 2, 3, ...
  void push(Spectrum spectrum);
  TrainerEvents drain();          // record stream: every event since the last drain
  TrainerEvents drain_display();  // display stream: the newest events since the last drain, at most capacity
  int64_t display_dropped() const;  // display events dropped so far, metrics and spectra together

 private:
  const DisplayCapacity capacity_;
  mutable std::mutex mutex_;
  TrainerEvents record_;
  std::deque<MetricPoint> display_metrics_;
  std::deque<Spectrum> display_spectra_;
  int64_t display_dropped_ = 0;
  int64_t metrics_pushed_ = 0;
};

}  // namespace limuon::train
