// The bridge from the profilers to the scenario table (see workload.h).
#include "experiments/profiling/workload.h"

#include <memory>

#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::profiling {

absl::Status ValidateScenarioName(const std::string& scenario) {
  absl::StatusOr<const Scenario*> s = ScenarioFromName(scenario);
  return s.ok() ? absl::OkStatus() : s.status();
}

WorkloadFactory ScenarioWorkloadFactory() {
  return [](const std::string& name, int64_t n, LayerSet layers) -> absl::StatusOr<RunOnce> {
    absl::StatusOr<const Scenario*> scenario = ScenarioFromName(name);
    if (!scenario.ok()) return scenario.status();
    absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(n, (*scenario)->sources);
    if (!input.ok()) return input.status();
    // The inputs are made here, outside the measured region; each run allocates, fills and frees its
    // array (the ScenarioResult going out of scope is the `del sh`), as a timed call does.
    auto shared_input = std::make_shared<ScenarioInput>(*std::move(input));
    const Scenario* s = *scenario;
    return RunOnce([s, shared_input, layers]() -> absl::Status {
      ScenarioResult result;
      return ::dispatchlab::RunOnce(*s, *shared_input, layers, &result);
    });
  };
}

}  // namespace dispatchlab::profiling
