// Shapley values: each layer's fair share of the total overhead, cost(all on) - cost(all off).
//
// A layer's Shapley value is its marginal cost (cost with it on minus cost with it off) averaged over
// every order in which the k layers could be switched on; equivalently, over every subset S of the other
// layers, weighted |S|! (k - |S| - 1)! / k!. The values always sum to the total (efficiency), layers that
// play symmetric roles get equal values, and a layer that never changes the cost gets 0. Exact over all
// 2^k configurations for k <= kMaxExactShapleyLayers; beyond that, an average over sampled orders
// (permutations), each of which also sums exactly to the total, with a standard error per layer.
// docs/attribution.md, "Shapley values".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_SHAPLEY_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_SHAPLEY_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {

inline constexpr int kMaxExactShapleyLayers = 8;

struct ShapleyResult {
  std::vector<double> value;  // per chosen layer, in the cost table's units
  // Per layer: the standard error of the value due to measurement noise (propagated from the variance
  // of each configuration mean; the Shapley value is a linear combination of those means).
  std::vector<double> noise_se;
  // Per layer: the Welch-Satterthwaite degrees of freedom of noise_se (for its confidence interval).
  std::vector<double> noise_dof;
  bool exact = true;
  // Sampled only: the number of permutations and, per layer, the standard error of the permutation
  // average around the exact Shapley value of the same measured table (sampling error only).
  int permutations = 0;
  std::vector<double> sampling_se;
};

// Layer i's exact Shapley value as a linear combination of the 2^k configuration costs: every mask T
// appears once, as S + i (coefficient +w(|S|)) or as S (coefficient -w(|S|)), w(s) = s! (k - s - 1)! / k!.
std::vector<std::pair<ConfigMask, double>> ExactShapleyTerms(int k, int i);

// Exact Shapley values over all 2^k masks of `costs` (every mask must be measured). O(k 2^k).
ShapleyResult ExactShapley(const CostTable& costs);

// `count` random orders of k layers, drawn with `rng` (Fisher-Yates per permutation). Each is a list
// of layer indices in the order they are switched on.
std::vector<std::vector<int>> SamplePermutations(int k, int count, std::mt19937_64& rng);

// The masks a permutation sample visits: for each order, the empty set and each prefix of it.
std::vector<ConfigMask> PermutationConfigs(const std::vector<std::vector<int>>& permutations);

// Shapley values estimated by averaging marginal costs over `permutations` (every visited mask must be
// measured). The estimate sums exactly to the total; sampling_se[i] = sd(marginals of i) / sqrt(count).
// noise_se is the measurement noise of the estimate, propagated through its weights.
ShapleyResult PermutationShapley(const CostTable& costs, const std::vector<std::vector<int>>& permutations);

// Layer i's permutation estimate as a linear combination of the visited configuration costs.
std::vector<std::pair<ConfigMask, double>> PermutationShapleyTerms(
    int i, const std::vector<std::vector<int>>& permutations);

// The default number of sampled permutations for k layers beyond exactness.
int DefaultPermutationCount(int k);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_SHAPLEY_H_
