// MakeTimeSampler (experiments/measure/runner.h) calibrates per configuration, as docs/attribution.md says:
// the first time a configuration is asked for, one short run of it sets its iteration count, kept for all its
// later samples. Nothing here asserts a duration: the figures are whatever the machine gives.
#include <catch2/catch.hpp>
#include <memory>

#include "core/layers.h"
#include "experiments/measure/runner.h"

namespace dispatchlab {
namespace {

TEST_CASE("the time sampler calibrates each configuration once, on itself", "[runner]") {
  auto log = std::make_shared<TimeSamplerLog>();
  absl::StatusOr<BatchSampler> sampler = MakeTimeSampler(SampleTarget{"sct_init", 200}, 0.001, log);
  REQUIRE(sampler.ok());
  const LayerSet on = LayerSet::All();
  const LayerSet off = LayerSet::None();
  absl::StatusOr<std::vector<double>> first = (*sampler)({on, off, on});
  REQUIRE(first.ok());
  CHECK(first->size() == 3u);
  for (double ns : *first) CHECK(ns > 0);
  CHECK(log->calibrations == 2);  // one per distinct configuration, not one for all
  REQUIRE(log->iterations.contains(on.bits()));
  REQUIRE(log->iterations.contains(off.bits()));
  CHECK(log->iterations.at(on.bits()) >= 1);
  CHECK(log->iterations.at(off.bits()) >= 1);
  const int64_t kept = log->iterations.at(on.bits());

  // Later batches reuse the counts; a new configuration gets its own calibration.
  const LayerSet some = LayerSet().With(Layer::kTrampoline);
  absl::StatusOr<std::vector<double>> second = (*sampler)({off, some, on});
  REQUIRE(second.ok());
  CHECK(log->calibrations == 3);
  CHECK(log->iterations.at(on.bits()) == kept);
  CHECK(log->iterations.size() == 3u);
}

}  // namespace
}  // namespace dispatchlab
