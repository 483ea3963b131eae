#include "experiments/attribution/attribute.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/name_lookup.h"
#include "experiments/base/stats.h"

namespace dispatchlab::attribution {

const std::vector<MethodInfo>& MethodTable() {
  static const std::vector<MethodInfo> table = {
      {Method::kWaterfall, "waterfall", "switch layers off one at a time in call-chain order"},
      {Method::kLeaveOneOut, "loo", "leave-one-out (from all on) beside add-one-in (from all off)"},
      {Method::kShapley, "shapley",
       "Shapley values: exact over 2^k configurations for k <= 8, sampled permutations beyond"},
      {Method::kFactorial, "factorial", "2^k r factorial design (Jain ch. 17-18), effects with CIs"},
  };
  return table;
}

absl::StatusOr<std::vector<Method>> MethodsFromName(absl::string_view name) {
  std::vector<Method> out;
  if (name == "all") {
    for (const MethodInfo& m : MethodTable()) out.push_back(m.method);
    return out;
  }
  absl::StatusOr<const MethodInfo*> method = LookupByName(MethodTable(), name, "method", "methods", "all");
  if (!method.ok()) return method.status();
  out.push_back((*method)->method);
  return out;
}

const std::vector<MetricInfo>& MetricTable() {
  static const std::vector<MetricInfo> table = {
      {"time", "ns/element"},
      {"instructions", "instructions/element"},
  };
  return table;
}

absl::string_view AllocationName(Allocation a) { return a == Allocation::kNeyman ? "neyman" : "equal"; }

absl::StatusOr<MetricInfo> MetricFromName(absl::string_view name) {
  absl::StatusOr<const MetricInfo*> metric = LookupByName(MetricTable(), name, "metric", "metrics");
  if (!metric.ok()) return metric.status();
  return **metric;
}

namespace {

bool Wants(const std::vector<Method>& methods, Method m) {
  return std::find(methods.begin(), methods.end(), m) != methods.end();
}

// Runs `order` through the sampler, in batches when progress is reported.
absl::StatusOr<std::vector<double>> Measure(const std::vector<LayerSet>& order, const BatchSampler& sampler,
                                            const std::function<void(int64_t, int64_t)>& progress) {
  const int64_t total = static_cast<int64_t>(order.size());
  const int64_t batch = progress ? std::max<int64_t>(1, (total + 19) / 20) : total;
  std::vector<double> out;
  out.reserve(order.size());
  for (int64_t start = 0; start < total; start += batch) {
    const int64_t end = std::min(total, start + batch);
    std::vector<LayerSet> part(order.begin() + start, order.begin() + end);
    absl::StatusOr<std::vector<double>> samples = sampler(part);
    if (!samples.ok()) return samples.status();
    if (samples->size() != part.size()) {
      return absl::InternalError(absl::StrCat("the sampler returned ", samples->size(), " samples for ",
                                              part.size(), " configurations"));
    }
    out.insert(out.end(), samples->begin(), samples->end());
    if (progress) progress(end, total);
  }
  return out;
}

// Configuration c want[c] times, shuffled by `rng` (listed repetition by repetition before the shuffle, so
// that with equal wants and a fresh engine seeded as the request's seed, the first round is MakeRunOrder's
// order).
std::vector<int> ShuffledRound(const std::vector<int>& want, std::mt19937_64& rng) {
  std::vector<int> order;
  const int most = want.empty() ? 0 : *std::max_element(want.begin(), want.end());
  for (int rep = 0; rep < most; ++rep) {
    for (size_t c = 0; c < want.size(); ++c) {
      if (want[c] > rep) order.push_back(static_cast<int>(c));
    }
  }
  Shuffle(order, rng);
  return order;
}

// Every sample so far, in the order run, divided by the machine's factor at its time (drift.h).
void AdjustDrift(int window, AttributionResult* result) {
  std::vector<double> values;
  values.reserve(result->run_order.size());
  std::vector<size_t> seen(result->configs.size(), 0);
  for (int c : result->run_order) values.push_back(result->configs[c].samples[seen[c]++]);
  const std::vector<double> factor =
      DriftFactors(values, result->run_order, static_cast<int>(result->configs.size()), window);
  for (ConfigSamples& c : result->configs) c.adjusted.clear();
  for (size_t t = 0; t < values.size(); ++t) {
    result->configs[result->run_order[t]].adjusted.push_back(values[t] / factor[t]);
  }
}

// The per-layer methods over the current samples, and the largest confidence half-width of their values
// relative to the total (the sequential design's stopping statistic).
void Analyse(const AttributionRequest& request, const std::vector<Method>& methods,
             const std::vector<std::vector<int>>& permutations, AttributionResult* result) {
  const CostTable costs(result->space.k(), result->configs, request.statistic, result->shared);
  result->base = costs.Cost(0);
  result->full = costs.Cost(result->space.full_mask());
  result->total = result->full - result->base;
  if (Wants(methods, Method::kWaterfall)) result->waterfall = Waterfall(costs);
  if (Wants(methods, Method::kLeaveOneOut)) {
    result->loo = LeaveOneOut(costs);
    result->add_one_in = AddOneIn(costs);
  }
  if (Wants(methods, Method::kShapley)) {
    result->shapley = permutations.empty() ? ExactShapley(costs) : PermutationShapley(costs, permutations);
  }
  // Each value's interval: Student's t at its Welch-Satterthwaite degrees of freedom (a value read from
  // many configurations pools their spreads) times its standard error. The stopping rule reads Shapley's
  // intervals when Shapley is requested (the attribution users read), every method's otherwise.
  double widest_all = 0, widest_shapley = 0;
  auto widen = [&](const std::vector<double>& se, const std::vector<double>& dof,
                   const std::vector<double>* sampling, double* widest) {
    for (size_t i = 0; i < se.size(); ++i) {
      const double s = sampling != nullptr && i < sampling->size() ? (*sampling)[i] : 0;
      const double half = std::sqrt(se[i] * se[i] + s * s);
      if (half == 0) continue;
      if (!(dof[i] > 0)) {  // no spread measured yet: no interval
        *widest = INFINITY;
        continue;
      }
      const double t = stats::StudentTQuantile(dof[i], 0.5 + request.confidence / 2);
      *widest = std::max(*widest, t * half);
    }
  };
  if (result->waterfall)
    widen(result->waterfall->noise_se, result->waterfall->noise_dof, nullptr, &widest_all);
  if (result->loo) widen(result->loo->noise_se, result->loo->noise_dof, nullptr, &widest_all);
  if (result->add_one_in) {
    widen(result->add_one_in->noise_se, result->add_one_in->noise_dof, nullptr, &widest_all);
  }
  if (result->shapley) {
    widen(result->shapley->noise_se, result->shapley->noise_dof, &result->shapley->sampling_se,
          &widest_shapley);
  }
  widest_all = std::max(widest_all, widest_shapley);
  auto share = [&](double widest) {
    return result->total != 0 ? widest / std::fabs(result->total) : (widest > 0 ? INFINITY : 0.0);
  };
  result->ci_half_width_share_all = share(widest_all);
  result->ci_half_width_share = share(result->ci_method == "shapley" ? widest_shapley : widest_all);
}

}  // namespace

absl::StatusOr<AttributionResult> Attribute(const AttributionRequest& request, const BatchSampler& sampler) {
  absl::StatusOr<MetricInfo> metric = MetricFromName(request.metric);
  if (!metric.ok()) return metric.status();
  if (request.chosen == LayerSet::None()) {
    return absl::InvalidArgumentError("no layers to attribute (choose some with --layers)");
  }
  if (request.ci_target < 0 || (request.ci_target > 0 && request.min_repetitions < 2)) {
    return absl::InvalidArgumentError("the sequential design needs ci_target >= 0 and min_repetitions >= 2");
  }
  if (request.ci_target == 0 && request.repetitions < 2) {
    return absl::InvalidArgumentError(absl::StrCat("--repetitions=", request.repetitions,
                                                   ": at least 2 are needed for a spread (9 recommended)"));
  }
  if (request.n <= 0) return absl::InvalidArgumentError("n must be positive");
  if (request.methods.empty()) return absl::InvalidArgumentError("no attribution method requested");
  if (!(request.confidence > 0 && request.confidence < 1)) {
    return absl::InvalidArgumentError("confidence must lie strictly between 0 and 1");
  }

  AttributionResult result;
  result.scenario = request.scenario;
  result.metric = std::string(metric->name);
  result.unit = std::string(metric->unit);
  result.n = request.n;
  result.repetitions = request.repetitions;
  result.order_seed = request.seed;
  result.confidence = request.confidence;
  result.statistic = std::string(StatisticName(request.statistic));
  result.space = MakeLayerSpace(request.base, request.chosen);
  const int k = result.space.k();

  std::vector<Method> methods = request.methods;
  if (Wants(methods, Method::kFactorial) && k > kMaxFactorialLayers) {
    const std::string why =
        absl::StrCat("factorial design needs 2^", k, " configurations for ", k, " layers (at most ",
                     kMaxFactorialLayers, " layers; choose fewer with --layers)");
    if (!request.skip_infeasible) return absl::InvalidArgumentError(why);
    result.notes.push_back(absl::StrCat("skipped: ", why));
    methods.erase(std::find(methods.begin(), methods.end(), Method::kFactorial));
  }

  // Identical work is shared, except under the factorial design (its error terms need independent
  // replicates of every configuration).
  Fingerprinter fingerprint = request.fingerprint;
  if (fingerprint && Wants(methods, Method::kFactorial)) {
    fingerprint = nullptr;
    result.notes.push_back(
        "every configuration measured: the factorial design needs independent replicates of each, so "
        "configurations doing identical work do not share a measurement");
  }
  // Over all 2^k masks when Shapley may need them: identical work may leave few enough to measure for
  // exact Shapley beyond kMaxExactShapleyLayers.
  std::optional<WorkClasses> classes;
  const bool all_needed =
      Wants(methods, Method::kFactorial) || (Wants(methods, Method::kShapley) && k <= kMaxExactShapleyLayers);
  bool exact_shapley = k <= kMaxExactShapleyLayers;
  if (fingerprint && (all_needed || (Wants(methods, Method::kShapley) && k <= kMaxFingerprintLayers))) {
    absl::StatusOr<WorkClasses> grouped = GroupByWork(result.space, AllConfigs(k), fingerprint);
    if (!grouped.ok()) return grouped.status();
    classes = *std::move(grouped);
    const size_t distinct = classes->Measured().size();
    if (!exact_shapley && distinct <= kMaxExactShapleyMeasured) {
      exact_shapley = true;
      result.notes.push_back(absl::StrCat("Shapley values exact over all 2^", k, " configurations of ", k,
                                          " layers: they do ", distinct, " distinct pieces of work"));
    }
  }

  // The configurations: base and full always, plus what each method needs.
  std::vector<std::vector<ConfigMask>> needed = {{0, result.space.full_mask()}};
  std::vector<std::vector<int>> permutations;
  if (Wants(methods, Method::kWaterfall)) needed.push_back(WaterfallConfigs(k));
  if (Wants(methods, Method::kLeaveOneOut)) {
    needed.push_back(LeaveOneOutConfigs(k));
    needed.push_back(AddOneInConfigs(k));
  }
  if (Wants(methods, Method::kFactorial)) needed.push_back(AllConfigs(k));
  if (Wants(methods, Method::kShapley)) {
    if (exact_shapley) {
      needed.push_back(AllConfigs(k));
    } else {
      std::mt19937_64 rng(request.seed + 1);
      const int count = request.permutations > 0 ? request.permutations : DefaultPermutationCount(k);
      permutations = SamplePermutations(k, count, rng);
      needed.push_back(PermutationConfigs(permutations));
      result.notes.push_back(absl::StrCat("Shapley values sampled over ", count, " random orders (", k,
                                          " layers > ", kMaxExactShapleyLayers,
                                          "); see sampling_se for their error"));
    }
  }
  const std::vector<ConfigMask> masks = MergeConfigs(needed);
  result.configurations = static_cast<int>(masks.size());
  std::vector<ConfigMask> measured = masks;
  if (fingerprint) {
    if (!classes) {
      absl::StatusOr<WorkClasses> grouped = GroupByWork(result.space, masks, fingerprint);
      if (!grouped.ok()) return grouped.status();
      classes = *std::move(grouped);
    }
    std::vector<ConfigMask> m;
    for (ConfigMask mask : masks) {
      const ConfigMask as = classes->MeasuredAs(mask);
      m.push_back(as);
      if (as != mask) result.shared.push_back({mask, as});
    }
    measured = MergeConfigs({m});
  }
  for (ConfigMask m : measured) {
    ConfigSamples c;
    c.mask = m;
    c.layers = result.space.LayersFor(m);
    result.configs.push_back(std::move(c));
  }

  // Measure in rounds, each in a random interleaved order, filing each sample under its configuration.
  // The fixed design is one round of `repetitions`; the sequential one adds rounds until the targeted
  // intervals are tight, spreading each round's samples equally or by Neyman allocation (allocation.h).
  result.sequential = request.ci_target > 0;
  result.ci_target = request.ci_target;
  result.ci_method = Wants(methods, Method::kShapley) ? "shapley" : "all";
  const bool neyman = result.sequential && request.allocation == Allocation::kNeyman &&
                      Wants(methods, Method::kShapley) && !Wants(methods, Method::kFactorial);
  if (result.sequential && request.allocation == Allocation::kNeyman && !neyman) {
    result.notes.push_back(
        Wants(methods, Method::kShapley)
            ? "equal repetitions: the factorial design needs the same number of replicates of every "
              "configuration"
            : "equal repetitions: Neyman allocation targets the Shapley values, which were not requested");
  }
  result.allocation = neyman ? "neyman" : "equal";
  result.drift_window = std::max(0, request.drift_window);
  // The Shapley values as linear combinations of the measured configurations, for the allocation.
  std::vector<LinearTerms> targeted;
  if (neyman) {
    for (int i = 0; i < k; ++i) {
      targeted.push_back(permutations.empty() ? ExactShapleyTerms(k, i)
                                              : PermutationShapleyTerms(i, permutations));
    }
  }
  const int num = static_cast<int>(result.configs.size());
  std::mt19937_64 order_rng(request.seed);
  int reps = 0;
  int next = result.sequential ? std::max(2, request.min_repetitions) : request.repetitions;
  const int max_reps = result.sequential ? std::max(next, request.max_repetitions) : request.repetitions;
  // Samples still to take per configuration in the coming round.
  std::vector<int> want(num, next);
  result.rounds = 0;
  for (;;) {
    const std::vector<int> round = ShuffledRound(want, order_rng);
    std::vector<LayerSet> order;
    order.reserve(round.size());
    for (int c : round) order.push_back(result.configs[c].layers);
    const int64_t done_before = static_cast<int64_t>(result.run_order.size());
    const int64_t planned = done_before + static_cast<int64_t>(round.size());
    auto progress = request.progress ? std::function<void(int64_t, int64_t)>([&](int64_t done, int64_t) {
      request.progress(done_before + done, planned);
    })
                                     : std::function<void(int64_t, int64_t)>();
    absl::StatusOr<std::vector<double>> samples = Measure(order, sampler, progress);
    if (!samples.ok()) return samples.status();
    for (size_t i = 0; i < samples->size(); ++i) {
      result.configs[round[i]].samples.push_back((*samples)[i]);
    }
    result.run_order.insert(result.run_order.end(), round.begin(), round.end());
    reps = next;
    ++result.rounds;
    if (result.drift_window > 0) AdjustDrift(result.drift_window, &result);
    for (ConfigSamples& c : result.configs) c.stats = Summarize(c.adjusted.empty() ? c.samples : c.adjusted);
    Analyse(request, methods, permutations, &result);
    if (!result.sequential) break;
    const double ratio = result.ci_half_width_share / request.ci_target;
    if (ratio <= 1) {
      result.stopped = "ci_target";
      break;
    }
    if (neyman) {
      // The smallest Neyman allocation whose intervals would meet the target at today's spreads, at
      // most doubling the samples taken.
      const CostTable costs(k, result.configs, request.statistic, result.shared);
      AllocationInput in;
      in.coefficients = EntryCoefficients(costs, targeted);
      in.sigma = AllocationSigma(result.configs);
      if (request.statistic == Statistic::kMedian) {
        for (double& s : in.sigma) s *= std::sqrt(1.5707963267948966);  // the median's larger variance
      }
      for (const ConfigSamples& c : result.configs) in.count.push_back(c.stats.count);
      // The interval's multiplier once the round is in: the next round pools many more degrees of
      // freedom, so the normal quantile stands in for today's Student's t (which after a first round of
      // two samples each would overshoot); the stopping rule still reads the measured intervals.
      const double z = stats::NormalQuantile(0.5 + request.confidence / 2);
      const double half = request.ci_target * std::fabs(result.total) / z;
      in.target_variance = half * half;
      in.floor = std::max(2, request.min_repetitions);
      in.max_count = max_reps;
      in.max_total = 2 * static_cast<long long>(result.run_order.size());
      // The spreads allocated by are shrunk estimates and the degrees of freedom grow with the samples:
      // when the allocation would add nothing while the measured intervals still miss the target, it
      // aims lower, by the factor the intervals miss it by.
      int64_t added = 0;
      for (int attempt = 0; attempt < 8 && added == 0; ++attempt) {
        const std::vector<int> r = AllocateRepetitions(in);
        for (int c = 0; c < num; ++c) {
          want[c] = r[c] - result.configs[c].stats.count;
          added += want[c];
        }
        in.target_variance /= std::max(ratio * ratio, 1.1);
      }
      if (added == 0) {
        result.stopped = "max_repetitions";
        break;
      }
      continue;
    }
    if (reps >= max_reps) {
      result.stopped = "max_repetitions";
      break;
    }
    // Standard errors shrink as 1/sqrt(r): aim at the r that meets the target, at most doubling per round.
    const int aim = static_cast<int>(std::ceil(reps * ratio * ratio));
    next = std::min(max_reps, std::clamp(aim, reps + 1, 2 * reps));
    std::fill(want.begin(), want.end(), next - reps);
  }
  result.repetitions_min = result.configs.empty() ? 0 : INT32_MAX;
  for (const ConfigSamples& c : result.configs) {
    result.repetitions_min = std::min(result.repetitions_min, c.stats.count);
    result.repetitions_max = std::max(result.repetitions_max, c.stats.count);
  }
  result.repetitions = neyman ? result.repetitions_min : reps;
  result.measurements = static_cast<int64_t>(result.run_order.size());
  if (Wants(methods, Method::kFactorial)) {
    absl::StatusOr<FactorialResult> f = AnalyzeFactorial(k, result.configs, request.confidence);
    if (!f.ok()) return f.status();
    result.factorial = *std::move(f);
  }
  StabilityLimits limits;
  // A sequential design that met its target needs no more repetitions than it took.
  if (result.stopped == "ci_target") {
    limits.min_repetitions = std::min(limits.min_repetitions, result.repetitions_min);
  }
  result.stability = JudgeStability(result.space, result.configs, limits);
  return result;
}
}  // namespace dispatchlab::attribution
