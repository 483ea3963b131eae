// The untagged builds' own test, compiled twice (tests/CMakeLists.txt): dispatchlab_untagged_tests, linked
// against the _untagged libraries, and dispatchlab_immortal_tests, against the _immortal ones (CPython 3.12's
// immortality test inline, kImmortalInline). Their Py_INCREF, Py_DECREF and Py_TYPE have no tag test, so
// they must never meet a tagged immediate: under the profiles each serves (UntaggedBuildRuns,
// ImmortalBuildRuns), every scenario stores exactly its source values, leaves nothing alive, and raises
// CPython's errors on bad values, as the switchable builds do (tests/experiments/scenarios/invariants_test.cc
// is the same check there, under every layer set).
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

// The profiles this build serves, and one it refuses.
std::vector<const char*> ServedProfiles() {
  if (kImmortalInline) return {"cpython312", "cpython313"};
  return {"cpython36", "cpython311"};
}
bool BuildRuns(LayerSet layers) {
  return kImmortalInline ? ImmortalBuildRuns(layers) : UntaggedBuildRuns(layers);
}

TEST_CASE("the untagged build runs every scenario under the profiles it serves with their semantics",
          "[untagged]") {
  InitRuntime();
  absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(300);
  REQUIRE(input.ok());
  for (const char* profile : ServedProfiles()) {
    const LayerSet layers = ProfileFromName(profile)->layers;
    REQUIRE(BuildRuns(layers));
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
        // Every profile has zero_fill, so sct_alloc too has bytes to compare: n zero c_ints.
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
  if (kImmortalInline) {
    const absl::Status immortal =
        CheckBuildRuns(ProfileFromName("cpython312")->layers.Without(Layer::kImmortal));
    CHECK(std::string(immortal.message()).find("cannot switch -immortal") != std::string::npos);
    CHECK(std::string(immortal.message()).find("dispatchlab-immortal") != std::string::npos);
    const absl::Status global_state =
        CheckBuildRuns(ProfileFromName("cpython313")->layers.Without(Layer::kThreadState));
    CHECK(std::string(global_state.message()).find("cannot switch -thread_state") != std::string::npos);
    const absl::Status atomic = CheckBuildRuns(ProfileFromName("cpython313t")->layers);
    CHECK(std::string(atomic.message()).find("+atomic_refcount") != std::string::npos);
    CHECK_FALSE(CheckBuildRuns(cpython311).ok());
  } else {
    const absl::Status immortal = CheckBuildRuns(ProfileFromName("cpython312")->layers);
    CHECK(std::string(immortal.message()).find("+immortal") != std::string::npos);
    CHECK(std::string(immortal.message()).find("dispatchlab-untagged") != std::string::npos);
  }
  CHECK_FALSE(CheckBuildRuns(LayerSet::None()).ok());
  // Without tagged immediates no value fits a tag: the boxing layers always make an object.
  CHECK_FALSE(FitsTagged(0));
  CHECK_FALSE(IsTagged(reinterpret_cast<Object*>(uintptr_t{1})));
}

TEST_CASE("the immortal build's inline test leaves an immortal object's count alone", "[untagged]") {
  if (!kImmortalInline) return;  // the plain untagged build's Py_INCREF is one add: the other suite's
  testing::RuntimeScope scope(ProfileFromName("cpython312")->layers);
  // None and the small ints are immortal: CPython 3.12's _Py_IMMORTAL_REFCNT, UINT_MAX on 64-bit builds.
  Object* none = Py_None;
  REQUIRE(none->ob_refcnt == kImmortalRefcnt);
  Py_INCREF(none);
  CHECK(none->ob_refcnt == kImmortalRefcnt);
  Py_DECREF(none);
  Py_DECREF(none);
  CHECK(none->ob_refcnt == kImmortalRefcnt);
  // A mortal object counts as usual, and its last Py_DECREF deallocates it.
  Object* big = PyLong_FromSsize_t(1 << 20);
  const Py_ssize_t live = LiveObjects();
  REQUIRE(big->ob_refcnt == 1);
  Py_INCREF(big);
  CHECK(big->ob_refcnt == 2);
  Py_DECREF(big);
  CHECK(big->ob_refcnt == 1);
  Py_DECREF(big);
  CHECK(LiveObjects() == live - 1);
}

TEST_CASE("the untagged build raises CPython's errors on the trampoline's path", "[untagged]") {
  // cpython311's layers (cpython312's in the immortal build); nothing left alive, no error pending at the end
  testing::RuntimeScope scope(ProfileFromName(ServedProfiles().back())->layers);
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
