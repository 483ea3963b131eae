// The attribution's shortcuts against today's exact method, on a synthetic cost model with nesting (a
// layer inside a switched-off layer costs nothing, as in the real model): configurations doing identical
// work share one measurement (sharing.h), and the sequential design stops when its intervals are tight.
// Both must give the exact Shapley values.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "experiments/attribution/attribute.h"
#include "experiments/attribution/sharing.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::attribution {
namespace {

using testing::MakeSyntheticSampler;
using testing::NestedSixLayerModel;
using testing::SixLayers;
using testing::SyntheticModel;
using testing::TrueShapley;

Fingerprinter FingerprintOf(const SyntheticModel& model) {
  return [model](LayerSet s) -> absl::StatusOr<WorkFingerprint> { return model.Fingerprint(s); };
}

// Trampoline on in the base; `call` off, so call_tuple never runs.
AttributionRequest NestedRequest(LayerSet chosen) {
  AttributionRequest req;
  req.scenario = "synthetic";
  req.n = 1000;
  req.base = LayerSet().With(Layer::kFreeLists).With(Layer::kTrampoline);
  req.chosen = chosen;
  req.methods = {Method::kShapley, Method::kWaterfall, Method::kLeaveOneOut};
  req.repetitions = 9;
  req.seed = 42;
  return req;
}

// The exact Shapley values of the model itself: every one of the 2^k configurations' true cost.
TEST_CASE("identical work is grouped: unreachable and off-path layers are cleared", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0);
  const LayerSpace space = MakeLayerSpace(LayerSet().With(Layer::kTrampoline), SixLayers());
  // chosen, call-chain order: trampoline(0) args_tuple(1) boxing(2) lookup(3) call_tuple(4) setfunc(5)
  absl::StatusOr<WorkClasses> classes = GroupByWork(space, AllConfigs(6), FingerprintOf(model));
  REQUIRE(classes.ok());
  // lookup runs only with the trampoline: 2^3 (args_tuple, boxing, setfunc) x 3 (trampoline off; on
  // without lookup; on with lookup); call_tuple never runs.
  CHECK(classes->Measured().size() == 24u);
  CHECK(classes->MeasuredAs(0b111111) == 0b101111);  // call_tuple cleared
  CHECK(classes->MeasuredAs(0b001000) == 0);         // lookup without the trampoline: nothing runs
  CHECK(classes->MeasuredAs(0b001001) == 0b001001);  // lookup with the trampoline: measured as is
  for (ConfigMask m : classes->masks) CHECK((classes->MeasuredAs(m) & ~m) == 0u);  // always a sub-mask
  CHECK(OnPath(*classes, 6) == std::vector<bool>{true, true, true, true, false, true});
}

TEST_CASE("sharing identical work gives the exact method's Shapley values, noise-free", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0);
  AttributionRequest exact = NestedRequest(SixLayers());
  AttributionRequest shared = exact;
  shared.fingerprint = FingerprintOf(model);
  std::map<uint32_t, int> exact_calls, shared_calls;
  absl::StatusOr<AttributionResult> a = Attribute(exact, MakeSyntheticSampler(model, 1, &exact_calls));
  absl::StatusOr<AttributionResult> b = Attribute(shared, MakeSyntheticSampler(model, 1, &shared_calls));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(exact_calls.size() == 64u);
  CHECK(shared_calls.size() == 24u);  // only the configurations doing distinct work ran
  CHECK(b->configs.size() == 24u);
  CHECK(b->configurations == 64);
  CHECK(b->shared.size() == 40u);
  CHECK(b->measurements == 24 * 9);
  const std::vector<double> truth = TrueShapley(model, exact);
  for (int i = 0; i < 6; ++i) {
    CHECK(a->shapley->value[i] == Approx(truth[i]).margin(1e-12));
    CHECK(b->shapley->value[i] == Approx(truth[i]).margin(1e-12));
    CHECK(b->waterfall->value[i] == Approx(a->waterfall->value[i]).margin(1e-12));
    CHECK(b->loo->value[i] == Approx(a->loo->value[i]).margin(1e-12));
  }
  // call_tuple never runs: exactly 0 with sharing (both sides of each marginal are one measurement).
  CHECK(b->shapley->value[4] == 0.0);
  CHECK(b->shapley->noise_se[4] == 0.0);
}

