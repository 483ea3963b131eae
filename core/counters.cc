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

Counts SnapshotCounts() {
  Counts c;
  c.value = internal::g_counters;
  return c;
}

void ResetCounts() { internal::g_counters.fill(0); }

}  // namespace dispatchlab
