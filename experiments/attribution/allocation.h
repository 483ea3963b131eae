// How many samples each measured configuration gets in the sequential design's next round.
//
// Every attributed value is a linear combination sum_e a_e * mean_e of the measured configurations' means
// (a Shapley value weights "all off" and "all on" by 1/k, a middle configuration of s layers by
// 1 / (k C(k - 1, s)); configurations that share a measurement add their coefficients). Its variance is
// sum_e a_e^2 sigma_e^2 / r_e: nearly all of it comes from the few configurations with large |a_e| sigma_e.
// Equal repetitions spend most samples where they barely matter. The optimal allocation of a fixed number
// of equally costly samples to the terms of such a sum (Neyman 1934, "On the two different aspects of the
// representative method", JRSS 97(4); Cochran, Sampling Techniques, 3rd ed. 1977, section 5.5) is
// r_e proportional to |a_e| sigma_e; over several values at once, minimising the sum of their variances
// (an A-optimal design), r_e proportional to sigma_e sqrt(sum_i a_ie^2). Samples cost about the same here
// because the time sampler calibrates each configuration's iterations to one sample duration.
// docs/attribution.md, "Allocation of the repetitions".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ALLOCATION_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ALLOCATION_H_

#include <utility>
#include <vector>

#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {

// One attributed value as a linear combination of configuration costs: (mask, coefficient) terms.
using LinearTerms = std::vector<std::pair<ConfigMask, double>>;

// Per value: its coefficient on each measured configuration (entry e of `costs`, i.e. configs[e] of the
// table's construction), masks sharing a measurement added together.
std::vector<std::vector<double>> EntryCoefficients(const CostTable& costs,
                                                   const std::vector<LinearTerms>& values);

struct AllocationInput {
  // Per value, per entry: coefficients (EntryCoefficients).
  std::vector<std::vector<double>> coefficients;
  std::vector<double> sigma;   // per entry: the standard deviation of one sample (an estimate)
  std::vector<int> count;      // per entry: samples taken so far
  double target_variance = 0;  // every value's variance must come down to this
  int floor = 2;               // the fewest samples of any entry
  int max_count = 50;          // the most samples of any entry
  // At most this many samples in all after the round (the sequential design's growth limit: estimates
  // of sigma from a few samples are rough, so a round at most doubles the samples); 0: no limit.
  long long max_total = 0;
};

// The smallest allocation of the form r_e = max(count_e, floor, ceil(lambda * w_e)), capped at
// max_count, with w_e = sigma_e sqrt(sum_i a_ie^2), that brings every value's variance
// sum_e a_ie^2 sigma_e^2 / r_e down to target_variance (or the largest lambda within max_total, or every
// entry at max_count when the target cannot be met). Returns the total samples per entry (never below
// count_e).
std::vector<int> AllocateRepetitions(const AllocationInput& input);

// Per entry, the standard deviation to allocate by: the entry's own sample standard deviation shrunk
// towards `pooled_cv` * |mean| with the weight of `prior_dof` degrees of freedom (an entry measured twice
// has one degree of freedom, and its spread alone may be near zero by chance; the reported intervals
// still use each entry's own spread).
std::vector<double> AllocationSigma(const std::vector<ConfigSamples>& configs, double prior_dof = 4);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ALLOCATION_H_
