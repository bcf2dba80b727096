// Counts the bytes of CPU tensor memory alive at once, by standing in for LibTorch's CPU allocator.
// Memory tests use it to show that an optimizer step allocates no hidden m x n buffers.
#pragma once

#include <cstdint>

namespace c10 {
struct Allocator;
}

namespace limuon::test {

class AllocTracker {
 public:
  AllocTracker();   // installs the counting allocator
  ~AllocTracker();  // puts the previous one back (tensors it allocated stay valid)
  AllocTracker(const AllocTracker&) = delete;
  AllocTracker& operator=(const AllocTracker&) = delete;

  void reset_peak();
  int64_t live() const;  // bytes allocated while a tracker was installed and not yet freed
  int64_t peak() const;  // the most `live` reached since reset_peak()

 private:
  c10::Allocator* previous_;
};

}  // namespace limuon::test
