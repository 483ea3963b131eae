// The body of a profiling child: run the work outside the region to warm it up, then inside a
// MeasuredRegion (region.h), either a fixed number of times (callgrind: exact, repeatable counts) or for a
// fixed wall-clock time (perf: enough samples).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_CHILD_LOOP_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_CHILD_LOOP_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "experiments/profiling/region.h"
#include "experiments/profiling/workload.h"

namespace dispatchlab::profiling {

struct LoopOptions {
  int64_t warmup = 1;              // runs before the region
  int64_t iterations = 1;          // runs inside the region (RunIterations)
  double seconds = 0;              // wall-clock length of the region (RunForSeconds)
  std::string label = "measured";  // the callgrind dump label
  PerfControl* perf = nullptr;     // perf control, when under `perf record --control`
};

// Warm-up, then exactly `iterations` runs inside the region. Stops at the first failing run.
absl::Status RunIterations(const RunOnce& run_once, const LoopOptions& options);

// Warm-up, then runs inside the region until `seconds` have passed (at least one run). Returns the number
// of runs inside the region. The clock is read once per run, inside the region (negligible against a
// scenario run; it shows up as unattributed).
absl::StatusOr<int64_t> RunForSeconds(const RunOnce& run_once, const LoopOptions& options);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_CHILD_LOOP_H_
