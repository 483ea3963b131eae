// The seed's "why", counted: a subclass whose __setitem__ is a Python function calling the base is
// called n times (int index) by __init__, once (a slice) by slice assignment, never under patch A, once
// (a slice) under patch B; the buffer is the same in all four. Plus the function machinery underneath:
// eval on and off do the same object operations, 3.6's frame object is its code's zombie frame, and
// `del Hooked.__setitem__` gives the C store back (update_slot).
#include <vector>

#include "core/frame.h"
#include "core/function.h"
#include "core/list.h"
#include "core/long.h"
#include "core/slice.h"
#include "dispatch/abstract.h"
#include "dispatch/call.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/sharedctypes.h"
#include "dispatch/slots.h"
#include "dispatch/trampolines.h"
#include "dispatch/typeattr.h"
#include "experiments/scenarios/counts.h"
#include "experiments/scenarios/override_class.h"
#include "tests/experiments/scenarios/counts_formula.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::OverrideCase;
using testing::RuntimeScope;
using testing::TakeError;

struct Run {
  Counts counts;
  std::vector<char> bytes;
};

Run CountedRun(absl::string_view scenario, const ScenarioInput& in, LayerSet layers) {
  const Scenario& s = **ScenarioFromName(scenario);
  {
    ScenarioResult warm;
    REQUIRE(RunOnce(s, in, layers, &warm).ok());
  }
  const Counts before = SnapshotCounts();
  ScenarioResult result;
  const absl::Status status = RunOnce(s, in, layers, &result);
  INFO(status.ToString());
  REQUIRE(status.ok());
  Run run;
  run.bytes.assign(result.data(), result.data() + result.size());
  result.Reset();
  run.counts = SnapshotCounts() - before;
  return run;
}

TEST_CASE("the override is called n times by __init__, once by a slice, never by patch A, once by patch B") {
  InitRuntime();
  const int64_t n = 1000;
  absl::StatusOr<ScenarioInput> in = ScenarioInput::Make(n);
  REQUIRE(in.ok());
  for (const char* profile : {"cpython36", "cpython311", "cpython312", "cpython313"}) {
    INFO("profile " << profile);
    const LayerSet layers = ProfileFromName(profile)->layers;
    const Run reference = CountedRun("sct_init", *in, layers);
    REQUIRE(reference.counts[Counter::kPyCalls] == 0);
    const struct {
      const char* name;
      OverrideCase c;
      uint64_t calls;
    } cases[] = {{"sct_init_override", OverrideCase::kInit, n},
                 {"sct_subscript_override", OverrideCase::kSubscript, 1},
                 {"sct_init_override_direct", OverrideCase::kInitPatchA, 0},
                 {"sct_init_override_setslice", OverrideCase::kInitPatchB, 1}};
    for (const auto& c : cases) {
      INFO("scenario " << c.name);
      const Run run = CountedRun(c.name, *in, layers);
      CHECK(run.counts[Counter::kPyCalls] == c.calls);
      CHECK(run.bytes == reference.bytes);  // the hook calls the base: the same buffer every time
      const LayerSet effective = EffectiveLayers(**ScenarioFromName(c.name), layers);
      const testing::OverrideExpected want = testing::OverrideCaseExpected(c.c, n, effective);
      CHECK(static_cast<int64_t>(run.counts[Counter::kFrames]) == want.frames);
      CHECK(static_cast<int64_t>(run.counts[Counter::kOpcodes]) == want.opcodes);
      CHECK(static_cast<int64_t>(run.counts[Counter::kLookups]) == want.lookups);
      CHECK(static_cast<int64_t>(run.counts[Counter::kGenericCalls]) == want.generic_calls);
      CHECK(static_cast<int64_t>(run.counts[Counter::kTuples]) == want.tuples);
      CHECK(static_cast<int64_t>(run.counts[Counter::kMethodWrappers]) == want.method_wrappers);
      CHECK(static_cast<int64_t>(run.counts[Counter::kStores]) == want.stores);
    }
  }
  in = absl::InternalError("released");
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("the hook receives an int index from a single store and a slice from slice assignment") {
  RuntimeScope scope;
  TypeObject* hooked = HookedArrayType(&c_int_Type, 5);
  REQUIRE(hooked != nullptr);
  CHECK(GetSlot(hooked, SlotId::kSqAssItem) == reinterpret_cast<void*>(&slot_sq_ass_item));
  CHECK(GetSlot(hooked, SlotId::kMpAssSubscript) == reinterpret_cast<void*>(&slot_mp_ass_subscript));
  Object* array = RawArrayOfType(hooked);
  REQUIRE(array != nullptr);
  Counts before = SnapshotCounts();
  REQUIRE(PySequence_SetItem(array, 3, TagInt(7)) == 0);
  CHECK((SnapshotCounts() - before)[Counter::kPyCalls] == 1);
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[3] == 7);
  Object* source = PyList_New();
  for (int i = 0; i < 5; ++i) PyList_Append(source, TagInt(10 + i));
  Object* slice = PySlice_New(nullptr, nullptr, nullptr);
  before = SnapshotCounts();
  REQUIRE(PyObject_SetItem(array, slice, source) == 0);
  const Counts slice_counts = SnapshotCounts() - before;
  CHECK(slice_counts[Counter::kPyCalls] == 1);
  CHECK(slice_counts[Counter::kStores] == 5);  // one call stored all five: its index was the slice
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[4] == 14);
  Py_DECREF(slice);
  Py_DECREF(source);
  Py_DECREF(array);
}

