// Timing scenarios through Google Benchmark: the `run` command's measurements, and the time sampler the
// attribution and sweeps use. Every timing here is a Google Benchmark run; nothing is timed by hand.
#ifndef DISPATCHLAB_EXPERIMENTS_RUNNER_H_
#define DISPATCHLAB_EXPERIMENTS_RUNNER_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/layers.h"
#include "experiments/base/json_fwd.h"
#include "experiments/base/progress.h"
#include "experiments/measure/sampler.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab {

struct RunRequest {
  std::vector<const Scenario*> scenarios;
  int64_t n = 100000;
  LayerSet layers;
  std::string profile;  // the profile the layers came from ("custom" after edits)
  int repetitions = 5;
  double min_time = 0.1;            // seconds per repetition (Google Benchmark's min time)
  bool random_interleaving = true;  // interleave repetitions of different scenarios
  Progress* progress = nullptr;     // when set: one Step per repetition
  // When set: Google Benchmark's own JSON document (what its JSONReporter writes), with every benchmark
  // named SCENARIO/n:N (the settings are in the context, so runs with other settings compare row by row)
  // and dispatchlab's context keys (docs/cli.md, `run`).
  Json* benchmark_json = nullptr;
};

struct ScenarioTiming {
  std::string scenario;
  std::vector<double> samples;  // ns per element, one per repetition
  double median = 0, mean = 0, stddev = 0, cv = 0, min = 0, max = 0;
};

// Times every scenario of the request (each repetition: Google Benchmark's iterations of one call).
absl::StatusOr<std::vector<ScenarioTiming>> RunTimings(const RunRequest& request);

// A sampler that times `target` under each layer set, in the given order, one Google Benchmark run per
// entry with a fixed iteration count per configuration (chosen the first time the configuration is asked
// for, from a short run, so each sample lasts about `seconds_per_sample`). Returns ns per element.
// `calibrate_on` is kept for callers; calibration is per configuration. Progress is the caller's (the
// attribution reports it between batches).
absl::StatusOr<BatchSampler> MakeTimeSampler(const SampleTarget& target, LayerSet calibrate_on,
                                             double seconds_per_sample = 0.02);

// The benchmark name of a scenario in reports: "SCENARIO/n:N".
std::string BenchmarkName(absl::string_view scenario, int64_t n);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_RUNNER_H_
