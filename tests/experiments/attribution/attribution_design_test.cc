// The attribution design: which configurations each method needs, the run order, the summaries.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {
namespace {

TEST_CASE("design enumerates every configuration each method needs", "[attribution]") {
  CHECK(AllConfigs(3) == std::vector<ConfigMask>{0, 1, 2, 3, 4, 5, 6, 7});
  // Waterfall: all on, then the first layer (call-chain order) off, then the first two, ...
  CHECK(WaterfallConfigs(3) == std::vector<ConfigMask>{7, 6, 4, 0});
  CHECK(LeaveOneOutConfigs(3) == std::vector<ConfigMask>{7, 6, 5, 3});
  CHECK(AddOneInConfigs(3) == std::vector<ConfigMask>{0, 1, 2, 4});
  CHECK(MergeConfigs({WaterfallConfigs(3), LeaveOneOutConfigs(3), AddOneInConfigs(3)}) ==
        std::vector<ConfigMask>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(MergeConfigs({LeaveOneOutConfigs(4), AddOneInConfigs(4)}).size() == 10);
}

TEST_CASE("chosen layers are varied and the others kept as in the base", "[attribution]") {
  const LayerSet base = LayerSet().With(Layer::kTrampoline).With(Layer::kFreeLists).With(Layer::kBoxing);
  const LayerSet chosen = LayerSet().With(Layer::kBoxing).With(Layer::kTrampoline).With(Layer::kCall);
  const LayerSpace space = MakeLayerSpace(base, chosen);
  REQUIRE(space.k() == 3);
  // Sorted into call-chain order regardless of how they were given.
  CHECK(space.chosen == std::vector<Layer>{Layer::kTrampoline, Layer::kBoxing, Layer::kCall});
  CHECK(space.LayersFor(0) == LayerSet().With(Layer::kFreeLists));
  CHECK(space.LayersFor(space.full_mask()) == base.With(Layer::kCall));
  CHECK(space.LayersFor(0b010) == LayerSet().With(Layer::kFreeLists).With(Layer::kBoxing));
  CHECK(ConfigLabel(space, 7) == "all on");
  CHECK(ConfigLabel(space, 0) == "all off");
  CHECK(ConfigLabel(space, 0b010) == "only boxing");
  CHECK(ConfigLabel(space, 0b011) == "all but call");
}

TEST_CASE("the shuffled run order holds each configuration exactly r times", "[attribution]") {
  const std::vector<int> order = MakeRunOrder(64, 9, 12345);
  REQUIRE(order.size() == 64u * 9u);
  std::map<int, int> count;
  for (int c : order) ++count[c];
  REQUIRE(count.size() == 64u);
  for (const auto& [config, times] : count) CHECK(times == 9);
  // Interleaved, not blocked: the first 64 runs are not simply configurations 0..63 in order.
  std::vector<int> first(order.begin(), order.begin() + 64);
  std::vector<int> sorted_first = first;
  std::sort(sorted_first.begin(), sorted_first.end());
  CHECK(first != sorted_first);
  // Reproducible from the seed; another seed gives another order.
  CHECK(MakeRunOrder(64, 9, 12345) == order);
  CHECK(MakeRunOrder(64, 9, 54321) != order);
}

TEST_CASE("the portable uniform draw stays below its bound and covers it", "[attribution]") {
  std::mt19937_64 rng(7);
  std::map<uint64_t, int> seen;
  for (int i = 0; i < 6000; ++i) {
    const uint64_t x = UniformBelow(rng, 6);
    REQUIRE(x < 6);
    ++seen[x];
  }
  CHECK(seen.size() == 6u);
  for (const auto& [v, c] : seen) CHECK(c > 800);
}

TEST_CASE("sample summaries give mean median spread and quartiles", "[attribution]") {
  const SampleStats s = Summarize({4, 1, 3, 2, 10});
  CHECK(s.count == 5);
  CHECK(s.mean == Approx(4.0));
  CHECK(s.median == Approx(3.0));
  CHECK(s.q1 == Approx(2.0));
  CHECK(s.q3 == Approx(4.0));
  CHECK(s.min == 1);
  CHECK(s.max == 10);
  CHECK(s.stddev == Approx(std::sqrt(12.5)));
  CHECK(s.cv == Approx(std::sqrt(12.5) / 4));
}

TEST_CASE("the cost table reads means and the variance of each mean", "[attribution]") {
  std::vector<ConfigSamples> configs(2);
  configs[0].mask = 0;
  configs[0].samples = {1, 3};
  configs[1].mask = 1;
  configs[1].samples = {5, 5};
  for (auto& c : configs) c.stats = Summarize(c.samples);
  const CostTable t(1, configs);
  CHECK(t.Cost(0) == Approx(2));
  CHECK(t.Cost(1) == Approx(5));
  CHECK(t.MeanVariance(0) == Approx(1.0));  // s^2 = 2, over 2 samples
  CHECK(t.MeanVariance(1) == Approx(0.0));
}

}  // namespace
}  // namespace dispatchlab::attribution
