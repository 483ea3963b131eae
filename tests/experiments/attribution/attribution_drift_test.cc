// The drift adjustment (experiments/attribution/drift.h): a common factor of the machine's speed,
// estimated from each sample's neighbours in the run order and divided out.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "experiments/attribution/attribute.h"
#include "experiments/attribution/drift.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::attribution {
namespace {

using testing::NestedSixLayerModel;
using testing::SixLayers;
using testing::SyntheticModel;
using testing::TrueShapley;

TEST_CASE("drift factors are 1 without drift, without a window and for unusable samples", "[attribution]") {
  // Two configurations alternating, exactly their costs: no residual, every factor 1.
  const std::vector<double> values = {10, 20, 10, 20, 10, 20, 10, 20};
  const std::vector<int> config = {0, 1, 0, 1, 0, 1, 0, 1};
  for (double f : DriftFactors(values, config, 2, 2)) CHECK(f == Approx(1.0));
  for (double f : DriftFactors(values, config, 2, 0)) CHECK(f == 1.0);
  std::vector<double> with_zero = values;
  with_zero[3] = 0;  // no logarithm: factor 1, and no one's neighbour
  const std::vector<double> f = DriftFactors(with_zero, config, 2, 2);
  CHECK(f[3] == 1.0);
  for (double x : f) CHECK(std::isfinite(x));
}

TEST_CASE("a slow stretch of the machine is found from the neighbours and divided out", "[attribution]") {
  // Three configurations in a shuffled order; samples 40..79 run 1.6 times slower.
  std::mt19937_64 rng(5);
  std::vector<int> config;
  for (int i = 0; i < 120; ++i) config.push_back(i % 3);
  Shuffle(config, rng);
  const double cost[3] = {10, 25, 60};
  std::vector<double> values;
  for (size_t t = 0; t < config.size(); ++t)
    values.push_back(cost[config[t]] * (t >= 40 && t < 80 ? 1.6 : 1));
  const std::vector<double> f = DriftFactors(values, config, 3, 5);
  // Away from the edges of the stretch the factors' ratio is the slowdown.
  CHECK(f[60] / f[10] == Approx(1.6).epsilon(0.02));
  CHECK(f[100] / f[10] == Approx(1.0).epsilon(0.02));
  // Geometric mean 1.
  double log_sum = 0;
  for (double x : f) log_sum += std::log(x);
  CHECK(log_sum / f.size() == Approx(0).margin(1e-9));
  // Adjusted, each configuration's samples are far tighter than raw (only the edges keep some spread).
  for (int c = 0; c < 3; ++c) {
    double raw_min = 1e300, raw_max = 0, adj_min = 1e300, adj_max = 0;
    for (size_t t = 0; t < values.size(); ++t) {
      if (config[t] != c) continue;
      raw_min = std::min(raw_min, values[t]);
      raw_max = std::max(raw_max, values[t]);
      if (t < 35 || (t > 45 && t < 75) || t > 85) {
        adj_min = std::min(adj_min, values[t] / f[t]);
        adj_max = std::max(adj_max, values[t] / f[t]);
      }
    }
    CHECK(raw_max / raw_min == Approx(1.6));
    CHECK(adj_max / adj_min < 1.03);
  }
}

// The synthetic six-layer model on a machine that runs 1.6 times slower for stretches of 15 samples at
// random, plus 1% noise: with drift adjustment, Shapley values stay within their intervals of the exact
// ones, and the intervals are narrower than without.
TEST_CASE("drift adjustment keeps the exact Shapley values and narrows their intervals", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0);
  auto make_sampler = [model](uint64_t seed) {
    auto rng = std::make_shared<std::mt19937_64>(seed);
    auto slow = std::make_shared<int>(0);
    return BatchSampler([model, rng, slow](const std::vector<LayerSet>& order) {
      std::normal_distribution<double> noise(0, 0.01);
      std::uniform_real_distribution<double> u(0, 1);
      std::vector<double> out;
      for (LayerSet s : order) {
        if (*slow == 0 && u(*rng) < 0.03) *slow = 15;
        const double factor = *slow > 0 ? 1.6 : 1.0;
        if (*slow > 0) --*slow;
        out.push_back(model.Cost(s) * factor * (1 + noise(*rng)));
      }
      return absl::StatusOr<std::vector<double>>(out);
    });
  };
  AttributionRequest req;
  req.scenario = "synthetic";
  req.n = 1000;
  req.base = LayerSet().With(Layer::kFreeLists).With(Layer::kTrampoline);
  req.chosen = SixLayers();
  req.methods = {Method::kShapley};
  req.repetitions = 12;
  req.seed = 3;
  AttributionRequest adjusted = req;
  adjusted.drift_window = 5;
  absl::StatusOr<AttributionResult> raw = Attribute(req, make_sampler(9));
  absl::StatusOr<AttributionResult> adj = Attribute(adjusted, make_sampler(9));
  REQUIRE(raw.ok());
  REQUIRE(adj.ok());
  CHECK(raw->drift_window == 0);
  CHECK(adj->drift_window == 5);
  // The exact values of the model at the run's typical speed (factor 1 at geometric mean 1 is close to
  // 1: most samples run at full speed); shares do not depend on the scale.
  const LayerSpace space = MakeLayerSpace(req.base, req.chosen);
  const std::vector<double> truth = TrueShapley(model, req);
  const double true_total = model.Cost(space.LayersFor(space.full_mask())) - model.Cost(space.LayersFor(0));
  double se_raw = 0, se_adj = 0;
  for (int i = 0; i < 6; ++i) {
    const double share = adj->shapley->value[i] / adj->total;
    CHECK(std::fabs(share - truth[i] / true_total) <= 4 * adj->shapley->noise_se[i] / adj->total + 1e-12);
    se_raw = std::max(se_raw, raw->shapley->noise_se[i] / raw->total);
    se_adj = std::max(se_adj, adj->shapley->noise_se[i] / adj->total);
  }
  CHECK(se_adj < se_raw / 2);
  // Raw samples kept beside the adjusted ones; the statistics are the adjusted samples'.
  for (const ConfigSamples& c : adj->configs) {
    REQUIRE(c.adjusted.size() == c.samples.size());
    CHECK(c.stats.mean == Approx(Summarize(c.adjusted).mean));
  }
}

}  // namespace
}  // namespace dispatchlab::attribution
