// What a profiling child runs: one execution of a scenario at n elements with a given layer set, as a
// callable. The profilers never depend on how scenarios are built; they take a WorkloadFactory, and the
// CLI passes ScenarioWorkloadFactory(), the bridge to the scenario table (experiments/scenarios/scenarios.h).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_WORKLOAD_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_WORKLOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/layers.h"

namespace dispatchlab::profiling {

// One execution of the measured work. Called repeatedly; every call does the same work.
using RunOnce = std::function<absl::Status()>;

// Prepares (outside any measured region) the work for `scenario` at `n` elements under `layers`.
// NotFound / InvalidArgument for an unknown scenario or a bad n.
using WorkloadFactory =
    std::function<absl::StatusOr<RunOnce>(const std::string& scenario, int64_t n, LayerSet layers)>;

// The factory over the scenario table.
WorkloadFactory ScenarioWorkloadFactory();

// Checks a scenario name before any tool is started (so bad input is exit 2, not a failed child).
absl::Status ValidateScenarioName(const std::string& scenario);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_WORKLOAD_H_
