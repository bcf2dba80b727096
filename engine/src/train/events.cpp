#include "limuon/train/events.hpp"

#include <iterator>
#include <utility>

namespace limuon::train {
namespace {

template <typename Event>
void push_bounded(std::deque<Event>& queue, const Event& event, size_t capacity, int64_t& dropped) {
  if (capacity == 0) {
    ++dropped;
    return;
  }
  if (queue.size() == capacity) {
    queue.pop_front();
    ++dropped;
  }
  queue.push_back(event);
}

template <typename Event>
std::vector<Event> to_vector(std::deque<Event>&& queue) {
  return std::vector<Event>(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.end()));
}

}  // namespace

int64_t EventQueue::push(MetricPoint point) {
  std::lock_guard<std::mutex> lock(mutex_);
  push_bounded(display_metrics_, point, capacity_.metrics, display_dropped_);
  record_.metrics.push_back(std::move(point));
  return ++metrics_pushed_;
}

void EventQueue::push(Spectrum spectrum) {
  std::lock_guard<std::mutex> lock(mutex_);
  push_bounded(display_spectra_, spectrum, capacity_.spectra, display_dropped_);
  record_.spectra.push_back(std::move(spectrum));
}

TrainerEvents EventQueue::drain() {
  TrainerEvents out;
  std::lock_guard<std::mutex> lock(mutex_);
  std::swap(out, record_);
  out.metrics_through = metrics_pushed_;
  return out;
}

TrainerEvents EventQueue::drain_display() {
  std::deque<MetricPoint> metrics;
  std::deque<Spectrum> spectra;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::swap(metrics, display_metrics_);
    std::swap(spectra, display_spectra_);
  }
  return {to_vector(std::move(metrics)), to_vector(std::move(spectra))};
}

int64_t EventQueue::display_dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return display_dropped_;
}

}  // namespace limuon::train
