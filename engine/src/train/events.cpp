#include "limuon/train/events.hpp"

#include <utility>

namespace limuon::train {

void EventQueue::push(MetricPoint point) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.metrics.push_back(std::move(point));
}

void EventQueue::push(Spectrum spectrum) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.spectra.push_back(std::move(spectrum));
}

TrainerEvents EventQueue::drain() {
  TrainerEvents out;
  std::lock_guard<std::mutex> lock(mutex_);
  std::swap(out, pending_);
  return out;
}

}  // namespace limuon::train
