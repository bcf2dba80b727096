#include "store_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

namespace limuon::sweep::detail {
namespace {

constexpr double kFirstBackoffS = 0.1, kMaxBackoffS = 5.0;

std::string seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

}  // namespace

void StoreWriter::flush() {
  if (waiting_.empty() || Clock::now() < next_try_) return;
  while (!waiting_.empty()) {
    try {
      waiting_.front()(store_);
    } catch (const store::StoreBusy& e) {
      if (backoff_s_ == 0) {
        busy_since_ = Clock::now();
        warn_(std::string(e.what()) + "; keeping the writes and retrying, 0.1 s doubling to 5 s between tries");
      }
      backoff_s_ = backoff_s_ == 0 ? kFirstBackoffS : std::min(2 * backoff_s_, kMaxBackoffS);
      next_try_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(backoff_s_));
      return;
    }
    waiting_.pop_front();
    if (backoff_s_ != 0) {
      backoff_s_ = 0;
      warn_("database " + store_.path() + " is writable again after " +
            seconds(std::chrono::duration<double>(Clock::now() - busy_since_).count()) + "; nothing was lost");
    }
  }
}

void StoreWriter::flush_all() {
  while (!waiting_.empty()) {
    std::this_thread::sleep_until(next_try_);
    flush();
  }
}

}  // namespace limuon::sweep::detail
