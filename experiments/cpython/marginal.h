// The marginal method for instructions, the same on both sides of `dispatchlab cpython`:
//   per element = (Ir[3 calls] - Ir[1 call]) / 2 / n
// from two callgrind dumps of the same program and input, one making 1 call and one making 3 (start-up,
// imports and the making of the sources cancel out). Per function: the same difference of self costs,
// summed over every context of the function (callgrind's --separate-callers contexts name it first).
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_MARGINAL_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_MARGINAL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/profiling/callgrind_format.h"

namespace dispatchlab::cpython {

inline constexpr int64_t kMarginalFewCalls = 1;
inline constexpr int64_t kMarginalManyCalls = 3;

// What makes callgrind count an event beside Ir: --branch-sim=yes (every run of `dispatchlab cpython`) or
// --cache-sim=yes (with its flag --cache-sim).
enum class Simulation { kBranches, kCache };

// The counts taken per element beside the instructions: one row each in event_counts.def.
enum class EventCount {
#define DISPATCHLAB_EVENT_COUNT(id, key, label, events, simulation) id,
#include "experiments/cpython/event_counts.def"
};

struct EventCountInfo {
  EventCount id;
  std::string_view key;     // JSON key of a side
  std::string_view label;   // row of the --by-function table
  std::string_view events;  // callgrind events summed, space-separated
  Simulation simulation;
};

// The rows of event_counts.def, in order (EventCount's values index it).
std::span<const EventCountInfo> EventCountTable();
inline constexpr size_t kEventCountRows = 0
#define DISPATCHLAB_EVENT_COUNT(id, key, label, events, simulation) +1
#include "experiments/cpython/event_counts.def"
    ;

// One value per row of the table; nullopt where the dumps lack the row's events (its simulation was off).
using EventCounts = std::array<std::optional<double>, kEventCountRows>;

struct FunctionCost {
  std::string function;
  double per_element = 0;  // marginal self instructions per element
};

struct InstructionCount {
  double per_element = 0;
  // Calls per element, by the same difference: (calls[3 calls] - calls[1 call]) / 2 / n. A function that
  // one build inlines and the other calls shows here, not in per_element's total.
  double calls_per_element = 0;
  // The counts of event_counts.def per element, by the same difference (branches executed, data reads and
  // writes, simulated cache misses). An indirect branch is a call or jump through a pointer: a slot, a
  // setfunc, a PLT entry into another shared object.
  EventCounts events;
  std::optional<double> Event(EventCount id) const { return events[static_cast<size_t>(id)]; }
  // The caches callgrind simulated (its "desc: I1 cache: ..." lines), empty without --cache-sim=yes.
  std::vector<std::string> simulated_caches;
  std::vector<FunctionCost> functions;  // largest first; only those above `min_per_element`
};

// From the dumps of 1 and 3 calls over n elements. Functions are keyed by the innermost frame of each
// context; `min_per_element` drops the long tail (and the noise of start-up code that differs by a few
// instructions between the two runs).
InstructionCount Marginal(const profiling::CallgrindDump& one_call,
                          const profiling::CallgrindDump& three_calls, int64_t n,
                          double min_per_element = 0.5);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_MARGINAL_H_
