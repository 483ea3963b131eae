#include "core/counters.h"

namespace dispatchlab {
namespace internal {
std::array<uint64_t, kCounterCount> g_counters{};
}  // namespace internal

const std::array<CounterInfo, kCounterCount>& CounterTable() {
  static const std::array<CounterInfo, kCounterCount> table = {{
#define DISPATCHLAB_COUNTER(Id, name, meaning) {Counter::k##Id, name, meaning},
#include "core/counters.def"
  }};
  return table;
}

Counts Counts::operator-(const Counts& other) const {
  Counts out;
  for (int i = 0; i < kCounterCount; ++i) out.value[i] = value[i] - other.value[i];
  return out;
}

// Four counters are partly derived, so that an event seen by several counters costs the hot path one
// increment (docs/counting.md, "Derived counters"): every numpy scalar made is an allocation, every object
// made by AllocObject is an allocation and every tuple free-list hit is an object and a tuple, so their raw
// slots hold only the other creations; a lookup with the method cache on is a hit or a miss, so the raw
// `lookups` slot holds only uncached walks.
Counts SnapshotCounts() {
  Counts c;
  c.value = internal::g_counters;
  auto at = [&c](Counter k) -> uint64_t& { return c.value[static_cast<int>(k)]; };
  at(Counter::kAllocations) += at(Counter::kScalars);
  at(Counter::kObjects) += at(Counter::kAllocations) + at(Counter::kFreeListHits);
  at(Counter::kTuples) += at(Counter::kFreeListHits);
  at(Counter::kLookups) += at(Counter::kCacheHits) + at(Counter::kCacheMisses);
  return c;
}

void ResetCounts() { internal::g_counters.fill(0); }

}  // namespace dispatchlab
