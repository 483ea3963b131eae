// The bridge from the profilers to the scenario table (see workload.h).
//
// PENDING-SCENARIOS: the scenario table and runner (experiments/scenarios.h, experiments/runner.h) are
// not on this branch yet. Until they are merged, every scenario name is reported as unavailable; the
// bridge below is the single place to wire them in.
#include "experiments/profiling/workload.h"

#include "absl/strings/str_cat.h"

namespace dispatchlab::profiling {

absl::Status ValidateScenarioName(const std::string& scenario) {
  return absl::NotFoundError(absl::StrCat("unknown scenario '", scenario,
                                          "' (the scenario table is not built into this binary yet)"));
}

absl::StatusOr<LayerSet> ResolveLayers(const std::string& profile_name, const std::string& layer_spec) {
  absl::StatusOr<Profile> profile =
      ProfileFromName(profile_name.empty() ? std::string(kDefaultProfile) : profile_name);
  if (!profile.ok()) return profile.status();
  if (layer_spec.empty()) return profile->layers;
  return ParseLayerSpec(layer_spec, profile->layers);
}

WorkloadFactory ScenarioWorkloadFactory() {
  return [](const std::string& scenario, int64_t, LayerSet) -> absl::StatusOr<RunOnce> {
    absl::Status valid = ValidateScenarioName(scenario);
    if (!valid.ok()) return valid;
    return absl::UnimplementedError("scenario table missing");
  };
}

}  // namespace dispatchlab::profiling
