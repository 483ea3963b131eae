// Attribute() end to end over a synthetic sampler (known additive costs, one known interaction, seeded
// noise): what it measures, what each method returns, and its errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "experiments/attribution/attribute.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::attribution {
namespace {

using testing::MakeSyntheticSampler;
using testing::SixLayerModel;
using testing::SixLayers;

AttributionRequest SixLayerRequest() {
  AttributionRequest req;
  req.scenario = "synthetic";
  req.n = 1000;
  req.base = LayerSet().With(Layer::kFreeLists).With(Layer::kTrampoline);
  req.chosen = SixLayers();
  req.methods = *MethodsFromName("all");
  req.repetitions = 9;
  req.seed = 42;
  return req;
}

// Index of a layer among the six chosen (call-chain order).
int Idx(Layer l) {
  const std::vector<Layer> order = SixLayers().Members();
  return static_cast<int>(std::find(order.begin(), order.end(), l) - order.begin());
}

TEST_CASE("attribution measures each configuration r times and keeps the raw samples", "[attribution]") {
  std::map<uint32_t, int> calls;
  const auto sampler = MakeSyntheticSampler(SixLayerModel(0.05), 7, &calls);
  absl::StatusOr<AttributionResult> r = Attribute(SixLayerRequest(), sampler);
  REQUIRE(r.ok());
  CHECK(r->configs.size() == 64u);
  CHECK(calls.size() == 64u);
  for (const auto& [bits, count] : calls) {
    CHECK(count == 9);
    // Layers outside the chosen six stay as in the base (free_lists on).
    CHECK(LayerSet(bits).Has(Layer::kFreeLists));
  }
  for (const ConfigSamples& c : r->configs) CHECK(c.samples.size() == 9u);
  CHECK(r->run_order.size() == 64u * 9u);
  CHECK(r->order_seed == 42u);
  CHECK(r->statistic == "mean");
  CHECK(r->unit == "ns/element");
}

TEST_CASE("attribution Shapley sums to the total and recovers the synthetic model", "[attribution]") {
  absl::StatusOr<AttributionResult> r =
      Attribute(SixLayerRequest(), MakeSyntheticSampler(SixLayerModel(0.05), 7));
  REQUIRE(r.ok());
  REQUIRE(r->shapley.has_value());
  double sum = 0;
  for (double v : r->shapley->value) sum += v;
  CHECK(sum == Approx(r->total).epsilon(1e-12));
  CHECK(r->total == Approx(20 + 5 + 8 + 3 + 0 + 8 + 6).margin(0.2));
  // The trampoline x lookup interaction (6) is split equally.
  CHECK(r->shapley->value[Idx(Layer::kTrampoline)] == Approx(23).margin(0.1));
  CHECK(r->shapley->value[Idx(Layer::kLookup)] == Approx(6).margin(0.1));
  // Symmetric layers (boxing and setfunc both cost 8) agree within noise; the dummy gets about 0.
  CHECK(std::fabs(r->shapley->value[Idx(Layer::kBoxing)] - r->shapley->value[Idx(Layer::kSetfunc)]) <
        4 * r->shapley->noise_se[Idx(Layer::kBoxing)]);
  CHECK(std::fabs(r->shapley->value[Idx(Layer::kCallTuple)]) <
        4 * r->shapley->noise_se[Idx(Layer::kCallTuple)]);
  CHECK(r->stability.stable);
}

TEST_CASE("waterfall leave-one-out and add-one-in on a noise-free model", "[attribution]") {
  absl::StatusOr<AttributionResult> r =
      Attribute(SixLayerRequest(), MakeSyntheticSampler(SixLayerModel(0), 7));
  REQUIRE(r.ok());
  const int t = Idx(Layer::kTrampoline), l = Idx(Layer::kLookup);
  // Waterfall removes trampoline first: it takes the interaction with it.
  CHECK(r->waterfall->value[t] == Approx(26));
  CHECK(r->waterfall->value[l] == Approx(3));
  CHECK(r->waterfall->Sum() == Approx(50));
  // Leave-one-out charges the interaction to both; add-one-in to neither.
  CHECK(r->loo->value[t] == Approx(26));
  CHECK(r->loo->value[l] == Approx(9));
  CHECK(r->loo->Sum() == Approx(56));
  CHECK(r->add_one_in->value[t] == Approx(20));
  CHECK(r->add_one_in->value[l] == Approx(3));
  CHECK(r->add_one_in->Sum() == Approx(44));
  CHECK(r->shapley->value[Idx(Layer::kCallTuple)] == Approx(0).margin(1e-9));
  // Noise-free repetitions have no error: the factorial error share is 0 and the shares sum to 1.
  double share = r->factorial->error_share;
  for (const FactorialEffect& e : r->factorial->effects) share += e.share;
  CHECK(share == Approx(1));
  CHECK(r->factorial->OnMinusOff(Idx(Layer::kBoxing)) == Approx(8));
}

TEST_CASE("attribution with noise recovers the factorial effects within their intervals", "[attribution]") {
  absl::StatusOr<AttributionResult> r =
      Attribute(SixLayerRequest(), MakeSyntheticSampler(SixLayerModel(0.2), 3));
  REQUIRE(r.ok());
  const FactorialResult& f = *r->factorial;
  const ConfigMask tl = (ConfigMask{1} << Idx(Layer::kTrampoline)) | (ConfigMask{1} << Idx(Layer::kLookup));
  // y = ... + 6 * [both on]; [both on] = (1 + xT)(1 + xL)/4, so q_TL = 6/4.
  CHECK(f.Effect(tl).q == Approx(1.5).margin(3 * f.s_q));
  CHECK(f.Effect(tl).significant);
  CHECK(f.error_share > 0);
  CHECK(f.error_share < 0.01);
}

TEST_CASE("only the configurations a method needs are measured", "[attribution]") {
  AttributionRequest req = SixLayerRequest();
  req.methods = *MethodsFromName("loo");
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(SixLayerModel(0), 1));
  REQUIRE(r.ok());
  CHECK(r->configs.size() == 14u);  // all on, all off, six leave-outs, six add-ins
  CHECK_FALSE(r->shapley.has_value());
  CHECK_FALSE(r->factorial.has_value());
  CHECK(r->loo.has_value());
  CHECK(r->add_one_in.has_value());
  req.methods = *MethodsFromName("waterfall");
  r = Attribute(req, MakeSyntheticSampler(SixLayerModel(0), 1));
  REQUIRE(r.ok());
  CHECK(r->configs.size() == 7u);
}

