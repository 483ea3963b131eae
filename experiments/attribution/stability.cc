#include "experiments/attribution/stability.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dispatchlab::attribution {

std::vector<int> TukeyOutliers(const std::vector<double>& samples, double fence) {
  std::vector<int> out;
  if (samples.size() < 4) return out;  // quartiles of three points say nothing about tails
  const SampleStats s = Summarize(samples);
  const double iqr = s.q3 - s.q1;
  const double lo = s.q1 - fence * iqr, hi = s.q3 + fence * iqr;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (samples[i] < lo || samples[i] > hi) out.push_back(static_cast<int>(i));
  }
  return out;
}

StabilityVerdict JudgeStability(const LayerSpace& space, const std::vector<ConfigSamples>& configs,
                                const StabilityLimits& limits) {
  StabilityVerdict v;
  int min_reps = configs.empty() ? 0 : static_cast<int>(configs[0].samples.size());
  std::vector<size_t> noisy;  // configurations over the CV limit
  size_t worst_outliers = 0;
  int configs_with_outliers = 0;
  for (size_t c = 0; c < configs.size(); ++c) {
    ConfigStability cs;
    cs.cv = configs[c].stats.cv;
    cs.outliers = TukeyOutliers(configs[c].samples, limits.fence);
    v.max_cv = std::max(v.max_cv, cs.cv);
    v.outlier_count += static_cast<int>(cs.outliers.size());
    v.sample_count += static_cast<int>(configs[c].samples.size());
    min_reps = std::min(min_reps, static_cast<int>(configs[c].samples.size()));
    if (cs.cv > limits.max_cv) noisy.push_back(c);
    if (!cs.outliers.empty()) ++configs_with_outliers;
    v.per_config.push_back(std::move(cs));
  }
  for (size_t c = 0; c < configs.size(); ++c) {
    if (v.per_config[c].outliers.size() > v.per_config[worst_outliers].outliers.size()) worst_outliers = c;
  }

  if (min_reps < limits.min_repetitions) {
    v.reasons.push_back(absl::StrCat("only ", min_reps, " repetitions per configuration (at least ",
                                     limits.min_repetitions, " recommended)"));
  }
  std::sort(noisy.begin(), noisy.end(),
            [&](size_t a, size_t b) { return v.per_config[a].cv > v.per_config[b].cv; });
  constexpr size_t kNamed = 3;
  for (size_t i = 0; i < noisy.size() && i < kNamed; ++i) {
    v.reasons.push_back(absl::StrFormat("configuration %s has CV %.1f%% > %.0f%%",
                                        ConfigLabel(space, configs[noisy[i]].mask),
                                        100 * v.per_config[noisy[i]].cv, 100 * limits.max_cv));
  }
  if (noisy.size() > kNamed) {
    v.reasons.push_back(absl::StrCat(noisy.size() - kNamed, " more configurations over the CV limit"));
  }
  if (v.sample_count > 0 && v.outlier_count > limits.max_outlier_share * v.sample_count) {
    const ConfigSamples& w = configs[worst_outliers];
    v.reasons.push_back(absl::StrFormat(
        "%d outliers (beyond %.1f IQR) in %d of %d configurations (%.1f%% of samples > %.0f%%); most in %s "
        "(%d of %d)",
        v.outlier_count, limits.fence, configs_with_outliers, static_cast<int>(configs.size()),
        100.0 * v.outlier_count / v.sample_count, 100 * limits.max_outlier_share, ConfigLabel(space, w.mask),
        static_cast<int>(v.per_config[worst_outliers].outliers.size()), static_cast<int>(w.samples.size())));
  }
  v.stable = v.reasons.empty();
  return v;
}

}  // namespace dispatchlab::attribution