TEST_CASE("sharing and the sequential design stay within their intervals of the exact values",
          "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0.3);
  AttributionRequest req = NestedRequest(SixLayers());
  req.fingerprint = FingerprintOf(model);
  req.ci_target = 0.003;
  req.min_repetitions = 3;
  req.max_repetitions = 200;
  req.confidence = 0.95;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 11));
  REQUIRE(r.ok());
  CHECK(r->sequential);
  CHECK(r->stopped == "ci_target");
  CHECK(r->allocation == "equal");
  // Shapley requested: its intervals are the ones the design targets (waterfall's and loo's, read from
  // two configurations each, are wider).
  CHECK(r->ci_method == "shapley");
  CHECK(r->ci_half_width_share_all > r->ci_half_width_share);
  CHECK(r->rounds >= 2);  // noise 0.3 on a total near 47: 3 repetitions are not enough for 0.3%
  CHECK(r->ci_half_width_share <= 0.003);
  CHECK(r->measurements == static_cast<int64_t>(r->configs.size()) * r->repetitions);
  for (const ConfigSamples& c : r->configs) CHECK(c.stats.count == r->repetitions);
  CHECK(r->repetitions_min == r->repetitions);
  CHECK(r->repetitions_max == r->repetitions);
  const std::vector<double> truth = TrueShapley(model, req);
  double sum = 0;
  for (int i = 0; i < 6; ++i) {
    sum += r->shapley->value[i];
    // Within 4 standard errors (the 95% intervals, with room: six layers are checked).
    CHECK(std::fabs(r->shapley->value[i] - truth[i]) <= 4 * r->shapley->noise_se[i] + 1e-12);
    CHECK(1.96 * r->shapley->noise_se[i] <= 0.003 * std::fabs(r->total));
    // Pooled over many configurations (call_tuple never runs: no noise, no degrees of freedom).
    if (r->shapley->noise_se[i] > 0) CHECK(r->shapley->noise_dof[i] > r->repetitions - 1);
  }
  CHECK(sum == Approx(r->total));
  CHECK(r->stability.stable);
}

TEST_CASE("without Shapley the sequential design targets every method's intervals", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0.3);
  AttributionRequest req = NestedRequest(SixLayers());
  req.methods = {Method::kWaterfall, Method::kLeaveOneOut};
  req.ci_target = 0.005;
  req.allocation = Allocation::kNeyman;  // targets Shapley only: falls back to equal, with a note
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 11));
  REQUIRE(r.ok());
  CHECK(r->ci_method == "all");
  CHECK(r->allocation == "equal");
  CHECK(r->ci_half_width_share == r->ci_half_width_share_all);
  CHECK(r->ci_half_width_share <= 0.005);
  bool noted = false;
  for (const std::string& note : r->notes) noted |= note.find("equal repetitions") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("Neyman allocation meets the target with fewer samples and stays within its intervals",
          "[attribution]") {
  // Noise proportional to nothing in particular: every configuration the same sd, so the allocation is
  // driven by the Shapley coefficients (all off and all on weigh 1/k, the middle ones far less).
  const SyntheticModel model = NestedSixLayerModel(0.3);
  AttributionRequest req = NestedRequest(SixLayers());
  req.methods = {Method::kShapley};
  req.fingerprint = FingerprintOf(model);
  req.ci_target = 0.003;
  req.min_repetitions = 2;
  req.max_repetitions = 200;
  AttributionRequest equal = req;
  req.allocation = Allocation::kNeyman;
  std::map<uint32_t, int> calls;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 11, &calls));
  absl::StatusOr<AttributionResult> e = Attribute(equal, MakeSyntheticSampler(model, 11));
  REQUIRE(r.ok());
  REQUIRE(e.ok());
  CHECK(r->allocation == "neyman");
  CHECK(r->stopped == "ci_target");
  CHECK(r->ci_half_width_share <= 0.003);
  CHECK(r->measurements < e->measurements);
  // Every configuration at least the floor; the extremes (largest coefficients) the most.
  int64_t total = 0;
  for (const ConfigSamples& c : r->configs) {
    CHECK(c.stats.count >= 2);
    CHECK(c.stats.count == calls[c.layers.bits()]);
    total += c.stats.count;
  }
  CHECK(total == r->measurements);
  CHECK(r->repetitions == r->repetitions_min);
  CHECK(r->repetitions_max > r->repetitions_min);
  const CostTable costs(6, r->configs, Statistic::kMean, r->shared);
  const int all_off = costs.Entry(0), all_on = costs.Entry(r->space.full_mask());
  std::vector<int> counts;
  for (const ConfigSamples& c : r->configs) counts.push_back(c.stats.count);
  std::sort(counts.begin(), counts.end());
  CHECK(r->configs[all_off].stats.count > counts[counts.size() / 2]);
  CHECK(r->configs[all_on].stats.count > counts[counts.size() / 2]);
  const std::vector<double> truth = TrueShapley(model, req);
  double sum = 0;
  for (int i = 0; i < 6; ++i) {
    sum += r->shapley->value[i];
    CHECK(std::fabs(r->shapley->value[i] - truth[i]) <= 4 * r->shapley->noise_se[i] + 1e-12);
  }
  CHECK(sum == Approx(r->total));
}

