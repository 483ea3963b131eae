#include "experiments/base/stats.h"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace dispatchlab::stats {
namespace {

// sum (x - mean)^2, in the order given.
double SumOfSquares(const std::vector<double>& values, double mean) {
  double sq = 0;
  for (double x : values) sq += (x - mean) * (x - mean);
  return sq;
}

// Boost.Math's policy with no promotion to long double (see stats.h).
using InDouble = boost::math::policies::policy<boost::math::policies::promote_float<false>,
                                               boost::math::policies::promote_double<false>>;

}  // namespace

double StudentTQuantile(double dof, double p) {
  return boost::math::quantile(boost::math::students_t_distribution<double, InDouble>(dof), p);
}

double NormalQuantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double, InDouble>(), p);
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t k = values.size();
  return k % 2 ? values[k / 2] : (values[k / 2 - 1] + values[k / 2]) / 2;
}

double Mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double x : values) sum += x;
  return sum / static_cast<double>(values.size());
}

double SampleStddev(const std::vector<double>& values) {
  const size_t k = values.size();
  if (k < 2) return 0;
  return std::sqrt(SumOfSquares(values, Mean(values)) / static_cast<double>(k - 1));
}

double CoefficientOfVariation(const std::vector<double>& values) {
  const double mean = Mean(values);
  return mean != 0 ? SampleStddev(values) / std::fabs(mean) : 0;
}

double StandardErrorOfMean(const std::vector<double>& values) {
  const size_t k = values.size();
  if (k < 2) return 0;
  return std::sqrt(SumOfSquares(values, Mean(values)) / static_cast<double>(k - 1) / static_cast<double>(k));
}

double Quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Spread SpreadOf(std::vector<double> values) {
  Spread spread;
  if (values.empty()) return spread;
  std::sort(values.begin(), values.end());
  spread.median = Median(values);
  spread.min = values.front();
  spread.max = values.back();
  return spread;
}

}  // namespace dispatchlab::stats
