// Cost per element against n (`dispatchlab sweep`): each n is one Google Benchmark run of every scenario
// side by side; a departure from linear cost is flagged where the cost per element moves away from the
// scenario's smallest-n cost by more than the noise allows.
#ifndef DISPATCHLAB_EXPERIMENTS_SWEEP_H_
#define DISPATCHLAB_EXPERIMENTS_SWEEP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/measure/runner.h"

namespace dispatchlab {

struct SweepPoint {
  int64_t n = 0;
  ScenarioTiming timing;
  double relative = 1.0;  // ns/element over the first n's
  bool departure = false;  // cost per element not constant: the cost is not linear in n here
};

struct SweepSeries {
  std::string scenario;
  std::vector<SweepPoint> points;
};

struct SweepRequest {
  std::vector<const Scenario*> scenarios;
  std::vector<int64_t> ns;
  LayerSet layers;
  std::string profile;
  int repetitions = 3;
  double min_time = 0.05;
  Progress* progress = nullptr;  // one Step per repetition over every n: total scenarios x ns x repetitions
  // A point departs from linear cost when its ns/element differs from the first point's by more than
  // max(tolerance, 3 x the larger coefficient of variation of the two).
  double tolerance = 0.15;
};

absl::StatusOr<std::vector<SweepSeries>> RunSweep(const SweepRequest& request);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SWEEP_H_
