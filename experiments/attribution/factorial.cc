#include "experiments/attribution/factorial.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "experiments/base/stats.h"

namespace dispatchlab::attribution {

absl::StatusOr<FactorialResult> AnalyzeFactorial(int k, const std::vector<ConfigSamples>& configs,
                                                 double confidence) {
  if (k < 1 || k > kMaxFactorialLayers) {
    return absl::InvalidArgumentError(
        absl::StrCat("factorial design needs 1 to ", kMaxFactorialLayers, " layers, got ", k));
  }
  const size_t n = size_t{1} << k;
  std::vector<const ConfigSamples*> by_mask(n, nullptr);
  for (const ConfigSamples& c : configs) {
    if (c.mask < n) by_mask[c.mask] = &c;
  }
  int r = -1;
  for (size_t m = 0; m < n; ++m) {
    if (by_mask[m] == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("factorial design: configuration ", m, " missing"));
    }
    const int count = static_cast<int>(by_mask[m]->samples.size());
    if (r < 0) r = count;
    if (count != r) {
      return absl::InvalidArgumentError("factorial design: configurations have unequal repetitions");
    }
  }
  if (r < 2) return absl::InvalidArgumentError("factorial design needs at least 2 repetitions");

  FactorialResult out;
  out.k = k;
  out.repetitions = r;
  out.confidence = confidence;

  // Configuration means, then the Walsh-Hadamard transform: h[e] = sum_j (-1)^{|e & j|} ybar_j.
  // Jain's sign of configuration j in column e is (-1)^{|e| - |e & j|}, so q_e = (-1)^{|e|} h[e] / 2^k.
  std::vector<double> h(n);
  double grand = 0;
  for (size_t m = 0; m < n; ++m) {
    double s = 0;
    for (double y : by_mask[m]->samples) s += y;
    h[m] = s / r;
    grand += h[m];
  }
  grand /= n;
  for (size_t len = 1; len < n; len <<= 1) {
    for (size_t i = 0; i < n; i += len << 1) {
      for (size_t j = i; j < i + len; ++j) {
        const double a = h[j], b = h[j + len];
        h[j] = a + b;
        h[j + len] = a - b;
      }
    }
  }
  out.q0 = grand;

  double sst = 0, sse = 0;
  for (size_t m = 0; m < n; ++m) {
    double s = 0;
    for (double y : by_mask[m]->samples) s += y;
    const double ybar = s / r;
    for (double y : by_mask[m]->samples) {
      sst += (y - grand) * (y - grand);
      sse += (y - ybar) * (y - ybar);
    }
  }
  out.sst = sst;
  out.sse = sse;
  out.error_share = sst > 0 ? sse / sst : 0;
  out.dof = static_cast<int>(n) * (r - 1);
  out.s_e = std::sqrt(sse / out.dof);
  out.s_q = out.s_e / std::sqrt(static_cast<double>(n) * r);
  // t[1 - alpha/2; dof] (Jain: CI = q -/+ t s_q), from Boost.Math.
  out.t = stats::StudentTQuantile(out.dof, 1 - (1 - confidence) / 2);

  out.effects.resize(n - 1);
  for (size_t e = 1; e < n; ++e) {
    FactorialEffect& f = out.effects[e - 1];
    f.layers = static_cast<ConfigMask>(e);
    const double sign = (__builtin_popcount(static_cast<unsigned>(e)) % 2) ? -1.0 : 1.0;
    f.q = sign * h[e] / n;
    f.ci_low = f.q - out.t * out.s_q;
    f.ci_high = f.q + out.t * out.s_q;
    f.sum_of_squares = static_cast<double>(n) * r * f.q * f.q;
    f.share = sst > 0 ? f.sum_of_squares / sst : 0;
    f.significant = f.ci_low > 0 || f.ci_high < 0;
    const int order = __builtin_popcount(static_cast<unsigned>(e));
    if (k <= 4 || order <= 2 || f.share >= kReportShare) {
      out.reported.push_back(static_cast<int>(e - 1));
    } else {
      out.unreported_share += f.share;
    }
  }
  // Main effects first (call-chain order), then interactions by the variation they explain.
  std::stable_sort(out.reported.begin(), out.reported.end(), [&](int a, int b) {
    const int oa = __builtin_popcount(out.effects[a].layers), ob = __builtin_popcount(out.effects[b].layers);
    if ((oa == 1) != (ob == 1)) return oa == 1;
    if (oa == 1) return a < b;
    return out.effects[a].share > out.effects[b].share;
  });
  return out;
}

}  // namespace dispatchlab::attribution
