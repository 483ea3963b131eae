#include "experiments/attribution/attribute.h"

#include <algorithm>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/name_lookup.h"

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

}  // namespace

absl::StatusOr<AttributionResult> Attribute(const AttributionRequest& request, const BatchSampler& sampler) {
  absl::StatusOr<MetricInfo> metric = MetricFromName(request.metric);
  if (!metric.ok()) return metric.status();
  if (request.chosen == LayerSet::None()) {
    return absl::InvalidArgumentError("no layers to attribute (choose some with --layers)");
  }
  if (request.repetitions < 2) {
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
    if (k <= kMaxExactShapleyLayers) {
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
  for (ConfigMask m : masks) {
    ConfigSamples c;
    c.mask = m;
    c.layers = result.space.LayersFor(m);
    result.configs.push_back(std::move(c));
  }

  // Measure in random interleaved order and file each sample under its configuration.
  result.run_order = MakeRunOrder(static_cast<int>(masks.size()), request.repetitions, request.seed);
  std::vector<LayerSet> order;
  order.reserve(result.run_order.size());
  for (int c : result.run_order) order.push_back(result.configs[c].layers);
  absl::StatusOr<std::vector<double>> samples = Measure(order, sampler, request.progress);
  if (!samples.ok()) return samples.status();
  for (size_t i = 0; i < samples->size(); ++i) {
    result.configs[result.run_order[i]].samples.push_back((*samples)[i]);
  }
  for (ConfigSamples& c : result.configs) c.stats = Summarize(c.samples);

  const CostTable costs(k, result.configs, request.statistic);
  result.base = costs.Cost(0);
  result.full = costs.Cost(result.space.full_mask());
  result.total = result.full - result.base;
  if (Wants(methods, Method::kWaterfall)) result.waterfall = Waterfall(costs);
  if (Wants(methods, Method::kLeaveOneOut)) {
    result.loo = LeaveOneOut(costs);
    result.add_one_in = AddOneIn(costs);
  }
  if (Wants(methods, Method::kShapley)) {
    result.shapley = permutations.empty() ? ExactShapley(costs) : PermutationShapley(costs, permutations);
  }
  if (Wants(methods, Method::kFactorial)) {
    absl::StatusOr<FactorialResult> f = AnalyzeFactorial(k, result.configs, request.confidence);
    if (!f.ok()) return f.status();
    result.factorial = *std::move(f);
  }
  result.stability = JudgeStability(result.space, result.configs);
  return result;
}

}  // namespace dispatchlab::attribution
