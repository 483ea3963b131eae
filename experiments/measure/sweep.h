// Cost per element against n (`dispatchlab sweep` and the report's sweep): each n is one Google Benchmark
// run of every scenario side by side; a departure from linear cost is flagged where the cost per element
// moves away from the scenario's smallest-n cost by more than the noise allows.
#ifndef DISPATCHLAB_EXPERIMENTS_SWEEP_H_
#define DISPATCHLAB_EXPERIMENTS_SWEEP_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/measure/runner.h"

namespace dispatchlab {

// One scenario at one n.
struct SweepPoint {
  std::string scenario;
  int64_t n = 0;
  double median = 0;  // ns per element
  double cv = 0;
  std::vector<double> samples;  // ns per element, one per repetition (interleaved with the other scenarios)
  double min = 0, max = 0;
  double relative = 1.0;   // ns/element over the first n's
  bool departure = false;  // cost per element not constant: the cost is not linear in n here
  double Mean() const;     // of the samples; the median when there are none
  double Ci95()
      const;  // half-width of the 95% confidence interval of the mean (Student's t); 0 if < 2 samples
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
  std::function<void(int64_t n)> before_each_n;  // when set: called before the run at each n
};

absl::StatusOr<std::vector<SweepSeries>> RunSweep(const SweepRequest& request);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SWEEP_H_
