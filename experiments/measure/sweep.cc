#include "experiments/measure/sweep.h"

#include <algorithm>
#include <cmath>

#include "experiments/base/stats.h"

namespace dispatchlab {

double SweepPoint::Mean() const {
  if (samples.empty()) return median;
  return stats::Mean(samples);
}

double SweepPoint::Ci95() const {
  const size_t k = samples.size();
  if (k < 2) return 0;
  const double se = stats::StandardErrorOfMean(samples);
  return stats::StudentTQuantile(static_cast<double>(k - 1), 0.975) * se;
}

absl::StatusOr<std::vector<SweepSeries>> RunSweep(const SweepRequest& request) {
  std::vector<SweepSeries> series(request.scenarios.size());
  for (size_t i = 0; i < request.scenarios.size(); ++i)
    series[i].scenario = std::string(request.scenarios[i]->name);
  for (int64_t n : request.ns) {
    RunRequest run;
    run.scenarios = request.scenarios;
    run.n = n;
    run.layers = request.layers;
    run.profile = request.profile;
    run.repetitions = request.repetitions;
    run.min_time = request.min_time;
    run.progress = request.progress;
    if (request.before_each_n) request.before_each_n(n);
    absl::StatusOr<std::vector<ScenarioTiming>> timings = RunTimings(run);
    if (!timings.ok()) return timings.status();
    for (size_t i = 0; i < timings->size(); ++i) {
      const ScenarioTiming& t = (*timings)[i];
      series[i].points.push_back({t.scenario, n, t.median, t.cv, t.samples, t.min, t.max});
    }
  }
  for (SweepSeries& s : series) {
    if (s.points.empty()) continue;  // no n asked for
    const SweepPoint& first = s.points.front();
    for (SweepPoint& p : s.points) {
      p.relative = first.median > 0 ? p.median / first.median : 1.0;
      const double allowed = std::max(request.tolerance, 3.0 * std::max(first.cv, p.cv));
      p.departure = std::fabs(p.relative - 1.0) > allowed;
    }
  }
  return series;
}

}  // namespace dispatchlab
