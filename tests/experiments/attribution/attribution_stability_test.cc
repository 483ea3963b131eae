// The stability verdict: noisy configurations, outliers and too few repetitions are flagged with a
// human reason; clean measurements are stable.
#include <catch2/catch.hpp>

#include "experiments/attribution/stability.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::attribution {
namespace {

using testing::MeasuredConfig;

LayerSpace TwoLayers() {
  return MakeLayerSpace(LayerSet::None(), LayerSet().With(Layer::kTrampoline).With(Layer::kBoxing));
}

const std::vector<double> kQuiet = {100, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.3, 99.7};

TEST_CASE("quiet configurations are stable", "[attribution]") {
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < 4; ++m) configs.push_back(MeasuredConfig(m, kQuiet));
  const StabilityVerdict v = JudgeStability(TwoLayers(), configs);
  CHECK(v.stable);
  CHECK(v.reasons.empty());
  CHECK(v.sample_count == 36);
  CHECK(v.max_cv < 0.01);
}

TEST_CASE("stability flags a noisy configuration by name", "[attribution]") {
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < 3; ++m) configs.push_back(MeasuredConfig(m, kQuiet));
  configs.push_back(MeasuredConfig(3, {80, 120, 90, 110, 85, 115, 100, 95, 105}));
  const StabilityVerdict v = JudgeStability(TwoLayers(), configs);
  CHECK_FALSE(v.stable);
  REQUIRE(v.reasons.size() == 1u);
  CHECK(v.reasons[0].find("configuration all on has CV") == 0);
  CHECK(v.reasons[0].find("> 5%") != std::string::npos);
}

TEST_CASE("stability flags outliers beyond the Tukey fences", "[attribution]") {
  std::vector<double> spiky = kQuiet;
  spiky[4] = 104;  // within CV 5% overall, but far outside the quartiles
  CHECK(TukeyOutliers(spiky, 1.5) == std::vector<int>{4});
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < 4; ++m) configs.push_back(MeasuredConfig(m, m == 1 ? spiky : kQuiet));
  configs[2].samples[0] = 96;
  configs[2].stats = Summarize(configs[2].samples);
  const StabilityVerdict v = JudgeStability(TwoLayers(), configs);
  CHECK(v.outlier_count == 2);
  CHECK_FALSE(v.stable);  // 2 of 36 samples is over 5%
  REQUIRE(v.reasons.size() == 1u);
  CHECK(v.reasons[0].find("2 outliers") == 0);
  CHECK(v.reasons[0].find("in 2 of 4 configurations") != std::string::npos);
}

TEST_CASE("stability asks for nine repetitions", "[attribution]") {
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < 4; ++m) configs.push_back(MeasuredConfig(m, {100, 100.1, 99.9}));
  const StabilityVerdict v = JudgeStability(TwoLayers(), configs);
  CHECK_FALSE(v.stable);
  REQUIRE(v.reasons.size() == 1u);
  CHECK(v.reasons[0] == "only 3 repetitions per configuration (at least 9 recommended)");
}

}  // namespace
}  // namespace dispatchlab::attribution
