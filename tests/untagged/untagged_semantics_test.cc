// The untagged build's own test (dispatchlab_untagged_tests, linked against the _untagged libraries:
// tests/CMakeLists.txt). Its Py_INCREF, Py_DECREF and Py_TYPE have no test, so it must never meet a tagged
// immediate: under the profiles it serves (UntaggedBuildRuns), every scenario stores exactly its source
// values, leaves nothing alive, and raises CPython's errors on bad values, as the switchable builds do
// (tests/experiments/scenarios/invariants_test.cc is the same check there, under every layer set).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/float.h"
#include "core/long.h"
#include "core/object.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/sharedctypes.h"
#include "experiments/scenarios/scenarios.h"
#include "tests/experiments/scenarios/expected_bytes.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

static_assert(!kTaggedCompiledIn, "this suite is for the untagged build");

TEST_CASE("the untagged build runs every scenario under cpython36 and cpython311 with its semantics",
          "[untagged]") {
  InitRuntime();
  absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(300);
  REQUIRE(input.ok());
  for (const char* profile : {"cpython36", "cpython311"}) {
    const LayerSet layers = ProfileFromName(profile)->layers;
    REQUIRE(UntaggedBuildRuns(layers));
    REQUIRE(CheckBuildRuns(layers).ok());
    for (const Scenario& s : ScenarioTable()) {
      INFO(profile << " " << s.name);
      const Py_ssize_t live_before = LiveObjects();
      for (int call = 0; call < 2; ++call) {
        ScenarioResult result;
        const absl::Status status = RunOnce(s, *input, layers, &result);
        INFO(status.ToString());
        REQUIRE(status.ok());
        const std::vector<char> got(result.data(), result.data() + result.size());
        // Both profiles have zero_fill, so sct_alloc too has bytes to compare: n zero c_ints.
        CHECK(got == testing::ExpectedBytes(s, *input, EffectiveLayers(s, layers)));
      }
      ReleaseCaches();
      CHECK(LiveObjects() == live_before);
    }
  }
}

TEST_CASE("the untagged build refuses the layer sets it cannot run, naming them", "[untagged]") {
  const LayerSet cpython311 = ProfileFromName("cpython311")->layers;
  const absl::Status boxing = CheckBuildRuns(cpython311.Without(Layer::kBoxing));
  CHECK(boxing.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(boxing.message()).find("cannot switch -boxing") != std::string::npos);
  const absl::Status immortal = CheckBuildRuns(ProfileFromName("cpython312")->layers);
  CHECK(std::string(immortal.message()).find("+immortal") != std::string::npos);
  CHECK_FALSE(CheckBuildRuns(LayerSet::None()).ok());
  // Without tagged immediates no value fits a tag: the boxing layers always make an object.
  CHECK_FALSE(FitsTagged(0));
  CHECK_FALSE(IsTagged(reinterpret_cast<Object*>(uintptr_t{1})));
}

TEST_CASE("the untagged build raises CPython's errors on the trampoline's path", "[untagged]") {
  testing::RuntimeScope scope;  // cpython311's layers; nothing left alive, no error pending at the end
  Object* array = RawArrayOfSize(&c_int_Type, 3);
  Object* value = PyFloat_FromDouble(1.5);
  CHECK(PySequence_SetItem(array, 0, value) == -1);
  CHECK(testing::TakeError() == "TypeError: 'float' object cannot be interpreted as an integer");
  Object* seven = PyLong_FromSsize_t(7);
  CHECK(PySequence_SetItem(array, 3, seven) == -1);
  CHECK(testing::TakeError() == "IndexError: invalid index");
  REQUIRE(PySequence_SetItem(array, -1, seven) == 0);
  Object* back = PySequence_GetItem(array, 2);
  REQUIRE(back != nullptr);
  CHECK(PyLong_Value(back) == 7);
  Py_DECREF(back);
  Py_DECREF(seven);
  Py_DECREF(value);
  Py_DECREF(array);
}

}  // namespace
}  // namespace dispatchlab
