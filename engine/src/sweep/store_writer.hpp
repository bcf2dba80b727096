// The run queue's writes to the store, in order, none lost: a write that finds the database locked by
// another connection past the busy timeout (StoreBusy) stays queued with everything after it, and is
// tried again later, 0.1 s after the first refusal, doubling to at most 5 s between tries. The trainers
// keep running meanwhile; their metric batches wait here. Any other StoreError propagates.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <string>

#include "limuon/store/store.hpp"

namespace limuon::sweep::detail {

class StoreWriter {
 public:
  using Write = std::function<void(store::Store&)>;
  using Warn = std::function<void(const std::string&)>;

  StoreWriter(store::Store& store, Warn warn) : store_(store), warn_(std::move(warn)) {}

  void add(Write write) { waiting_.push_back(std::move(write)); }
  // Runs the waiting writes in order until one is refused, unless the backoff says not yet.
  void flush();
  // Until every waiting write is done, sleeping through the backoff.
  void flush_all();
  bool idle() const { return waiting_.empty(); }
  bool blocked() const { return backoff_s_ != 0; }  // the database refused the last try

 private:
  using Clock = std::chrono::steady_clock;
  store::Store& store_;
  Warn warn_;
  std::deque<Write> waiting_;
  double backoff_s_ = 0;          // 0 while the database answers
  Clock::time_point next_try_{};  // no try before this
  Clock::time_point busy_since_{};
};

}  // namespace limuon::sweep::detail
