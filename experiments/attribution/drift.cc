#include "experiments/attribution/drift.h"

#include <algorithm>
#include <cmath>

namespace dispatchlab::attribution {

std::vector<double> DriftFactors(const std::vector<double>& values, const std::vector<int>& config,
                                 int num_configs, int window, int iterations) {
  const size_t n = values.size();
  std::vector<double> log_factor(n, 0);
  if (window <= 0 || n == 0) return std::vector<double>(n, 1.0);
  std::vector<bool> usable(n);
  std::vector<double> log_value(n, 0);
  for (size_t t = 0; t < n; ++t) {
    usable[t] = values[t] > 0 && std::isfinite(values[t]);
    if (usable[t]) log_value[t] = std::log(values[t]);
  }
  std::vector<double> residual(n, 0);
  for (int it = 0; it < iterations; ++it) {
    // Each configuration's log-mean at the current factors.
    std::vector<double> sum(num_configs, 0);
    std::vector<int> count(num_configs, 0);
    for (size_t t = 0; t < n; ++t) {
      if (!usable[t]) continue;
      sum[config[t]] += log_value[t] - log_factor[t];
      ++count[config[t]];
    }
    for (size_t t = 0; t < n; ++t) {
      residual[t] = usable[t] ? log_value[t] - sum[config[t]] / count[config[t]] : 0;
    }
    // The factor of each sample: the mean residual of its usable neighbours (a running sum over the
    // window, the sample itself taken out).
    std::vector<double> prefix(n + 1, 0);
    std::vector<int> prefix_count(n + 1, 0);
    for (size_t t = 0; t < n; ++t) {
      prefix[t + 1] = prefix[t] + residual[t];
      prefix_count[t + 1] = prefix_count[t] + (usable[t] ? 1 : 0);
    }
    double mean = 0;
    int used = 0;
    for (size_t t = 0; t < n; ++t) {
      const size_t lo = t >= static_cast<size_t>(window) ? t - window : 0;
      const size_t hi = std::min(n, t + window + 1);
      double s = prefix[hi] - prefix[lo];
      int c = prefix_count[hi] - prefix_count[lo];
      if (usable[t]) {
        s -= residual[t];
        --c;
      }
      log_factor[t] = c > 0 ? s / c : 0;
      if (usable[t]) {
        mean += log_factor[t];
        ++used;
      }
    }
    if (used > 0) mean /= used;
    for (size_t t = 0; t < n; ++t) log_factor[t] = usable[t] ? log_factor[t] - mean : 0;
  }
  std::vector<double> factor(n);
  for (size_t t = 0; t < n; ++t) factor[t] = std::exp(log_factor[t]);
  return factor;
}

}  // namespace dispatchlab::attribution
