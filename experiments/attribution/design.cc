#include "experiments/attribution/design.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "experiments/base/stats.h"

namespace dispatchlab::attribution {

LayerSet LayerSpace::LayersFor(ConfigMask mask) const {
  LayerSet out = base;
  for (int i = 0; i < k(); ++i) out = out.Set(chosen[i], (mask >> i) & 1u);
  return out;
}

std::string ConfigLabel(const LayerSpace& space, ConfigMask mask) {
  const int on = __builtin_popcount(mask);
  if (on == space.k()) return "all on";
  if (on == 0) return "all off";
  const bool list_on = on <= space.k() - on;
  std::vector<std::string> names;
  for (int i = 0; i < space.k(); ++i) {
    if ((((mask >> i) & 1u) != 0) == list_on) names.emplace_back(InfoOf(space.chosen[i]).name);
  }
  return absl::StrCat(list_on ? "only " : "all but ", absl::StrJoin(names, ","));
}

LayerSpace MakeLayerSpace(LayerSet base, LayerSet chosen) {
  // Members() already walks the table in call-chain order.
  return LayerSpace{base, chosen.Members()};
}

std::vector<ConfigMask> AllConfigs(int k) {
  std::vector<ConfigMask> out(size_t{1} << k);
  for (size_t m = 0; m < out.size(); ++m) out[m] = static_cast<ConfigMask>(m);
  return out;
}

std::vector<ConfigMask> WaterfallConfigs(int k) {
  const ConfigMask full = (ConfigMask{1} << k) - 1;
  std::vector<ConfigMask> out = {full};
  ConfigMask m = full;
  for (int i = 0; i < k; ++i) {
    m &= ~(ConfigMask{1} << i);
    out.push_back(m);
  }
  return out;
}

std::vector<ConfigMask> LeaveOneOutConfigs(int k) {
  const ConfigMask full = (ConfigMask{1} << k) - 1;
  std::vector<ConfigMask> out = {full};
  for (int i = 0; i < k; ++i) out.push_back(full & ~(ConfigMask{1} << i));
  return out;
}

std::vector<ConfigMask> AddOneInConfigs(int k) {
  std::vector<ConfigMask> out = {0};
  for (int i = 0; i < k; ++i) out.push_back(ConfigMask{1} << i);
  return out;
}

std::vector<ConfigMask> MergeConfigs(const std::vector<std::vector<ConfigMask>>& lists) {
  std::vector<ConfigMask> out;
  for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound) {
  // Reject the top partial block so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound + 1) % bound;
  uint64_t x = rng();
  while (x > limit) x = rng();
  return x % bound;
}

std::vector<int> MakeRunOrder(int num_configs, int repetitions, uint64_t seed) {
  std::vector<int> order;
  order.reserve(static_cast<size_t>(num_configs) * repetitions);
  for (int rep = 0; rep < repetitions; ++rep) {
    for (int c = 0; c < num_configs; ++c) order.push_back(c);
  }
  std::mt19937_64 rng(seed);
  Shuffle(order, rng);
  return order;
}

SampleStats Summarize(const std::vector<double>& samples) {
  SampleStats s;
  s.count = static_cast<int>(samples.size());
  if (samples.empty()) return s;
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  s.mean = stats::Mean(samples);
  s.stddev = stats::SampleStddev(samples);
  s.cv = stats::CoefficientOfVariation(samples);
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = stats::Median(sorted);
  s.q1 = stats::Quantile(sorted, 0.25);
  s.q3 = stats::Quantile(sorted, 0.75);
  return s;
}

absl::string_view StatisticName(Statistic s) { return s == Statistic::kMedian ? "median" : "mean"; }

CostTable::CostTable(int k, const std::vector<ConfigSamples>& configs, Statistic statistic,
                     const std::vector<std::pair<ConfigMask, ConfigMask>>& shared)
    : k_(k), index_(size_t{1} << k, -1) {
  constexpr double kMedianEfficiency = 1.5707963267948966;  // pi / 2
  for (const ConfigSamples& c : configs) {
    index_[c.mask] = static_cast<int>(mean_.size());
    const bool median = statistic == Statistic::kMedian;
    mean_.push_back(median ? c.stats.median : c.stats.mean);
    const double var = c.stats.count > 0 ? c.stats.stddev * c.stats.stddev / c.stats.count : 0;
    mean_variance_.push_back(median ? kMedianEfficiency * var : var);
    count_.push_back(c.stats.count);
  }
  for (const auto& [mask, measured] : shared) {
    if (!Has(measured)) std::abort();  // the design measures every configuration it shares
    index_[mask] = index_[measured];
  }
}

int CostTable::Entry(ConfigMask mask) const {
  if (!Has(mask)) std::abort();
  return index_[mask];
}

double CostTable::LinearVariance(const std::vector<std::pair<ConfigMask, double>>& terms, double* dof) const {
  std::vector<double> coef(mean_.size(), 0);
  for (const auto& [mask, c] : terms) coef[Entry(mask)] += c;
  double v = 0, v2_over_dof = 0;
  bool single = false;
  for (size_t e = 0; e < coef.size(); ++e) {
    const double ve = coef[e] * coef[e] * mean_variance_[e];
    v += ve;
    if (coef[e] != 0 && count_[e] < 2) single = true;
    if (count_[e] >= 2) v2_over_dof += ve * ve / (count_[e] - 1);
  }
  if (dof != nullptr) *dof = (single || v2_over_dof <= 0) ? 0 : v * v / v2_over_dof;
  return v;
}

bool CostTable::Has(ConfigMask mask) const { return mask < index_.size() && index_[mask] >= 0; }

double CostTable::Cost(ConfigMask mask) const {
  if (!Has(mask)) std::abort();  // every method asks only for masks its design listed
  return mean_[index_[mask]];
}

double CostTable::MeanVariance(ConfigMask mask) const {
  if (!Has(mask)) std::abort();
  return mean_variance_[index_[mask]];
}

}  // namespace dispatchlab::attribution