TEST_CASE("beyond eight layers Shapley is sampled and factorial is skipped or refused", "[attribution]") {
  AttributionRequest req = SixLayerRequest();
  req.chosen = LayerSet::All();  // 16 layers
  req.repetitions = 2;
  req.methods = *MethodsFromName("all");
  CHECK(Attribute(req, MakeSyntheticSampler(SixLayerModel(0), 1)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  req.skip_infeasible = true;
  req.permutations = 20;
  absl::StatusOr<AttributionResult> r = Attribute(req, MakeSyntheticSampler(SixLayerModel(0), 1));
  REQUIRE(r.ok());
  CHECK_FALSE(r->factorial.has_value());
  REQUIRE(r->shapley.has_value());
  CHECK_FALSE(r->shapley->exact);
  CHECK(r->notes.size() == 2u);
  double sum = 0;
  for (double v : r->shapley->value) sum += v;
  CHECK(sum == Approx(r->total));
  CHECK(r->total == Approx(50));
}

TEST_CASE("attribution rejects bad requests and passes sampler failures on", "[attribution]") {
  const auto sampler = MakeSyntheticSampler(SixLayerModel(0), 1);
  AttributionRequest req = SixLayerRequest();
  req.repetitions = 1;
  CHECK(Attribute(req, sampler).status().code() == absl::StatusCode::kInvalidArgument);
  req = SixLayerRequest();
  req.chosen = LayerSet::None();
  CHECK(Attribute(req, sampler).status().code() == absl::StatusCode::kInvalidArgument);
  req = SixLayerRequest();
  req.metric = "cycles";
  CHECK(Attribute(req, sampler).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_FALSE(MethodsFromName("bogus").ok());
  BatchSampler failing = [](const std::vector<LayerSet>&) -> absl::StatusOr<std::vector<double>> {
    return absl::UnavailableError("no valgrind");
  };
  CHECK(Attribute(SixLayerRequest(), failing).status().code() == absl::StatusCode::kUnavailable);
  BatchSampler short_sampler = [](const std::vector<LayerSet>&) -> absl::StatusOr<std::vector<double>> {
    return std::vector<double>{1.0};
  };
  CHECK(Attribute(SixLayerRequest(), short_sampler).status().code() == absl::StatusCode::kInternal);
}

TEST_CASE("progress is reported in batches up to the total", "[attribution]") {
  AttributionRequest req = SixLayerRequest();
  std::vector<int64_t> done;
  req.progress = [&](int64_t d, int64_t total) {
    CHECK(total == 576);
    done.push_back(d);
  };
  REQUIRE(Attribute(req, MakeSyntheticSampler(SixLayerModel(0), 1)).ok());
  REQUIRE(done.size() == 20u);
  CHECK(done.back() == 576);
}

}  // namespace
}  // namespace dispatchlab::attribution

namespace dispatchlab::attribution {
namespace {

// The worked example of docs/attribution.md: three layers, noise-free, trampoline x lookup = 6.
TEST_CASE("the worked example in docs/attribution.md holds", "[attribution]") {
  testing::SyntheticModel m;
  m.base = 10;
  m.additive = {{Layer::kTrampoline, 20}, {Layer::kBoxing, 8}, {Layer::kLookup, 3}};
  m.interaction = 6;
  AttributionRequest req;
  req.scenario = "example";
  req.chosen = LayerSet().With(Layer::kTrampoline).With(Layer::kBoxing).With(Layer::kLookup);
  req.methods = *MethodsFromName("all");
  req.repetitions = 2;
  absl::StatusOr<AttributionResult> r = Attribute(req, testing::MakeSyntheticSampler(m, 1));
  REQUIRE(r.ok());
  CHECK(r->base == 10);
  CHECK(r->full == 47);
  CHECK(r->total == 37);
  // Chosen order: trampoline, boxing, lookup (call-chain order).
  CHECK(r->waterfall->value == std::vector<double>{26, 8, 3});
  CHECK(r->loo->value == std::vector<double>{26, 8, 9});
  CHECK(r->add_one_in->value == std::vector<double>{20, 8, 3});
  CHECK(r->shapley->value[0] == Approx(23));
  CHECK(r->shapley->value[1] == Approx(8));
  CHECK(r->shapley->value[2] == Approx(6));
  const FactorialResult& f = *r->factorial;
  CHECK(f.q0 == Approx(27));
  CHECK(f.Effect(0b001).q == Approx(11.5));
  CHECK(f.Effect(0b010).q == Approx(4));
  CHECK(f.Effect(0b100).q == Approx(3));
  CHECK(f.Effect(0b101).q == Approx(1.5));
  CHECK(f.Effect(0b001).share == Approx(132.25 / 159.5));
  CHECK(f.Effect(0b101).share == Approx(2.25 / 159.5));
  CHECK(f.error_share == 0);
}

}  // namespace
}  // namespace dispatchlab::attribution

namespace dispatchlab::attribution {
namespace {

TEST_CASE("the median statistic resists a disturbed sample and still sums exactly", "[attribution]") {
  // A noise-free model, except that the 5th sample taken is disturbed by +100.
  const BatchSampler clean = testing::MakeSyntheticSampler(testing::SixLayerModel(0), 1);
  BatchSampler disturbed =
      [clean](const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
    absl::StatusOr<std::vector<double>> s = clean(order);
    if (s.ok() && s->size() > 4) (*s)[4] += 100;
    return s;
  };
  AttributionRequest req = SixLayerRequest();
  req.statistic = Statistic::kMedian;
  absl::StatusOr<AttributionResult> r = Attribute(req, disturbed);
  REQUIRE(r.ok());
  CHECK(r->statistic == "median");
  CHECK(r->total == Approx(50));
  CHECK(r->shapley->value[Idx(Layer::kTrampoline)] == Approx(23));
  CHECK(r->shapley->value[Idx(Layer::kCallTuple)] == Approx(0).margin(1e-9));
  double sum = 0;
  for (double v : r->shapley->value) sum += v;
  CHECK(sum == Approx(r->total));
  // The mean is pulled by the disturbed sample somewhere (by 100 / 9 in one configuration).
  req.statistic = Statistic::kMean;
  r = Attribute(req, disturbed);
  REQUIRE(r.ok());
  double moved = 0;
  for (const ConfigSamples& c : r->configs) moved = std::max(moved, c.stats.mean - c.stats.median);
  CHECK(moved == Approx(100.0 / 9));
}

}  // namespace
}  // namespace dispatchlab::attribution
