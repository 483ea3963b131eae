// The table-driven invariant: every scenario under every single layer switch and every pair of switches
// (flipped from all-on and from all-off) leaves the same buffer, leaves nothing alive, and counts what a
// formula of n and the layers on says (exactly for the seed's two paths; for every scenario, counts
// that are linear in n).
#include <utility>
#include <vector>

#include "core/counters.h"
#include "dispatch/ctypes_array.h"
#include "experiments/scenarios/scenarios.h"
#include "tests/experiments/scenarios/counts_formula.h"
#include "tests/experiments/scenarios/expected_bytes.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

std::vector<LayerSet> SinglesAndPairs() {
  std::vector<LayerSet> sets;
  for (LayerSet base : {LayerSet::All(), LayerSet::None()}) {
    sets.push_back(base);
    for (int i = 0; i < kLayerCount; ++i) {
      const LayerSet one(base.bits() ^ (1u << i));
      sets.push_back(one);
      for (int j = i + 1; j < kLayerCount; ++j) sets.push_back(LayerSet(one.bits() ^ (1u << j)));
    }
  }
  return sets;
}

Counts CountCall(const Scenario& s, const ScenarioInput& in, LayerSet layers, std::vector<char>* bytes) {
  {
    ScenarioResult warm;
    REQUIRE(RunOnce(s, in, layers, &warm).ok());
  }
  const Counts before = SnapshotCounts();
  ScenarioResult result;
  absl::Status status = RunOnce(s, in, layers, &result);
  INFO(status.ToString());
  REQUIRE(status.ok());
  if (bytes != nullptr) bytes->assign(result.data(), result.data() + result.size());
  result.Reset();
  return SnapshotCounts() - before;
}

TEST_CASE("every scenario under every single and pair of layer switches keeps its semantics") {
  InitRuntime();
  const std::vector<LayerSet> configs = SinglesAndPairs();
  std::vector<ScenarioInput> inputs;
  for (int64_t n : {300, 400, 500}) inputs.push_back(std::move(*ScenarioInput::Make(n)));
  const Py_ssize_t live_before = LiveObjects();
  for (const Scenario& s : ScenarioTable()) {
    for (LayerSet layers : configs) {
      INFO("scenario " << s.name << ", layers " << layers.ToString());
      std::vector<char> bytes;
      Counts c[3];
      for (int k = 0; k < 3; ++k) c[k] = CountCall(s, inputs[k], layers, k == 0 ? &bytes : nullptr);
      const std::vector<char> want = testing::ExpectedBytes(s, inputs[0], EffectiveLayers(s, layers));
      if (!want.empty()) REQUIRE(bytes == want);
      // Linear in n: the increments from 300 to 400 and from 400 to 500 are equal for every counter.
      for (const CounterInfo& info : CounterTable()) {
        INFO("counter " << info.name);
        REQUIRE(c[1][info.counter] - c[0][info.counter] == c[2][info.counter] - c[1][info.counter]);
      }
      if (s.name == "sct_init") {
        testing::Expected want_counts = testing::SctInitExpected(300, EffectiveLayers(s, layers));
        testing::Expected got = testing::FromCounts(c[0]);
        REQUIRE(got.tuples == want_counts.tuples);
        REQUIRE(got.lookups == want_counts.lookups);
        REQUIRE(got.generic_calls == want_counts.generic_calls);
        REQUIRE(got.method_wrappers == want_counts.method_wrappers);
        REQUIRE(got.scalars == want_counts.scalars);
        REQUIRE(got.temp_ints == want_counts.temp_ints);
        REQUIRE(got.boxed_ints == want_counts.boxed_ints);
        REQUIRE(got.index_conversions == want_counts.index_conversions);
        REQUIRE(got.type_data_lookups == want_counts.type_data_lookups);
        REQUIRE(got.stores == want_counts.stores);
      }
      if (s.name == "sct_subscript") {
        testing::Expected want_counts = testing::SctSubscriptExpected(300, layers);
        testing::Expected got = testing::FromCounts(c[0]);
        REQUIRE(got.scalars == want_counts.scalars);
        REQUIRE(got.temp_ints == want_counts.temp_ints);
        REQUIRE(got.type_data_lookups == want_counts.type_data_lookups);
        REQUIRE(got.stores == want_counts.stores);
        REQUIRE(got.tuples == 0);
        REQUIRE(got.lookups == 0);
      }
      const std::pair<absl::string_view, testing::OverrideCase> override_cases[] = {
          {"sct_init_override", testing::OverrideCase::kInit},
          {"sct_subscript_override", testing::OverrideCase::kSubscript},
          {"sct_init_override_direct", testing::OverrideCase::kInitPatchA},
          {"sct_init_override_setslice", testing::OverrideCase::kInitPatchB}};
      for (const auto& [name, which] : override_cases) {
        if (s.name != name) continue;
        const testing::OverrideExpected want_counts =
            testing::OverrideCaseExpected(which, 300, EffectiveLayers(s, layers));
        auto got = [&](Counter k) { return static_cast<int64_t>(c[0][k]); };
        REQUIRE(got(Counter::kPyCalls) == want_counts.py_calls);
        REQUIRE(got(Counter::kFrames) == want_counts.frames);
        REQUIRE(got(Counter::kOpcodes) == want_counts.opcodes);
        REQUIRE(got(Counter::kLookups) == want_counts.lookups);
        REQUIRE(got(Counter::kInlineCacheHits) == want_counts.inline_cache_hits);
        REQUIRE(got(Counter::kGenericCalls) == want_counts.generic_calls);
        REQUIRE(got(Counter::kTuples) == want_counts.tuples);
        REQUIRE(got(Counter::kMethodWrappers) == want_counts.method_wrappers);
        REQUIRE(got(Counter::kStores) == want_counts.stores);
      }
      REQUIRE(LiveObjects() == live_before);
    }
  }
  inputs.clear();
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

}  // namespace
}  // namespace dispatchlab
