#include "experiments/attribution/shapley.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"

namespace dispatchlab::attribution {

namespace {

// w[s] = s! (k - s - 1)! / k!, the weight of a coalition of size s not containing the layer.
std::vector<double> CoalitionWeights(int k) {
  std::vector<double> w(k);
  for (int s = 0; s < k; ++s) {
    // Computed as 1 / (k * C(k - 1, s)) to stay exact in double for small k.
    double binom = 1;
    for (int j = 1; j <= s; ++j) binom = binom * (k - s - 1 + j) / j;
    w[s] = 1.0 / (k * binom);
  }
  return w;
}

}  // namespace

std::vector<std::pair<ConfigMask, double>> ExactShapleyTerms(int k, int i) {
  const std::vector<double> w = CoalitionWeights(k);
  const ConfigMask bit = ConfigMask{1} << i;
  const ConfigMask n = ConfigMask{1} << k;
  std::vector<std::pair<ConfigMask, double>> terms;
  terms.reserve(n);
  for (ConfigMask s = 0; s < n; ++s) {
    if (s & bit) continue;
    const double ws = w[__builtin_popcount(s)];
    terms.push_back({s | bit, ws});
    terms.push_back({s, -ws});
  }
  return terms;
}

ShapleyResult ExactShapley(const CostTable& costs) {
  const int k = costs.k();
  ShapleyResult r;
  r.value.assign(k, 0);
  r.noise_se.assign(k, 0);
  r.noise_dof.assign(k, 0);
  for (int i = 0; i < k; ++i) {
    const std::vector<std::pair<ConfigMask, double>> terms = ExactShapleyTerms(k, i);
    // The terms come in pairs (S + i, +w) (S, -w): the marginals are summed pairwise, so a layer whose
    // switching never changes the measurement (shared configurations) gets exactly 0.
    double value = 0;
    for (size_t t = 0; t + 1 < terms.size(); t += 2) {
      value += terms[t].second * (costs.Cost(terms[t].first) - costs.Cost(terms[t + 1].first));
    }
    r.value[i] = value;
    r.noise_se[i] = std::sqrt(costs.LinearVariance(terms, &r.noise_dof[i]));
  }
  return r;
}

std::vector<std::vector<int>> SamplePermutations(int k, int count, std::mt19937_64& rng) {
  std::vector<std::vector<int>> out;
  out.reserve(count);
  for (int p = 0; p < count; ++p) {
    std::vector<int> perm(k);
    for (int i = 0; i < k; ++i) perm[i] = i;
    Shuffle(perm, rng);
    out.push_back(std::move(perm));
  }
  return out;
}

std::vector<ConfigMask> PermutationConfigs(const std::vector<std::vector<int>>& permutations) {
  std::vector<ConfigMask> masks = {0};
  for (const auto& perm : permutations) {
    ConfigMask m = 0;
    for (int i : perm) {
      m |= ConfigMask{1} << i;
      masks.push_back(m);
    }
  }
  return MergeConfigs({masks});
}

ShapleyResult PermutationShapley(const CostTable& costs, const std::vector<std::vector<int>>& permutations) {
  const int k = costs.k();
  const int m = static_cast<int>(permutations.size());
  ShapleyResult r;
  r.exact = false;
  r.permutations = m;
  r.value.assign(k, 0);
  r.noise_se.assign(k, 0);
  r.noise_dof.assign(k, 0);
  r.sampling_se.assign(k, 0);
  if (m == 0) return r;
  std::vector<double> sum_sq(k, 0);
  // coef[i][mask]: the weight of each mask's mean in layer i's estimate, for the noise propagation.
  std::vector<absl::flat_hash_map<ConfigMask, double>> coef(k);
  for (const auto& perm : permutations) {
    ConfigMask before = 0;
    for (int i : perm) {
      const ConfigMask after = before | (ConfigMask{1} << i);
      const double marginal = costs.Cost(after) - costs.Cost(before);
      r.value[i] += marginal;
      sum_sq[i] += marginal * marginal;
      coef[i][after] += 1.0 / m;
      coef[i][before] -= 1.0 / m;
      before = after;
    }
  }
  for (int i = 0; i < k; ++i) {
    const double mean = r.value[i] / m;
    r.value[i] = mean;
    if (m > 1) {
      const double var = std::max(0.0, (sum_sq[i] - m * mean * mean) / (m - 1));
      r.sampling_se[i] = std::sqrt(var / m);
    }
    r.noise_se[i] = std::sqrt(costs.LinearVariance(
        std::vector<std::pair<ConfigMask, double>>(coef[i].begin(), coef[i].end()), &r.noise_dof[i]));
  }
  return r;
}

std::vector<std::pair<ConfigMask, double>> PermutationShapleyTerms(
    int i, const std::vector<std::vector<int>>& permutations) {
  const double m = static_cast<double>(permutations.size());
  absl::flat_hash_map<ConfigMask, double> coef;
  for (const auto& perm : permutations) {
    ConfigMask before = 0;
    for (int j : perm) {
      const ConfigMask after = before | (ConfigMask{1} << j);
      if (j == i) {
        coef[after] += 1.0 / m;
        coef[before] -= 1.0 / m;
        break;
      }
      before = after;
    }
  }
  std::vector<std::pair<ConfigMask, double>> terms(coef.begin(), coef.end());
  std::sort(terms.begin(), terms.end());
  return terms;
}

int DefaultPermutationCount(int k) { return 16 * k; }

}  // namespace dispatchlab::attribution
