// The contract between the measuring code (experiments/measure/runner.*) and the analyses built on it
// (attribution, sweeps, profiles): a BatchSampler takes a list of layer sets, in the order they must be
// run, and returns one sample per entry (for time: nanoseconds per element, measured through Google
// Benchmark; for instructions: instructions per element, counted by callgrind).
#ifndef DISPATCHLAB_EXPERIMENTS_SAMPLER_H_
#define DISPATCHLAB_EXPERIMENTS_SAMPLER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/layers.h"

namespace dispatchlab {

// What is being measured in one attribution or sweep.
struct SampleTarget {
  std::string scenario;  // a name from the scenario table (experiments/scenarios/scenarios.h)
  int64_t n = 100000;    // elements
};

// Runs `order[i]` as the active layer set for sample i and returns the samples in the same order.
// Samples are per element. The caller decides the order (e.g. random interleaving of configurations).
using BatchSampler = std::function<absl::StatusOr<std::vector<double>>(const std::vector<LayerSet>& order)>;

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SAMPLER_H_
