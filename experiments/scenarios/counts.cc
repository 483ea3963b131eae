#include "experiments/scenarios/counts.h"

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

CountFingerprint CountFingerprinter(const Scenario& scenario, std::vector<int64_t> sizes,
                                    std::string profile) {
  return [&scenario, sizes = std::move(sizes),
          profile = std::move(profile)](LayerSet layers) -> absl::StatusOr<std::vector<uint64_t>> {
    std::vector<uint64_t> out;
    for (int64_t n : sizes) {
      absl::StatusOr<CountReport> counted = CountScenario(scenario, n, layers, profile);
      if (!counted.ok()) return counted.status();
      out.insert(out.end(), counted->totals.value.begin(), counted->totals.value.end());
    }
    return out;
  };
}

}  // namespace dispatchlab
