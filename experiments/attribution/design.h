// The experimental design of an attribution: which layer configurations to measure, in what order, and
// the per-configuration summaries every attribution method reads.
//
// An attribution varies k chosen layers and holds every other layer as in a base set (the profile's
// layers). A configuration is a k-bit mask over the chosen layers (bit i set = chosen[i] on); the
// measured cost of a configuration is the mean of its r samples (the mean, not the median, because
// Shapley values and factorial effects are linear in the costs: with means the Shapley values sum
// exactly to cost(all on) - cost(all off), and the factorial sums of squares decompose exactly).
// Configurations are run in a random interleaved order (each repeated r times, shuffled by a seeded
// std::mt19937_64 with our own Fisher-Yates, so a recorded seed reproduces the order on any standard
// library), so slow drift of the machine spreads over all configurations instead of biasing some.
// docs/attribution.md tells the whole story.
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_DESIGN_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_DESIGN_H_

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/layers.h"

namespace dispatchlab::attribution {

// A configuration: bit i set means chosen[i] is on.
using ConfigMask = uint32_t;

// The k chosen layers over a base set. `chosen` is in call-chain order (the order of core/layers.def).
struct LayerSpace {
  LayerSet base;
  std::vector<Layer> chosen;

  int k() const { return static_cast<int>(chosen.size()); }
  ConfigMask full_mask() const { return (ConfigMask{1} << k()) - 1; }
  // The layer set run for `mask`: the base with chosen[i] switched to bit i of the mask.
  LayerSet LayersFor(ConfigMask mask) const;
};

// A short human name of a configuration, relative to the chosen layers: "all on", "all off",
// "only a,b" (when fewer are on than off) or "all but a,b".
std::string ConfigLabel(const LayerSpace& space, ConfigMask mask);

// Builds a LayerSpace: `chosen` is sorted into call-chain order.
LayerSpace MakeLayerSpace(LayerSet base, LayerSet chosen);

// The configurations each method needs (sorted, without duplicates when merged by MergeConfigs).
// All 2^k masks (exact Shapley, factorial).
std::vector<ConfigMask> AllConfigs(int k);
// Waterfall: all on, then chosen[0] off, then chosen[0..1] off, ..., all off (k + 1 masks, in that order).
std::vector<ConfigMask> WaterfallConfigs(int k);
// Leave-one-out: all on, and all on but chosen[i] for each i.
std::vector<ConfigMask> LeaveOneOutConfigs(int k);
// Add-one-in: all off, and only chosen[i] on for each i.
std::vector<ConfigMask> AddOneInConfigs(int k);
// The sorted union of several lists.
std::vector<ConfigMask> MergeConfigs(const std::vector<std::vector<ConfigMask>>& lists);

// Uniform integer in [0, bound) from a 64-bit engine, by rejection (portable, unlike
// std::uniform_int_distribution, whose algorithm is left to the standard library).
uint64_t UniformBelow(std::mt19937_64& rng, uint64_t bound);
// Fisher-Yates shuffle driven by UniformBelow.
template <typename T>
void Shuffle(std::vector<T>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(UniformBelow(rng, i));
    std::swap(v[i - 1], v[j]);
  }
}

// The run order: each index in [0, num_configs) exactly `repetitions` times, shuffled with
// std::mt19937_64(seed). Requires num_configs >= 1 and repetitions >= 1.
std::vector<int> MakeRunOrder(int num_configs, int repetitions, uint64_t seed);

// Summary of one configuration's samples.
struct SampleStats {
  int count = 0;
  double mean = 0;
  double median = 0;
  double stddev = 0;  // sample standard deviation (divisor count - 1); 0 with fewer than 2 samples
  double cv = 0;      // stddev / |mean|; 0 when the mean is 0
  double min = 0;
  double max = 0;
  double q1 = 0;  // quartiles by linear interpolation between order statistics
  double q3 = 0;
};
SampleStats Summarize(const std::vector<double>& samples);

// One measured configuration: its mask, its layer set, its raw samples in the order taken, their summary.
struct ConfigSamples {
  ConfigMask mask = 0;
  LayerSet layers;
  std::vector<double> samples;
  // With drift adjustment (drift.h): the samples divided by the machine's factor at the time, parallel to
  // `samples`; empty otherwise.
  std::vector<double> adjusted;
  SampleStats stats;  // of `adjusted` when it is set, else of `samples`
};

// The per-configuration summary the attribution methods read. The mean by default (every method is
// linear in it); the median on request, robust to a few disturbed samples on a busy machine.
enum class Statistic { kMean, kMedian };
absl::string_view StatisticName(Statistic s);  // "mean", "median"

// The cost table read by the attribution methods: the mean (or median) cost of every measured mask, and
// of every mask that shares a measured one (sharing.h: identical work). A shared mask is the same random
// variable as the mask measured for it, so the variance of a linear estimate adds the coefficients of
// the masks that share one measurement before squaring them (LinearVariance).
class CostTable {
 public:
  // `shared`: (mask, measured mask) pairs; each measured mask must be among `configs`.
  CostTable(int k, const std::vector<ConfigSamples>& configs, Statistic statistic = Statistic::kMean,
            const std::vector<std::pair<ConfigMask, ConfigMask>>& shared = {});
  int k() const { return k_; }
  // The number of measurements (configs[e] of the construction is entry e).
  int entries() const { return static_cast<int>(mean_.size()); }
  bool Has(ConfigMask mask) const;
  // The measurement behind `mask` (equal for masks that share one); aborts if the mask has none.
  int Entry(ConfigMask mask) const;
  // The variance of sum(coefficient * Cost(mask)) over `terms`, shared measurements counted once. With
  // `dof`: its Welch-Satterthwaite degrees of freedom, (sum v_j)^2 / sum(v_j^2 / (count_j - 1)) over the
  // measurements' variance terms v_j (0 when the variance is 0 or a measurement has one sample).
  double LinearVariance(const std::vector<std::pair<ConfigMask, double>>& terms, double* dof = nullptr) const;
  // The cost of `mask`; aborts if the mask was not measured (a design bug, not bad input).
  double Cost(ConfigMask mask) const;
  // The variance of that cost, for the noise of linear estimates: stddev^2 / count for the mean, and the
  // large-sample (pi / 2) stddev^2 / count for the median (exact for normal samples as count grows).
  double MeanVariance(ConfigMask mask) const;

 private:
  int k_;
  std::vector<int> index_;  // 2^k entries, -1 when not measured
  std::vector<double> mean_;
  std::vector<double> mean_variance_;
  std::vector<int> count_;  // samples per measurement
};

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_DESIGN_H_
