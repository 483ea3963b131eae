#include "experiments/measure/sweep.h"

#include <algorithm>
#include <cmath>

namespace dispatchlab {

absl::StatusOr<std::vector<SweepSeries>> RunSweep(const SweepRequest& request) {
  std::vector<SweepSeries> series(request.scenarios.size());
  for (size_t i = 0; i < request.scenarios.size(); ++i) series[i].scenario = std::string(request.scenarios[i]->name);
  for (int64_t n : request.ns) {
    RunRequest run;
    run.scenarios = request.scenarios;
    run.n = n;
    run.layers = request.layers;
    run.profile = request.profile;
    run.repetitions = request.repetitions;
    run.min_time = request.min_time;
    run.progress = request.progress;
    absl::StatusOr<std::vector<ScenarioTiming>> timings = RunTimings(run);
    if (!timings.ok()) return timings.status();
    for (size_t i = 0; i < timings->size(); ++i) {
      SweepPoint point;
      point.n = n;
      point.timing = (*timings)[i];
      series[i].points.push_back(point);
    }
  }
  for (SweepSeries& s : series) {
    const ScenarioTiming& first = s.points.front().timing;
    for (SweepPoint& p : s.points) {
      p.relative = first.median > 0 ? p.timing.median / first.median : 1.0;
      const double allowed = std::max(request.tolerance, 3.0 * std::max(first.cv, p.timing.cv));
      p.departure = std::fabs(p.relative - 1.0) > allowed;
    }
  }
  return series;
}

}  // namespace dispatchlab