TEST_CASE("the sequential design stops at its limit when the target is out of reach", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(5);
  AttributionRequest req = NestedRequest(SixLayers());
  req.ci_target = 0.001;
  req.min_repetitions = 2;
  req.max_repetitions = 6;
  std::map<uint32_t, int> calls;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 3, &calls));
  REQUIRE(r.ok());
  CHECK(r->stopped == "max_repetitions");
  CHECK(r->repetitions == 6);
  for (const auto& [bits, count] : calls) CHECK(count == 6);
  CHECK(r->ci_half_width_share > 0.001);
}

TEST_CASE("without noise the sequential design stops after its first round", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0);
  AttributionRequest req = NestedRequest(SixLayers());
  req.fingerprint = FingerprintOf(model);
  req.ci_target = 0.02;
  req.min_repetitions = 2;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 3));
  REQUIRE(r.ok());
  CHECK(r->rounds == 1);
  CHECK(r->repetitions == 2);
  CHECK(r->stopped == "ci_target");
  CHECK(r->ci_half_width_share == 0.0);
}

TEST_CASE("sharing keeps Shapley exact beyond 8 layers while few configurations do distinct work",
          "[attribution]") {
  // Ten layers, nested as in core/layers.def: 2 (args_tuple) x 3 (boxing, conversion) x 3 (eval,
  // frame_object) x 10 (trampoline with lookup, method_cache, call, call_tuple) = 180 distinct pieces of
  // work out of 1024 configurations.
  SyntheticModel model;
  model.nested = true;
  model.additive = {{Layer::kTrampoline, 20}, {Layer::kArgsTuple, 5},    {Layer::kBoxing, 8},
                    {Layer::kLookup, 3},      {Layer::kMethodCache, -1}, {Layer::kCall, 6},
                    {Layer::kCallTuple, 4},   {Layer::kEval, 9},         {Layer::kFrameObject, 2},
                    {Layer::kConversion, 3}};
  model.interaction = 5;  // trampoline x lookup
  LayerSet chosen;
  for (const auto& [layer, cost] : model.additive) chosen = chosen.With(layer);
  AttributionRequest req = NestedRequest(chosen);
  req.base = LayerSet().With(Layer::kFreeLists);
  req.methods = {Method::kShapley};
  req.repetitions = 2;
  req.fingerprint = FingerprintOf(model);
  std::map<uint32_t, int> calls;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 5, &calls));
  REQUIRE(r.ok());
  CHECK(r->shapley->exact);
  CHECK(calls.size() == 180u);
  CHECK(r->configurations == 1024);
  const std::vector<double> truth = TrueShapley(model, req);
  for (int i = 0; i < 10; ++i) CHECK(r->shapley->value[i] == Approx(truth[i]).margin(1e-9));
}

TEST_CASE("the factorial design measures every configuration even with a fingerprint", "[attribution]") {
  const SyntheticModel model = NestedSixLayerModel(0.05);
  AttributionRequest req = NestedRequest(SixLayers());
  req.methods = {Method::kShapley, Method::kFactorial};
  req.fingerprint = FingerprintOf(model);
  std::map<uint32_t, int> calls;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(model, 5, &calls));
  REQUIRE(r.ok());
  CHECK(calls.size() == 64u);
  CHECK(r->shared.empty());
  CHECK(r->factorial.has_value());
}

TEST_CASE("a shared measurement counts once in the noise of a linear estimate", "[attribution]") {
  std::vector<ConfigSamples> configs(2);
  configs[0].mask = 0;
  configs[0].samples = {1, 3};
  configs[1].mask = 1;
  configs[1].samples = {5, 9};
  for (ConfigSamples& c : configs) c.stats = Summarize(c.samples);
  // Two layers: mask 2 shares mask 0's measurement, mask 3 shares mask 1's.
  const CostTable costs(2, configs, Statistic::kMean, {{2, 0}, {3, 1}});
  CHECK(costs.Cost(2) == 2.0);
  CHECK(costs.Entry(3) == costs.Entry(1));
  // Var(mean of 0) = 2 / 2 = 1, Var(mean of 1) = 8 / 2 = 4.
  CHECK(costs.LinearVariance({{0, 1.0}, {2, 1.0}}) == Approx(4.0));  // (1 + 1)^2 * 1
  CHECK(costs.LinearVariance({{3, 1.0}, {1, -1.0}}) == 0.0);
  CHECK(costs.LinearVariance({{1, 1.0}, {0, -1.0}}) == Approx(5.0));
}

}  // namespace
}  // namespace dispatchlab::attribution
