// One worker thread that runs queued jobs in order, so the GUI thread hands slow work (database reads,
// file writes) away and never waits for it. Jobs must catch their own errors.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace limuon::gui {

// Everything a worker has left for the GUI thread, taken under the lock in one swap.
template <class T>
std::vector<T> take_all(std::mutex& mutex, std::vector<T>& items) {
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<T> out;
  std::swap(out, items);
  return out;
}

class JobThread {
 public:
  enum class AtExit { finish_queued, drop_queued };
  // `after_each` runs on the worker after every job (e.g. to wake the GUI loop).
  explicit JobThread(AtExit at_exit, std::function<void()> after_each = {});
  ~JobThread();  // ends after the running job (and, with finish_queued, every queued one)
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  void post(std::function<void()> job);
  bool busy() const;  // a job is queued or running

 private:
  void work();

  const AtExit at_exit_;
  const std::function<void()> after_each_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  int in_flight_ = 0;
  bool quit_ = false;
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace limuon::gui
