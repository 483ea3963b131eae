// Summary statistics of repeated measurements: the one place dispatchlab computes a median, a mean, a
// sample standard deviation, a coefficient of variation, a standard error or a quantile (the runner, `run`,
// `mp`, `alloc`, `cpython`, the stability check, the report and the attribution library all call these).
//
// Conventions, as pyperf and Google Benchmark's aggregates use them: the median of an even count is the
// mean of the two middle values; the standard deviation is the sample one (k - 1 in the denominator);
// quantiles interpolate linearly between order statistics (numpy's default, R's type 7).
//
// The distributions' quantiles (Student's t for confidence intervals, the normal for sample planning) come
// from Boost.Math, computed in double throughout: Boost's default policy promotes double to long double,
// whose static initializers overflow under valgrind (which runs long double at double's precision) and
// abort any LTO- or PGO-built binary that valgrind runs (docs/faithfulness.md, "Compile flags").
#ifndef DISPATCHLAB_EXPERIMENTS_STATS_H_
#define DISPATCHLAB_EXPERIMENTS_STATS_H_

#include <vector>

namespace dispatchlab::stats {

// The middle value of `values` (the mean of the two middle ones for an even count); 0 when empty.
double Median(std::vector<double> values);
// The arithmetic mean, summed in the order given; 0 when empty.
double Mean(const std::vector<double>& values);
// sqrt(sum (x - mean)^2 / (k - 1)); 0 with fewer than 2 values.
double SampleStddev(const std::vector<double>& values);
// SampleStddev / |Mean|; 0 when the mean is 0 or there are fewer than 2 values.
double CoefficientOfVariation(const std::vector<double>& values);
// The standard error of the mean, sqrt(sum (x - mean)^2 / (k - 1) / k); 0 with fewer than 2 values.
double StandardErrorOfMean(const std::vector<double>& values);
// The p-quantile (p in [0, 1]) of `sorted` (ascending), interpolated linearly; 0 when empty.
double Quantile(const std::vector<double>& sorted, double p);

// The p-quantile of Student's t with `dof` degrees of freedom (dof > 0, p in (0, 1)), e.g. the 95% interval's
// multiplier StudentTQuantile(dof, 0.975).
double StudentTQuantile(double dof, double p);
// The p-quantile of the standard normal distribution (p in (0, 1)).
double NormalQuantile(double p);

// The median, min and max of a set of samples (all 0 when empty): how `mp` and `alloc` print a spread.
struct Spread {
  double median = 0, min = 0, max = 0;
};
Spread SpreadOf(std::vector<double> values);

}  // namespace dispatchlab::stats

#endif  // DISPATCHLAB_EXPERIMENTS_STATS_H_