TEST_CASE("del Hooked.__setitem__ gives the C store back; setting it again restores the hook") {
  RuntimeScope scope;
  TypeObject* hooked = HookedArrayType(&c_int_Type, 6);
  REQUIRE(hooked != nullptr);
  Object* func = HookedSetitemFunction();
  Object* array = RawArrayOfType(hooked);
  REQUIRE(array != nullptr);
  REQUIRE(type_setattro(hooked, Id().__setitem__, nullptr) == 0);
  CHECK(GetSlot(hooked, SlotId::kMpAssSubscript) == reinterpret_cast<void*>(&Array_ass_subscript));
  Counts before = SnapshotCounts();
  REQUIRE(PySequence_SetItem(array, 1, TagInt(3)) == 0);
  CHECK((SnapshotCounts() - before)[Counter::kPyCalls] == 0);
  REQUIRE(type_setattro(hooked, Id().__setitem__, func) == 0);
  CHECK(GetSlot(hooked, SlotId::kMpAssSubscript) == reinterpret_cast<void*>(&slot_mp_ass_subscript));
  before = SnapshotCounts();
  REQUIRE(PySequence_SetItem(array, 2, TagInt(4)) == 0);
  CHECK((SnapshotCounts() - before)[Counter::kPyCalls] == 1);
  Py_DECREF(array);
}

TEST_CASE("eval on and off: the same lookups, calls and buffer; frames and opcodes only with eval") {
  InitRuntime();
  absl::StatusOr<ScenarioInput> in = ScenarioInput::Make(400);
  REQUIRE(in.ok());
  const LayerSet on = ProfileFromName("cpython311")->layers;
  const Run with = CountedRun("sct_init_override", *in, on);
  const Run without = CountedRun("sct_init_override", *in, on.Without(Layer::kEval));
  CHECK(with.bytes == without.bytes);
  for (Counter c : {Counter::kPyCalls, Counter::kLookups, Counter::kGenericCalls, Counter::kTuples,
                    Counter::kDictProbes, Counter::kStores}) {
    INFO(CounterTable()[static_cast<int>(c)].name);
    CHECK(with.counts[c] == without.counts[c]);
  }
  CHECK(with.counts[Counter::kFrames] == 400);
  CHECK(with.counts[Counter::kOpcodes] == 400 * 11);
  CHECK(without.counts[Counter::kFrames] == 0);
  CHECK(without.counts[Counter::kOpcodes] == 0);
  CHECK(with.counts[Counter::kIncrefs] > without.counts[Counter::kIncrefs]);  // the value stack's
  in = absl::InternalError("released");
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("3.6's frame object is its code's zombie frame: one object per call, no allocation") {
  InitRuntime();
  absl::StatusOr<ScenarioInput> in = ScenarioInput::Make(300);
  REQUIRE(in.ok());
  const LayerSet l311 = ProfileFromName("cpython311")->layers;
  const Run data_stack = CountedRun("sct_subscript_override", *in, l311);
  const Run frame_object = CountedRun("sct_subscript_override", *in, l311.With(Layer::kFrameObject));
  CHECK(frame_object.counts[Counter::kFrames] == 1);
  CHECK(frame_object.counts[Counter::kObjects] == data_stack.counts[Counter::kObjects] + 1);
  CHECK(frame_object.counts[Counter::kAllocations] == data_stack.counts[Counter::kAllocations]);
  CHECK(frame_object.bytes == data_stack.bytes);
  CHECK(DataStackChunkBytes() == 16 * 1024);  // the root chunk only: every frame was popped
  in = absl::InternalError("released");
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("a Python function called with the wrong number of arguments raises CPython's TypeError") {
  RuntimeScope scope;
  Object* func = HookedSetitemFunction();
  Object* args[2] = {Py_None, TagInt(1)};
  CHECK(PyObject_Vectorcall(func, args, 2, nullptr) == nullptr);
  CHECK(TakeError() == "TypeError: Hooked.__setitem__() takes 3 positional arguments but 2 were given");
  // The body's own errors unwind the stack: Array.__setitem__ on an object that is not an Array.
  Object* bad[3] = {Py_None, TagInt(0), TagInt(1)};
  for (const bool eval : {true, false}) {
    ScopedLayers layers(ProfileFromName("cpython311")->layers.Set(Layer::kEval, eval));
    CHECK(PyObject_Vectorcall(func, bad, 3, nullptr) == nullptr);
    CHECK(TakeError() ==
          "TypeError: descriptor '__setitem__' requires a '_ctypes.Array' object but received a 'NoneType'");
  }
}

}  // namespace
}  // namespace dispatchlab
