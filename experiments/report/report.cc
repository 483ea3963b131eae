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
#include "experiments/attribution/attribute.h"
#include "experiments/base/metadata.h"
#include "experiments/base/stats.h"
#include "experiments/measure/sweep.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::report {

namespace {

void Stage(const ReportOptions& options, absl::string_view what) {
  if (options.progress != ProgressMode::kOff) std::cerr << "report: " << what << "\n";
}

// One layer's value from the library's per-layer vectors (both in the chosen layers' order).
LayerDelta DeltaOf(Layer layer, const std::vector<double>& value, const std::vector<double>& se, size_t i) {
  return {layer, i < value.size() ? value[i] : 0, i < se.size() ? se[i] : 0};
}

double MeanStandardError(const attribution::ConfigSamples& c) {
  return stats::StandardErrorOfMean(c.samples);
}

}  // namespace

double Attribution::T95() const { return stats::StudentTQuantile(std::max(rounds - 1, 1), 0.975); }

double Attribution::Unexplained() const {
  double sum = 0;
  for (const LayerDelta& d : leave_one_out) sum += d.delta;
  return all_on - floor - sum;
}

absl::StatusOr<Attribution> Attribute(absl::string_view scenario, int64_t n, LayerSet base, LayerSet relevant,
                                      const BatchSampler& sampler, int rounds, int permutations,
                                      uint64_t seed, Progress* progress) {
  if (relevant.Members().empty()) return absl::InvalidArgumentError("no relevant layer to attribute");
  attribution::AttributionRequest request;
  request.scenario = std::string(scenario);
  request.n = n;
  request.base = base;
  request.chosen = relevant;
  request.methods = {attribution::Method::kShapley, attribution::Method::kWaterfall,
                     attribution::Method::kLeaveOneOut};
  request.repetitions = rounds;
  request.seed = seed;
  request.statistic = attribution::Statistic::kMedian;  // robust to a disturbed sample on a shared machine
  const int k = static_cast<int>(relevant.Members().size());
  request.permutations = permutations > 0 ? permutations : k;
  if (progress != nullptr) {
    request.progress = [progress](int64_t done, int64_t total) { progress->Update(done, total); };
  }
  absl::StatusOr<attribution::AttributionResult> r = attribution::Attribute(request, sampler);
  if (!r.ok()) return r.status();

  Attribution out;
  out.scenario = std::string(scenario);
  out.base = base;
  out.rounds = rounds;
  out.configurations = static_cast<int>(r->configs.size());
  out.all_on = r->full;
  out.floor = r->base;
  for (const attribution::ConfigSamples& c : r->configs) {
    if (c.mask == r->space.full_mask()) out.all_on_se = MeanStandardError(c);
    if (c.mask == 0) out.floor_se = MeanStandardError(c);
  }
  const std::vector<Layer>& chosen = r->space.chosen;
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (r->shapley.has_value()) {
      LayerDelta d = DeltaOf(chosen[i], r->shapley->value, r->shapley->noise_se, i);
      if (i < r->shapley->sampling_se.size()) {
        d.standard_error = std::hypot(d.standard_error, r->shapley->sampling_se[i]);
      }
      out.shapley.push_back(d);
    }
    if (r->waterfall.has_value()) {
      out.waterfall.push_back(DeltaOf(chosen[i], r->waterfall->value, r->waterfall->noise_se, i));
    }
    if (r->loo.has_value())
      out.leave_one_out.push_back(DeltaOf(chosen[i], r->loo->value, r->loo->noise_se, i));
  }
  if (r->shapley.has_value()) {
    out.shapley_exact = r->shapley->exact;
    out.permutations = r->shapley->permutations;
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
  Stage(options, absl::StrFormat("timing the seed suite (%d scenarios, n = %d, %d repetitions)",
                                 suite.scenarios.size(), options.n, options.repetitions));
  Progress suite_progress("report: suite", static_cast<int64_t>(suite.scenarios.size()) * suite.repetitions,
                          options.progress);
  suite.progress = &suite_progress;
  absl::StatusOr<std::vector<ScenarioTiming>> timings = RunTimings(suite);
  suite_progress.Finish();
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
    absl::StatusOr<BatchSampler> sampler = MakeTimeSampler({name, options.n}, options.seconds_per_sample);
    if (!sampler.ok()) return sampler.status();
    Progress samples("report: " + name + " samples", 1, options.progress);
    absl::StatusOr<Attribution> a =
        Attribute(name, options.n, base, relevant, *sampler, options.rounds, 0, 7, &samples);
    samples.Finish();
    if (!a.ok()) return a.status();
    data.attributions.push_back(std::move(*a));
  }

  // 3. The sweep: cost per element against n, the sweep scenarios side by side at each n.
  Progress sweep_progress("report: sweep",
                          static_cast<int64_t>(options.sweep_n.size() * options.sweep_scenarios.size()) *
                              std::max(options.sweep_repetitions, 2),
                          options.progress);
  SweepRequest sweep;
  for (const std::string& name : options.sweep_scenarios) {
    absl::StatusOr<const Scenario*> scenario = ScenarioFromName(name);
    if (!scenario.ok()) return scenario.status();
    sweep.scenarios.push_back(*scenario);
  }
  sweep.ns = options.sweep_n;
  sweep.layers = options.layers;
  sweep.profile = options.profile;
  sweep.repetitions = std::max(options.sweep_repetitions, 2);
  sweep.min_time = options.min_time;
  sweep.progress = &sweep_progress;
  sweep.before_each_n = [&](int64_t n) {
    Stage(options, absl::StrFormat("sweep at n = %d (%d scenarios)", n, sweep.scenarios.size()));
  };
  absl::StatusOr<std::vector<SweepSeries>> series = RunSweep(sweep);
  if (!series.ok()) return series.status();
  for (size_t j = 0; j < options.sweep_n.size(); ++j) {  // by n, then scenario
    for (const SweepSeries& s : *series) {
      const SweepPoint& p = s.points[j];
      data.sweep.push_back(p);
      data.sweep_samples.push_back({absl::StrCat(p.scenario, " n=", p.n), p.samples});
    }
  }

  // 4. The exact counts: deterministic, the same on every machine.
  Stage(options,
        absl::StrFormat("counting %d scenarios exactly (n = %d)", options.count_scenarios.size(), options.n));
  for (const std::string& name : options.count_scenarios) {
    absl::StatusOr<const Scenario*> scenario = ScenarioFromName(name);
    if (!scenario.ok()) return scenario.status();
    absl::StatusOr<CountReport> counted =
        CountScenario(**scenario, options.n, options.layers, options.profile);
    if (!counted.ok()) {
      if (counted.status().code() != absl::StatusCode::kFailedPrecondition) return counted.status();
      data.counts_note = std::string(counted.status().message());  // counting compiled out
      data.counts.clear();
      break;
    }
    data.counts.push_back(std::move(*counted));
  }
  return data;
}

}  // namespace dispatchlab::report
