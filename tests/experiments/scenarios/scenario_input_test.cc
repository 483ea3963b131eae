// ScenarioInput builds only the sources a scenario reads, both sources hold the same values, and the list
// source is exactly n slots (numpy's tolist), so a run holds no second form of its input.
#include <catch2/catch.hpp>

#include "core/list.h"
#include "core/ndarray.h"
#include "dispatch/runtime.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab {
namespace {

TEST_CASE("ScenarioInput builds only the sources asked for", "[experiments][memory]") {
  InitRuntime();
  absl::StatusOr<ScenarioInput> numpy = ScenarioInput::Make(1000, kNumpySource);
  REQUIRE(numpy.ok());
  CHECK(numpy->numpy() != nullptr);
  CHECK(numpy->list() == nullptr);
  absl::StatusOr<ScenarioInput> list = ScenarioInput::Make(1000, kListSource);
  REQUIRE(list.ok());
  CHECK(list->numpy() == nullptr);
  CHECK(list->list() != nullptr);
  absl::StatusOr<ScenarioInput> none = ScenarioInput::Make(1000, kNoSource);
  REQUIRE(none.ok());
  CHECK(none->numpy() == nullptr);
  CHECK(none->list() == nullptr);
  CHECK(none->n() == 1000);
  // The same digits whichever source holds them (and with none, regenerated from the seed).
  const std::vector<int64_t> expected = numpy->values();
  CHECK(list->values() == expected);
  CHECK(none->values() == expected);
  CHECK(none->value(999) == expected[999]);
  int64_t distinct_mask = 0;
  for (int64_t v : expected) {
    REQUIRE(v >= 0);
    REQUIRE(v <= 9);
    distinct_mask |= int64_t{1} << v;
  }
  CHECK(distinct_mask == 0x3ff);  // all ten digits occur: the values are not constant
}

TEST_CASE("every scenario declares the sources its run reads", "[experiments][memory]") {
  InitRuntime();
  for (const Scenario& s : ScenarioTable()) {
    INFO(s.name);
    absl::StatusOr<ScenarioInput> in = ScenarioInput::Make(64, s.sources);
    REQUIRE(in.ok());
    ScenarioResult result;
    // A scenario reading a source it did not declare would dereference a null source here.
    CHECK(RunOnce(s, *in, ProfileFromName(kDefaultProfile)->layers, &result).ok());
    CHECK(result.size() > 0);
  }
  CHECK(SourcesOf({}) == kNoSource);
  std::vector<const Scenario*> both = {*ScenarioFromName("sct_init"), *ScenarioFromName("sct_init_list"),
                                       *ScenarioFromName("sct_alloc")};
  CHECK(SourcesOf(both) == kAllSources);
  CHECK((*ScenarioFromName("sct_subscript"))->sources == kNumpySource);
  CHECK((*ScenarioFromName("sct_subscript_list"))->sources == kListSource);
  CHECK((*ScenarioFromName("sct_alloc"))->sources == kNoSource);
}

TEST_CASE("the list source is exactly n slots, as l.tolist() allocates", "[experiments][memory]") {
  InitRuntime();
  absl::StatusOr<ScenarioInput> in = ScenarioInput::Make(100000, kListSource);
  REQUIRE(in.ok());
  const auto* items = reinterpret_cast<ListObject*>(in->list())->items;
  CHECK(items->size() == 100000);
  CHECK(items->capacity() == 100000);
}

TEST_CASE("PyList_Append grows a list as list_resize does, not by doubling", "[core][memory]") {
  InitRuntime();
  Object* list = PyList_New();
  REQUIRE(list != nullptr);
  const auto* items = reinterpret_cast<ListObject*>(list)->items;
  // CPython 3.9+'s capacities while appending: 0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ...
  std::vector<size_t> capacities;
  for (int i = 0; i < 77; ++i) {
    PyList_Append(list, Py_None);
    if (capacities.empty() || capacities.back() != items->capacity()) capacities.push_back(items->capacity());
  }
  CHECK(capacities == std::vector<size_t>{4, 8, 16, 24, 32, 40, 52, 64, 76, 92});
  for (int i = 77; i < 1000000; ++i) PyList_Append(list, Py_None);
  CHECK(items->capacity() < 1000000 + 1000000 / 8 + 1000);  // at most ~1/8 over, never 2x
  Py_DECREF(list);
}

}  // namespace
}  // namespace dispatchlab
