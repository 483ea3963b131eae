// Is a measured attribution stable enough to trust? Per configuration: the coefficient of variation of
// its repetitions and its outliers (Tukey's fences: beyond 1.5 interquartile ranges from the quartiles).
// The verdict says "unstable" with one human reason per problem ("configuration all on has CV 12.0% >
// 5%", "3 outliers in 2 configurations, most in only boxing (2 of 9)", "only 3 repetitions ...").
// docs/attribution.md, "Stability".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_STABILITY_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_STABILITY_H_

#include <string>
#include <vector>

#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {

struct StabilityLimits {
  double max_cv = 0.05;             // per configuration
  double max_outlier_share = 0.05;  // outliers over all samples
  int min_repetitions = 9;          // the r >= 9
  double fence = 1.5;               // Tukey fence, in interquartile ranges
};

struct ConfigStability {
  double cv = 0;
  std::vector<int> outliers;  // indices into the configuration's samples
};

struct StabilityVerdict {
  bool stable = true;
  std::vector<std::string> reasons;         // empty when stable
  std::vector<ConfigStability> per_config;  // parallel to the configurations given
  double max_cv = 0;
  int outlier_count = 0;
  int sample_count = 0;
};

// The indices of `samples` outside [q1 - fence * IQR, q3 + fence * IQR]; none with fewer than 4 samples.
std::vector<int> TukeyOutliers(const std::vector<double>& samples, double fence);

// Judges the configurations of one attribution.
StabilityVerdict JudgeStability(const LayerSpace& space, const std::vector<ConfigSamples>& configs,
                                const StabilityLimits& limits = {});

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_STABILITY_H_
