// Neyman allocation of the sequential design's repetitions (experiments/attribution/allocation.h).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "experiments/attribution/allocation.h"
#include "experiments/attribution/design.h"
#include "experiments/attribution/shapley.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::attribution {
namespace {

using testing::MeasuredConfig;

double Variance(const AllocationInput& in, const std::vector<int>& r, size_t value) {
  double v = 0;
  for (size_t e = 0; e < r.size(); ++e) {
    const double a = in.coefficients[value][e];
    v += a * a * in.sigma[e] * in.sigma[e] / r[e];
  }
  return v;
}

TEST_CASE("Neyman allocation puts samples where coefficient times spread is large", "[attribution]") {
  AllocationInput in;
  // One value over three entries: coefficients 1, 0.1, 0.1; equal spreads.
  in.coefficients = {{1.0, 0.1, 0.1}};
  in.sigma = {1, 1, 1};
  in.count = {2, 2, 2};
  in.floor = 2;
  in.max_count = 1000;
  in.target_variance = 0.01;
  const std::vector<int> r = AllocateRepetitions(in);
  REQUIRE(r.size() == 3);
  CHECK(Variance(in, r, 0) <= in.target_variance);
  // r proportional to |a| sigma: the first entry ten times the others. The optimum of
  // 1/r0 + 0.01/r1 + 0.01/r2 <= 0.01 at r0 = 10 r1 = 10 r2 is r1 = 12, r0 = 120.
  CHECK(r[1] == r[2]);
  CHECK(r[0] == Approx(10 * r[1]).margin(10));
  CHECK(r[1] == 12);
  // Smallest such allocation: one sample fewer on the big entry misses the target.
  std::vector<int> less = r;
  --less[0];
  CHECK(Variance(in, less, 0) > in.target_variance);
  // A larger spread earns more samples.
  in.sigma = {1, 10, 1};
  const std::vector<int> r2 = AllocateRepetitions(in);
  CHECK(r2[1] > r2[2]);
  CHECK(Variance(in, r2, 0) <= in.target_variance);
}

TEST_CASE("Neyman allocation keeps what was taken and obeys the floor the cap and the growth limit",
          "[attribution]") {
  AllocationInput in;
  in.coefficients = {{0.5, -0.5, 0.0}, {0.2, 0.3, -0.5}};
  in.sigma = {2, 2, 2};
  in.count = {7, 2, 1};
  in.floor = 3;
  in.max_count = 20;
  in.target_variance = 1e-6;  // out of reach: everything at the cap
  std::vector<int> r = AllocateRepetitions(in);
  CHECK(r == std::vector<int>{20, 20, 20});
  in.max_total = 30;  // at most 30 samples in all: fewer, never below what was taken or the floor
  r = AllocateRepetitions(in);
  int total = 0;
  for (size_t e = 0; e < r.size(); ++e) {
    CHECK(r[e] >= std::max(in.count[e], in.floor));
    total += r[e];
  }
  CHECK(total <= 30);
  in.max_total = 0;
  in.target_variance = 100;  // already met: the floor only
  CHECK(AllocateRepetitions(in) == std::vector<int>{7, 3, 3});
  in.sigma = {0, 0, 0};  // no spread: nothing to gain
  in.target_variance = 1e-6;
  CHECK(AllocateRepetitions(in) == std::vector<int>{7, 3, 3});
}

TEST_CASE("entry coefficients add the coefficients of configurations sharing a measurement",
          "[attribution]") {
  // Two layers; mask 2 (only the second) does the work of mask 0 (all off) and shares its measurement.
  std::vector<ConfigSamples> configs = {MeasuredConfig(0, {1, 1.2}), MeasuredConfig(1, {3, 3.2}),
                                        MeasuredConfig(3, {6, 6.4})};
  const CostTable costs(2, configs, Statistic::kMean, {{2, 0}});
  std::vector<LinearTerms> values = {ExactShapleyTerms(2, 0), ExactShapleyTerms(2, 1)};
  const std::vector<std::vector<double>> a = EntryCoefficients(costs, values);
  REQUIRE(a.size() == 2);
  // Layer 0: +1/2 (1 - 0) + 1/2 (3 - 2): entry 0 gets -1/2, entry 1 +1/2, entry 2 +1/2, and mask 2's
  // -1/2 lands on entry 0: -1.
  CHECK(a[0] == std::vector<double>{-1.0, 0.5, 0.5});
  // Layer 1: +1/2 (2 - 0) + 1/2 (3 - 1): mask 2 (+1/2) and mask 0 (-1/2) cancel on entry 0.
  CHECK(a[1] == std::vector<double>{0.0, -0.5, 0.5});
  // The Shapley terms sum to the total: each coefficient set adds to +1 on all on and -1 on all off.
  double on = 0, off = 0;
  for (const LinearTerms& t : values) {
    for (const auto& [mask, c] : t) {
      if (mask == 3) on += c;
      if (mask == 0) off += c;
    }
  }
  CHECK(on == Approx(1.0));
  CHECK(off == Approx(-1.0));
}

TEST_CASE("allocation spreads shrink towards the pooled coefficient of variation", "[attribution]") {
  // Two samples alike by chance: their own spread is 0, the pooled CV (the median) gives them some.
  std::vector<ConfigSamples> configs = {MeasuredConfig(0, {10, 10}), MeasuredConfig(1, {10, 12}),
                                        MeasuredConfig(3, {20, 24})};
  const std::vector<double> sigma = AllocationSigma(configs, 4);
  REQUIRE(sigma.size() == 3);
  CHECK(sigma[0] > 0);
  CHECK(sigma[0] < configs[1].stats.stddev);
  // With no prior weight, the own spread.
  const std::vector<double> own = AllocationSigma(configs, 0);
  CHECK(own[0] == 0.0);
  CHECK(own[2] == Approx(configs[2].stats.stddev));
}

}  // namespace
}  // namespace dispatchlab::attribution
