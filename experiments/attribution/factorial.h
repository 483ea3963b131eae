// The 2^k r factorial design of Jain, The Art of Computer Systems Performance Analysis, ch. 17-18:
// every combination of k two-level factors (a layer off = -1, on = +1) measured r times.
//
// The model is y = q0 + sum over effects e of q_e * x_e + error, where x_e is the product of the signs
// of the layers in e (the sign table). q_e for a single layer is its main effect: half the average
// difference between the layer on and off; for several layers, their interaction. Because the design is
// orthogonal, the total variation SST = sum of (y - mean)^2 splits exactly into SS_e = 2^k r q_e^2 per
// effect plus the error SSE (the spread of the repetitions around their configuration mean); SS_e / SST
// is the share of variation an effect explains, SSE / SST the share left to noise. Each effect gets a
// confidence interval q_e -/+ t[1 - alpha/2; 2^k (r - 1)] * s_e / sqrt(2^k r), s_e^2 = SSE / (2^k (r-1)).
// docs/attribution.md, "Factorial design".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_FACTORIAL_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_FACTORIAL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {

// The largest k a factorial design is run for (2^10 = 1024 configurations, each r times).
inline constexpr int kMaxFactorialLayers = 10;

struct FactorialEffect {
  ConfigMask layers = 0;  // the chosen layers in the effect (one bit: a main effect)
  double q = 0;
  double ci_low = 0;
  double ci_high = 0;
  double sum_of_squares = 0;  // 2^k r q^2
  double share = 0;           // sum_of_squares / SST (0 when SST is 0)
  bool significant = false;   // the confidence interval excludes 0
};

struct FactorialResult {
  int k = 0;
  int repetitions = 0;
  double confidence = 0.95;
  double q0 = 0;  // the grand mean
  // Every effect, indexed by mask - 1 (masks 1 .. 2^k - 1).
  std::vector<FactorialEffect> effects;
  // The effects worth showing: every main effect and 2-way interaction, and any higher interaction
  // explaining at least kReportShare of the variation (all of them for k <= 4). Indices into effects:
  // main effects first in call-chain order, then interactions by decreasing share of variation.
  std::vector<int> reported;
  double unreported_share = 0;  // the variation explained by effects not in `reported`
  double sst = 0;
  double sse = 0;
  double error_share = 0;  // SSE / SST
  int dof = 0;             // 2^k (r - 1)
  double t = 0;            // t[1 - alpha/2; dof]
  double s_e = 0;          // standard deviation of errors
  double s_q = 0;          // standard deviation of each effect

  const FactorialEffect& Effect(ConfigMask layers) const { return effects[layers - 1]; }
  // Main effect of chosen layer i as the average cost of switching it on: 2 q_i.
  double OnMinusOff(int i) const { return 2 * Effect(ConfigMask{1} << i).q; }
};

inline constexpr double kReportShare = 0.01;

// Analyses `configs`, which must hold every mask of 0 .. 2^k - 1 exactly once, each with the same
// number r >= 2 of samples. `confidence` is the two-sided level of the intervals (e.g. 0.95).
absl::StatusOr<FactorialResult> AnalyzeFactorial(int k, const std::vector<ConfigSamples>& configs,
                                                 double confidence);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_FACTORIAL_H_
