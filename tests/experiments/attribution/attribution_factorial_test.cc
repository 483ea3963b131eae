// The 2^k r factorial analysis (Jain ch. 17-18) on data with known effects, and the t quantiles behind
// its confidence intervals (Student t from Boost.Math).
#include <catch2/catch.hpp>
#include <cmath>

#include "experiments/attribution/factorial.h"

namespace dispatchlab::attribution {
namespace {

double Sign(ConfigMask m, int bit) { return (m >> bit) & 1u ? 1.0 : -1.0; }

// y = 40 + 6 xA + 3 xB - 2 xC + 1.5 xA xB, plus a zero-mean pattern per configuration
// (+0.1, -0.1, +0.2, -0.2) so the configuration means equal the model exactly.
std::vector<ConfigSamples> KnownDesign() {
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < 8; ++m) {
    const double y = 40 + 6 * Sign(m, 0) + 3 * Sign(m, 1) - 2 * Sign(m, 2) + 1.5 * Sign(m, 0) * Sign(m, 1);
    ConfigSamples c;
    c.mask = m;
    c.samples = {y + 0.1, y - 0.1, y + 0.2, y - 0.2};
    c.stats = Summarize(c.samples);
    configs.push_back(c);
  }
  return configs;
}

TEST_CASE("factorial analysis recovers known effects", "[attribution]") {
  absl::StatusOr<FactorialResult> f = AnalyzeFactorial(3, KnownDesign(), 0.95);
  REQUIRE(f.ok());
  CHECK(f->q0 == Approx(40));
  CHECK(f->Effect(0b001).q == Approx(6));
  CHECK(f->Effect(0b010).q == Approx(3));
  CHECK(f->Effect(0b100).q == Approx(-2));
  CHECK(f->Effect(0b011).q == Approx(1.5));
  CHECK(f->Effect(0b101).q == Approx(0).margin(1e-12));
  CHECK(f->Effect(0b110).q == Approx(0).margin(1e-12));
  CHECK(f->Effect(0b111).q == Approx(0).margin(1e-12));
  CHECK(f->OnMinusOff(0) == Approx(12));
  // All 7 effects reported for k <= 4.
  CHECK(f->reported.size() == 7u);
}

TEST_CASE("factorial variation shares and the error share sum to 100 percent", "[attribution]") {
  absl::StatusOr<FactorialResult> f = AnalyzeFactorial(3, KnownDesign(), 0.95);
  REQUIRE(f.ok());
  double total = f->error_share;
  for (const FactorialEffect& e : f->effects) total += e.share;
  CHECK(total == Approx(1.0).epsilon(1e-12));
  // SS_e = 2^k r q^2: 8 * 4 * 36 for A.
  CHECK(f->Effect(1).sum_of_squares == Approx(8 * 4 * 36.0));
  // SSE: per configuration 0.01 + 0.01 + 0.04 + 0.04 = 0.1, eight configurations.
  CHECK(f->sse == Approx(0.8));
  CHECK(f->sst == Approx(8 * 4 * (36 + 9 + 4 + 2.25) + 0.8));
  CHECK(f->dof == 8 * 3);
  CHECK(f->s_e == Approx(std::sqrt(0.8 / 24)));
  CHECK(f->s_q == Approx(f->s_e / std::sqrt(32.0)));
}

TEST_CASE("factorial confidence intervals use t and flag effects whose interval includes zero",
          "[attribution]") {
  absl::StatusOr<FactorialResult> f = AnalyzeFactorial(3, KnownDesign(), 0.90);
  REQUIRE(f.ok());
  CHECK(f->t == Approx(1.710882).epsilon(1e-5));  // t[0.95; 24]
  const FactorialEffect& a = f->Effect(1);
  CHECK(a.ci_low == Approx(6 - f->t * f->s_q));
  CHECK(a.ci_high == Approx(6 + f->t * f->s_q));
  CHECK(a.significant);
  CHECK_FALSE(f->Effect(0b111).significant);
}

TEST_CASE("factorial analysis rejects incomplete or unreplicated designs", "[attribution]") {
  std::vector<ConfigSamples> configs = KnownDesign();
  configs.pop_back();
  CHECK(AnalyzeFactorial(3, configs, 0.95).status().code() == absl::StatusCode::kInvalidArgument);
  configs = KnownDesign();
  for (auto& c : configs) c.samples.resize(1);
  CHECK(AnalyzeFactorial(3, configs, 0.95).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(AnalyzeFactorial(kMaxFactorialLayers + 1, {}, 0.95).ok());
}

TEST_CASE("factorial reports main effects and pairs and any large higher interaction for big k",
          "[attribution]") {
  // k = 6: a three-way interaction of 5 and a tiny four-way one.
  const int k = 6;
  std::vector<ConfigSamples> configs;
  for (ConfigMask m = 0; m < 64; ++m) {
    double y = 10 + 2 * Sign(m, 0) + 5 * Sign(m, 1) * Sign(m, 2) * Sign(m, 3) +
               0.01 * Sign(m, 0) * Sign(m, 1) * Sign(m, 2) * Sign(m, 3);
    ConfigSamples c;
    c.mask = m;
    c.samples = {y - 0.05, y + 0.05};
    c.stats = Summarize(c.samples);
    configs.push_back(c);
  }
  absl::StatusOr<FactorialResult> f = AnalyzeFactorial(k, configs, 0.95);
  REQUIRE(f.ok());
  CHECK(f->effects.size() == 63u);
  // 6 main + 15 pairs + the big three-way one.
  CHECK(f->reported.size() == 6u + 15u + 1u);
  CHECK(f->Effect(0b1110).q == Approx(5));
  CHECK(f->unreported_share > 0);
  CHECK(f->unreported_share < 0.01);
}

TEST_CASE("factorial confidence intervals use tabulated Student t quantiles", "[attribution]") {
  // 8 configurations x 4 repetitions: dof = 2^3 (4 - 1) = 24. t[0.975; 24], t[0.995; 24], t[0.95; 24].
  for (auto [confidence, t] :
       {std::pair{0.95, 2.063899}, std::pair{0.99, 2.796940}, std::pair{0.90, 1.710882}}) {
    absl::StatusOr<FactorialResult> f = AnalyzeFactorial(3, KnownDesign(), confidence);
    REQUIRE(f.ok());
    CHECK(f->dof == 24);
    CHECK(f->t == Approx(t).epsilon(1e-6));
    const FactorialEffect& a = f->Effect(0b001);
    CHECK(a.ci_high - a.q == Approx(f->t * f->s_q).epsilon(1e-9));
  }
}

}  // namespace
}  // namespace dispatchlab::attribution
