#include "experiments/counts.h"

#include "dispatch/runtime.h"

namespace dispatchlab {

absl::StatusOr<CountReport> CountScenario(const Scenario& scenario, int64_t n, LayerSet layers,
                                          absl::string_view profile) {
  if (!kCountingCompiledIn) {
    return absl::FailedPreconditionError(
        "counting is compiled out of this binary (dispatchlab-nocount); use dispatchlab");
  }
  InitRuntime();
  CountReport report;
  report.scenario = std::string(scenario.name);
  report.n = n;
  report.profile = std::string(profile);
  report.layers = layers;
  {
    absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(n, scenario.sources);
    if (!input.ok()) return input.status();
    {
      ScenarioResult warm;
      if (absl::Status s = RunOnce(scenario, *input, layers, &warm); !s.ok()) return s;
    }
    const Counts before = SnapshotCounts();
    {
      ScenarioResult result;
      if (absl::Status s = RunOnce(scenario, *input, layers, &result); !s.ok()) return s;
    }
    report.totals = SnapshotCounts() - before;
  }
  if (absl::Status s = CheckNothingAlive(); !s.ok()) return s;
  return report;
}

}  // namespace dispatchlab
