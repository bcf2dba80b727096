#include "gui/job_thread.hpp"

namespace limuon::gui {

JobThread::JobThread(AtExit at_exit, std::function<void()> after_each)
    : at_exit_(at_exit), after_each_(std::move(after_each)), thread_([this] { work(); }) {}

JobThread::~JobThread() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    if (at_exit_ == AtExit::drop_queued) {
      in_flight_ -= static_cast<int>(jobs_.size());
      jobs_.clear();
    }
  }
  wake_.notify_all();
  thread_.join();
}

void JobThread::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
    ++in_flight_;
  }
  wake_.notify_all();
}

bool JobThread::busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return in_flight_ > 0;
}

void JobThread::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return quit_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // quitting, with nothing (more) to finish
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (...) {  // a job should catch its own errors; one that did not loses only its own result
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_flight_;
    }
    if (after_each_) after_each_();
  }
}

}  // namespace limuon::gui
