// Shapley values: efficiency, symmetry, the dummy layer, a known split of an interaction, and the
// permutation estimate's convergence to the exact values within its stated error.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "experiments/attribution/shapley.h"

namespace dispatchlab::attribution {
namespace {

// A cost table over all 2^k masks from a function of the mask, with a given per-mean variance.
CostTable TableOf(int k, const std::function<double(ConfigMask)>& cost, double spread = 0) {
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < (ConfigMask{1} << k); ++m) {
    ConfigSamples c;
    c.mask = m;
    c.samples = {cost(m) - spread, cost(m) + spread};
    c.stats = Summarize(c.samples);
    configs.push_back(c);
  }
  return CostTable(k, configs);
}

// 4 layers: costs 5, 3, 3, 0 (layers 1 and 2 symmetric, layer 3 a dummy), and +4 when layers 0 and 1
// are both on.
double FourLayerCost(ConfigMask m) {
  double c = 100;
  if (m & 1) c += 5;
  if (m & 2) c += 3;
  if (m & 4) c += 3;
  if ((m & 3) == 3) c += 4;
  return c;
}

TEST_CASE("exact Shapley values sum to the total overhead", "[attribution]") {
  const CostTable t = TableOf(4, FourLayerCost);
  const ShapleyResult s = ExactShapley(t);
  double sum = 0;
  for (double v : s.value) sum += v;
  CHECK(sum == Approx(t.Cost(15) - t.Cost(0)).epsilon(1e-12));
  CHECK(s.exact);
}

TEST_CASE("exact Shapley splits an interaction equally and gives a dummy layer zero", "[attribution]") {
  const ShapleyResult s = ExactShapley(TableOf(4, FourLayerCost));
  REQUIRE(s.value.size() == 4u);
  CHECK(s.value[0] == Approx(5 + 2));
  CHECK(s.value[1] == Approx(3 + 2));
  CHECK(s.value[2] == Approx(3));
  CHECK(s.value[3] == Approx(0).margin(1e-12));
}

TEST_CASE("symmetric layers get equal Shapley values", "[attribution]") {
  // Layers 0 and 2 interchangeable: cost depends on how many of them are on, plus layer 1 alone.
  auto cost = [](ConfigMask m) {
    const int pair = ((m & 1) ? 1 : 0) + ((m & 4) ? 1 : 0);
    return 7.0 * pair + (pair == 2 ? 5.0 : 0.0) + ((m & 2) ? 2.0 : 0.0) + ((m & 2) && pair > 0 ? 1.0 : 0.0);
  };
  const ShapleyResult s = ExactShapley(TableOf(3, cost));
  CHECK(s.value[0] == Approx(s.value[2]).epsilon(1e-12));
  CHECK(s.value[0] + s.value[1] + s.value[2] == Approx(cost(7) - cost(0)));
}

TEST_CASE("Shapley noise error propagates the variance of each configuration mean", "[attribution]") {
  // Every mean has variance (spread^2 * 2) / 2 = spread^2 with two samples at -/+ spread.
  const double spread = 0.5;
  const ShapleyResult s = ExactShapley(TableOf(
      1, [](ConfigMask m) { return m ? 3.0 : 1.0; }, spread));
  // One layer: value = cost(1) - cost(0), variance = 2 spread^2.
  CHECK(s.value[0] == Approx(2.0));
  CHECK(s.noise_se[0] == Approx(std::sqrt(2 * spread * spread)));
}

TEST_CASE("permutation Shapley for nine layers converges to the exact values within its error",
          "[attribution]") {
  // Nine layers with additive costs, a pairwise and a three-way interaction.
  auto cost = [](ConfigMask m) {
    double c = 50;
    for (int i = 0; i < 9; ++i) {
      if (m & (1u << i)) c += 1.0 + i;
    }
    if ((m & 0b11) == 0b11) c += 6;
    if ((m & 0b111000000) == 0b111000000) c += 9;
    if ((m & 0b10000) && !(m & 0b100000)) c += 4;  // layer 4 costs more while layer 5 is off
    return c;
  };
  const CostTable t = TableOf(9, cost);
  const ShapleyResult exact = ExactShapley(t);
  std::mt19937_64 rng(2026);
  const auto perms = SamplePermutations(9, 4000, rng);
  const ShapleyResult sampled = PermutationShapley(t, perms);
  CHECK_FALSE(sampled.exact);
  CHECK(sampled.permutations == 4000);
  double sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += sampled.value[i];
    INFO("layer " << i << " exact " << exact.value[i] << " sampled " << sampled.value[i] << " se "
                  << sampled.sampling_se[i]);
    CHECK(std::fabs(sampled.value[i] - exact.value[i]) <= 4 * sampled.sampling_se[i] + 1e-12);
    CHECK(sampled.sampling_se[i] < 0.1);
  }
  // Every permutation's marginals sum to the total, so the average does too.
  CHECK(sum == Approx(t.Cost(511) - t.Cost(0)).epsilon(1e-12));
  // Layers with no interaction have the same marginal in every order: zero sampling error.
  CHECK(sampled.sampling_se[3] == Approx(0).margin(1e-12));
  CHECK(sampled.value[3] == Approx(4.0));
}

TEST_CASE("the permutation sample visits only the masks it lists", "[attribution]") {
  std::mt19937_64 rng(1);
  const auto perms = SamplePermutations(10, 3, rng);
  const std::vector<ConfigMask> masks = PermutationConfigs(perms);
  // The empty set, the full set, and k - 1 intermediate prefixes per permutation at most.
  CHECK(masks.front() == 0);
  CHECK(masks.back() == 1023);
  CHECK(masks.size() <= 2 + 3 * 9u);
  for (const auto& p : perms) {
    std::vector<int> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 10; ++i) CHECK(sorted[i] == i);
  }
}

}  // namespace
}  // namespace dispatchlab::attribution
