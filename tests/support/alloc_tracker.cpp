#include "support/alloc_tracker.hpp"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <atomic>

namespace limuon::test {
namespace {

// Process-wide, so a tensor freed after its tracker is gone still finds its counter.
std::atomic<int64_t> g_live{0}, g_peak{0};
c10::Allocator* g_inner = nullptr;

// One allocation: `inner` owns the memory and frees it when the record is deleted.
struct Allocation {
  c10::DataPtr inner;
  int64_t bytes;
};

void release(void* context) {
  auto* record = static_cast<Allocation*>(context);
  g_live.fetch_sub(record->bytes);
  delete record;
}

struct CountingAllocator final : c10::Allocator {
  c10::DataPtr allocate(size_t n) const override {
    c10::DataPtr inner = g_inner->allocate(n);
    void* data = inner.get();
    const c10::Device device = inner.device();
    auto* record = new Allocation{std::move(inner), static_cast<int64_t>(n)};
    const int64_t now = g_live.fetch_add(record->bytes) + record->bytes;
    int64_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
    return {data, record, &release, device};
  }
  c10::DeleterFnPtr raw_deleter() const override { return nullptr; }
};

CountingAllocator g_counting;

}  // namespace

AllocTracker::AllocTracker() : previous_(c10::GetCPUAllocator()) {
  g_inner = previous_;
  c10::SetCPUAllocator(&g_counting, /*priority=*/255);
  reset_peak();
}

AllocTracker::~AllocTracker() { c10::SetCPUAllocator(previous_, /*priority=*/255); }

void AllocTracker::reset_peak() { g_peak.store(g_live.load()); }
int64_t AllocTracker::live() const { return g_live.load(); }
int64_t AllocTracker::peak() const { return g_peak.load(); }

}  // namespace limuon::test
