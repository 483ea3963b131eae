// Timing scenarios through Google Benchmark: the `run` command's measurements, and the time sampler the
// attribution and sweeps use. Every timing here is a Google Benchmark run; nothing is timed by hand.
#ifndef DISPATCHLAB_EXPERIMENTS_RUNNER_H_
#define DISPATCHLAB_EXPERIMENTS_RUNNER_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
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

// What a time sampler has done so far, for callers that report it and for tests: the iteration count
// of every configuration's samples (keyed by LayerSet::bits()) and how many calibration runs chose them.
struct TimeSamplerLog {
  absl::flat_hash_map<uint32_t, int64_t> iterations;
  int calibrations = 0;
};

// A sampler that times `target` under each layer set, in the given order, one Google Benchmark run per
// entry. Calibration is per configuration: the first time a configuration is asked for, one short run
// of it chooses its iteration count, kept for all its later samples, so that cheap and expensive
// configurations alike get samples of about `seconds_per_sample`. Returns ns per element. `log`, when
// given, is kept up to date. Progress is the caller's (the attribution reports it between batches).
absl::StatusOr<BatchSampler> MakeTimeSampler(const SampleTarget& target, double seconds_per_sample = 0.02,
                                             std::shared_ptr<TimeSamplerLog> log = nullptr);

// The benchmark name of a scenario in reports: "SCENARIO/n:N".
std::string BenchmarkName(absl::string_view scenario, int64_t n);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_RUNNER_H_
