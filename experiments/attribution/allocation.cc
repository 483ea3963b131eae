#include "experiments/attribution/allocation.h"

#include <algorithm>
#include <cmath>

#include "experiments/base/stats.h"

namespace dispatchlab::attribution {

std::vector<std::vector<double>> EntryCoefficients(const CostTable& costs,
                                                   const std::vector<LinearTerms>& values) {
  std::vector<std::vector<double>> out;
  out.reserve(values.size());
  for (const LinearTerms& terms : values) {
    std::vector<double> coef(costs.entries(), 0);
    for (const auto& [mask, c] : terms) coef[costs.Entry(mask)] += c;
    out.push_back(std::move(coef));
  }
  return out;
}

std::vector<int> AllocateRepetitions(const AllocationInput& in) {
  const size_t entries = in.sigma.size();
  std::vector<double> weight(entries, 0);
  for (size_t e = 0; e < entries; ++e) {
    double sum_sq = 0;
    for (const std::vector<double>& a : in.coefficients) sum_sq += a[e] * a[e];
    weight[e] = in.sigma[e] * std::sqrt(sum_sq);
  }
  std::vector<int> base(entries);
  for (size_t e = 0; e < entries; ++e) base[e] = std::max(in.count[e], std::min(in.floor, in.max_count));

  auto allocate = [&](double lambda) {
    std::vector<int> r = base;
    for (size_t e = 0; e < entries; ++e) {
      const double want = std::min<double>(in.max_count, std::ceil(lambda * weight[e]));
      r[e] = std::max(r[e], static_cast<int>(want));
    }
    return r;
  };
  auto worst = [&](const std::vector<int>& r) {
    double w = 0;
    for (const std::vector<double>& a : in.coefficients) {
      double v = 0;
      for (size_t e = 0; e < entries; ++e) v += a[e] * a[e] * in.sigma[e] * in.sigma[e] / r[e];
      w = std::max(w, v);
    }
    return w;
  };
  auto total = [](const std::vector<int>& r) {
    long long t = 0;
    for (int x : r) t += x;
    return t;
  };

  if (worst(base) <= in.target_variance) return base;
  // The lambda that puts every weighted entry at max_count: beyond it nothing changes.
  double smallest_weight = INFINITY;
  for (double w : weight) {
    if (w > 0) smallest_weight = std::min(smallest_weight, w);
  }
  if (!std::isfinite(smallest_weight)) return base;
  const double lambda_max = in.max_count / smallest_weight;
  double lo = 0, hi = lambda_max;
  if (worst(allocate(hi)) <= in.target_variance) {
    // Bisect on lambda for the smallest allocation meeting the target (worst() falls as lambda grows).
    for (int step = 0; step < 60; ++step) {
      const double mid = 0.5 * (lo + hi);
      (worst(allocate(mid)) <= in.target_variance ? hi : lo) = mid;
    }
  }
  std::vector<int> r = allocate(hi);
  if (in.max_total > 0 && total(r) > in.max_total && total(base) < in.max_total) {
    // The growth limit: the largest lambda whose allocation stays within max_total.
    double a = 0, b = hi;
    for (int step = 0; step < 60; ++step) {
      const double mid = 0.5 * (a + b);
      (total(allocate(mid)) <= in.max_total ? a : b) = mid;
    }
    r = allocate(a);
  } else if (in.max_total > 0 && total(r) > in.max_total) {
    r = base;
  }
  return r;
}

std::vector<double> AllocationSigma(const std::vector<ConfigSamples>& configs, double prior_dof) {
  std::vector<double> cvs;
  for (const ConfigSamples& c : configs) {
    if (c.stats.count >= 2 && c.stats.mean != 0) cvs.push_back(std::fabs(c.stats.stddev / c.stats.mean));
  }
  std::sort(cvs.begin(), cvs.end());
  const double pooled_cv = cvs.empty() ? 0 : stats::Median(cvs);
  std::vector<double> sigma;
  sigma.reserve(configs.size());
  for (const ConfigSamples& c : configs) {
    const double dof = std::max(0, c.stats.count - 1);
    const double prior = pooled_cv * std::fabs(c.stats.mean);
    const double var = (dof * c.stats.stddev * c.stats.stddev + prior_dof * prior * prior) /
                       std::max(dof + prior_dof, 1e-300);
    sigma.push_back(std::sqrt(var));
  }
  return sigma;
}

}  // namespace dispatchlab::attribution
