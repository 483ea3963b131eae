// Exact event counters: how many tuples, lookups, generic calls, ... a run performed.
//
// Counting is compiled in when DISPATCHLAB_COUNTING is 1 (the `dispatchlab` binary and the tests) and
// compiled out when it is 0 (`dispatchlab-nocount`), so timings can be taken both ways. The counters are
// plain process-wide integers: the simulated interpreter is single-threaded, like CPython under its GIL.
#ifndef DISPATCHLAB_CORE_COUNTERS_H_
#define DISPATCHLAB_CORE_COUNTERS_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

#ifndef DISPATCHLAB_COUNTING
#define DISPATCHLAB_COUNTING 1
#endif

namespace dispatchlab {

enum class Counter : int {
#define DISPATCHLAB_COUNTER(Id, name, meaning) k##Id,
#include "core/counters.def"
};

inline constexpr int kCounterCount = 0
#define DISPATCHLAB_COUNTER(Id, name, meaning) +1
#include "core/counters.def"
    ;

inline constexpr bool kCountingCompiledIn = DISPATCHLAB_COUNTING != 0;

struct CounterInfo {
  Counter counter;
  absl::string_view name;
  absl::string_view meaning;
};
const std::array<CounterInfo, kCounterCount>& CounterTable();

// A snapshot of every counter.
struct Counts {
  std::array<uint64_t, kCounterCount> value{};
  uint64_t operator[](Counter c) const { return value[static_cast<int>(c)]; }
  Counts operator-(const Counts& other) const;
};

namespace internal {
extern std::array<uint64_t, kCounterCount> g_counters;
}  // namespace internal

// Adds `n` to a counter; a no-op when counting is compiled out.
inline void Count(Counter c, uint64_t n = 1) {
  if constexpr (kCountingCompiledIn) internal::g_counters[static_cast<int>(c)] += n;
}

// Takes back `n` counted in advance, on a failure path (a count made before the work it counts, so that
// the hot path is one add with no test of the outcome).
inline void Uncount(Counter c, uint64_t n = 1) {
  if constexpr (kCountingCompiledIn) internal::g_counters[static_cast<int>(c)] -= n;
}

Counts SnapshotCounts();
void ResetCounts();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_COUNTERS_H_
