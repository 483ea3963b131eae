#include "experiments/report/report.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "experiments/metadata.h"
#include "experiments/scenarios.h"

namespace dispatchlab::report {

namespace {

struct MeanAndError {
  double mean = 0;
  double variance = 0;  // sample variance
  int count = 0;
};

MeanAndError Summarize(const std::vector<double>& xs) {
  MeanAndError m;
  m.count = static_cast<int>(xs.size());
  if (xs.empty()) return m;
  m.mean = std::accumulate(xs.begin(), xs.end(), 0.0) / m.count;
  double sq = 0;
  for (double x : xs) sq += (x - m.mean) * (x - m.mean);
  m.variance = m.count > 1 ? sq / (m.count - 1) : 0;
  return m;
}

double StandardErrorOfDifference(const MeanAndError& a, const MeanAndError& b) {
  if (a.count == 0 || b.count == 0) return 0;
  return std::sqrt(a.variance / a.count + b.variance / b.count);
}

void Stage(const ReportOptions& options, absl::string_view what) {
  if (options.progress) std::cerr << "report: " << what << "\n";
}

}  // namespace

double Attribution::Unexplained() const {
  double sum = 0;
  for (const LayerDelta& d : leave_one_out) sum += d.delta;
  return all_on - floor - sum;
}

absl::StatusOr<Attribution> Attribute(absl::string_view scenario, LayerSet base, LayerSet relevant,
                                      const BatchSampler& sampler, int rounds, uint64_t seed) {
  if (rounds < 1) return absl::InvalidArgumentError("attribution needs at least one round");
  const std::vector<Layer> members = relevant.Members();
  // Distinct configurations, each measured once per round: B, B without L, B without the first j layers.
  std::vector<LayerSet> configs;
  auto index_of = [&](LayerSet set) {
    for (size_t i = 0; i < configs.size(); ++i) {
      if (configs[i] == set) return i;
    }
    configs.push_back(set);
    return configs.size() - 1;
  };
  const size_t on_index = index_of(base);
  std::vector<size_t> loo_index, cumulative_index = {on_index};
  for (Layer layer : members) loo_index.push_back(index_of(base.Without(layer)));
  LayerSet cumulative = base;
  for (Layer layer : members) {
    cumulative = cumulative.Without(layer);
    cumulative_index.push_back(index_of(cumulative));
  }

  std::vector<LayerSet> order;
  std::vector<size_t> which;
  std::mt19937_64 rng(seed);
  std::vector<size_t> permutation(configs.size());
  std::iota(permutation.begin(), permutation.end(), 0);
  for (int r = 0; r < rounds; ++r) {
    std::shuffle(permutation.begin(), permutation.end(), rng);
    for (size_t c : permutation) {
      order.push_back(configs[c]);
      which.push_back(c);
    }
  }
  absl::StatusOr<std::vector<double>> samples = sampler(order);
  if (!samples.ok()) return samples.status();
  if (samples->size() != order.size()) {
    return absl::InternalError(
        absl::StrFormat("sampler returned %d samples for %d configurations", samples->size(), order.size()));
  }
  std::vector<std::vector<double>> per_config(configs.size());
  for (size_t i = 0; i < order.size(); ++i) per_config[which[i]].push_back((*samples)[i]);
  std::vector<MeanAndError> stats;
  for (const std::vector<double>& xs : per_config) stats.push_back(Summarize(xs));

  Attribution out;
  out.scenario = std::string(scenario);
  out.base = base;
  out.rounds = rounds;
  const MeanAndError& on = stats[on_index];
  const MeanAndError& floor = stats[cumulative_index.back()];
  out.all_on = on.mean;
  out.all_on_se = on.count > 0 ? std::sqrt(on.variance / on.count) : 0;
  out.floor = floor.mean;
  out.floor_se = floor.count > 0 ? std::sqrt(floor.variance / floor.count) : 0;
  for (size_t i = 0; i < members.size(); ++i) {
    const MeanAndError& without = stats[loo_index[i]];
    out.leave_one_out.push_back({members[i], on.mean - without.mean, StandardErrorOfDifference(on, without)});
    const MeanAndError& before = stats[cumulative_index[i]];
    const MeanAndError& after = stats[cumulative_index[i + 1]];
    out.waterfall.push_back({members[i], before.mean - after.mean, StandardErrorOfDifference(before, after)});
  }
  return out;
}

absl::StatusOr<ReportData> Measure(const ReportOptions& options) {
  ReportData data;
  data.options = options;
  data.machine = MetadataLine();
  data.date = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());

  // 1. The seed suite: every scenario of the table, side by side.
  RunRequest suite;
  for (const Scenario& s : ScenarioTable()) suite.scenarios.push_back(&s);
  suite.n = options.n;
  suite.layers = options.layers;
  suite.profile = options.profile;
  suite.repetitions = options.repetitions;
  suite.min_time = options.min_time;
  suite.progress = false;
  Stage(options, absl::StrFormat("timing the seed suite (%d scenarios, n = %d, %d repetitions)",
                                 suite.scenarios.size(), options.n, options.repetitions));
  absl::StatusOr<std::vector<ScenarioTiming>> timings = RunTimings(suite);
  if (!timings.ok()) return timings.status();
  data.suite = std::move(*timings);

  // 2. Leave-one-out attribution of the main scenarios.
  for (const std::string& name : options.attribution_scenarios) {
    absl::StatusOr<const Scenario*> scenario = ScenarioFromName(name);
    if (!scenario.ok()) return scenario.status();
    const LayerSet base = EffectiveLayers(**scenario, options.layers);
    const LayerSet relevant = RelevantLayers(**scenario, options.layers);
    Stage(options, absl::StrFormat("attributing %s (%d layers, %d rounds, n = %d)", name,
                                   relevant.Members().size(), options.rounds, options.n));
    absl::StatusOr<BatchSampler> sampler =
        MakeTimeSampler({name, options.n}, base, options.seconds_per_sample, /*progress=*/false);
    if (!sampler.ok()) return sampler.status();
    absl::StatusOr<Attribution> a = Attribute(name, base, relevant, *sampler, options.rounds);
    if (!a.ok()) return a.status();
    data.attributions.push_back(std::move(*a));
  }

  // 3. The sweep: cost per element against n, the sweep scenarios side by side at each n.
  for (int64_t n : options.sweep_n) {
    RunRequest sweep;
    for (const std::string& name : options.sweep_scenarios) {
      absl::StatusOr<const Scenario*> scenario = ScenarioFromName(name);
      if (!scenario.ok()) return scenario.status();
      sweep.scenarios.push_back(*scenario);
    }
    sweep.n = n;
    sweep.layers = options.layers;
    sweep.profile = options.profile;
    sweep.repetitions = options.repetitions;
    sweep.min_time = options.min_time;
    sweep.progress = false;
    Stage(options, absl::StrFormat("sweep at n = %d (%d scenarios)", n, sweep.scenarios.size()));
    absl::StatusOr<std::vector<ScenarioTiming>> points = RunTimings(sweep);
    if (!points.ok()) return points.status();
    for (const ScenarioTiming& t : *points) data.sweep.push_back({t.scenario, n, t.median, t.cv});
  }
  return data;
}

}  // namespace dispatchlab::report
