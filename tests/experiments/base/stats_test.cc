// experiments/base/stats.h: the one median, mean, standard deviation, standard error and quantile, on values
// whose results are exact in binary floating point.
#include "experiments/base/stats.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/name_lookup.h"

namespace dispatchlab {
namespace {

TEST_CASE("stats: the median is the middle value, or the mean of the two middle ones") {
  CHECK(stats::Median({}) == 0);
  CHECK(stats::Median({3}) == 3);
  CHECK(stats::Median({5, 1, 3}) == 3);
  CHECK(stats::Median({4, 1, 3, 2}) == 2.5);
}

TEST_CASE("stats: mean, sample standard deviation, cv and standard error") {
  const std::vector<double> v = {2, 4, 4, 4, 5, 5, 7, 9};  // mean 5, sum of squares 32
  CHECK(stats::Mean(v) == 5);
  CHECK(stats::SampleStddev(v) == Approx(std::sqrt(32.0 / 7)));
  CHECK(stats::CoefficientOfVariation(v) == Approx(std::sqrt(32.0 / 7) / 5));
  CHECK(stats::StandardErrorOfMean(v) == Approx(std::sqrt(32.0 / 7 / 8)));
  CHECK(stats::Mean({}) == 0);
  CHECK(stats::SampleStddev({7}) == 0);
  CHECK(stats::StandardErrorOfMean({7}) == 0);
  CHECK(stats::CoefficientOfVariation({0, 0}) == 0);
  CHECK(stats::CoefficientOfVariation({-1, -3}) == Approx(std::sqrt(2.0) / 2));
}

TEST_CASE("stats: quantiles interpolate between order statistics; the spread is median, min, max") {
  const std::vector<double> sorted = {1, 2, 3, 4, 5};
  CHECK(stats::Quantile(sorted, 0) == 1);
  CHECK(stats::Quantile(sorted, 0.25) == 2);
  CHECK(stats::Quantile(sorted, 0.5) == 3);
  CHECK(stats::Quantile({1, 2}, 0.75) == 1.75);
  CHECK(stats::Quantile(sorted, 1) == 5);
  CHECK(stats::Quantile({}, 0.5) == 0);
  const stats::Spread spread = stats::SpreadOf({9, 1, 4, 6});
  CHECK(spread.median == 5);
  CHECK(spread.min == 1);
  CHECK(spread.max == 9);
}

TEST_CASE("stats: Student's t and normal quantiles, in double, match the published tables") {
  // t[0.975; dof] and z[0.975] to ten significant digits (NIST/SEMATECH e-Handbook, tables 1.3.6.7.1-2).
  CHECK(stats::StudentTQuantile(1, 0.975) == Approx(12.70620474).epsilon(1e-9));
  CHECK(stats::StudentTQuantile(9, 0.975) == Approx(2.262157163).epsilon(1e-9));
  CHECK(stats::StudentTQuantile(30, 0.975) == Approx(2.042272456).epsilon(1e-9));
  CHECK(stats::StudentTQuantile(9, 0.5) == Approx(0).margin(1e-15));
  CHECK(stats::NormalQuantile(0.975) == Approx(1.959963985).epsilon(1e-9));
  CHECK(stats::NormalQuantile(0.5) == Approx(0).margin(1e-15));
}

struct Row {
  absl::string_view name;
  int id;
};

TEST_CASE("LookupByName finds a row by its name and names every row otherwise") {
  const std::vector<Row> table = {{"alpha", 1}, {"beta", 2}};
  absl::StatusOr<const Row*> beta = LookupByName(table, "beta", "thing", "things");
  REQUIRE(beta.ok());
  CHECK((*beta)->id == 2);
  absl::StatusOr<const Row*> nope = LookupByName(table, "gamma", "thing", "things");
  CHECK(nope.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(nope.status().message() == "unknown thing 'gamma' (things: alpha, beta)");
  CHECK(LookupByName(table, "", "thing", "things", "all").status().message() ==
        "unknown thing '' (things: alpha, beta, all)");
}

}  // namespace
}  // namespace dispatchlab
