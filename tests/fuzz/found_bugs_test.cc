// One readable regression test per bug the fuzzer found (docs/hardening.md, "What the fuzzer found"); the
// fuzzer's own input for each is replayed from fuzz/regressions/ as well.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/layers.h"
#include "core/list.h"
#include "core/long.h"
#include "core/obmalloc.h"
#include "core/slice.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/lookup.h"
#include "dispatch/runtime.h"
#include "dispatch/sharedctypes.h"
#include "dispatch/slots.h"

namespace dispatchlab {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// A new slice object of three ints (nullptr: None).
Object* MakeSlice(const int64_t* start, const int64_t* stop, const int64_t* step) {
  Object* a = start != nullptr ? PyLong_FromSsize_t(*start) : nullptr;
  Object* b = stop != nullptr ? PyLong_FromSsize_t(*stop) : nullptr;
  Object* c = step != nullptr ? PyLong_FromSsize_t(*step) : nullptr;
  Object* s = PySlice_New(a, b, c);
  Py_XDECREF(a);
  Py_XDECREF(b);
  Py_XDECREF(c);
  return s;
}

TEST_CASE("a slice step of INT64_MIN is clamped as CPython does", "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer: UBSan "negation of -9223372036854775808" in PySlice_AdjustIndices. CPython's PySlice_Unpack
  // clamps the step to -PY_SSIZE_T_MAX, so (c_int * 13)()[::-2**63] = [7] stores into the last item.
  Object* array = CtypesArrayOfSize(&c_int_Type, 13);
  REQUIRE(array != nullptr);
  Object* slice = MakeSlice(nullptr, nullptr, &kMin);
  Py_ssize_t start = 0, stop = 0, step = 0;
  REQUIRE(PySlice_Unpack(slice, &start, &stop, &step) == 0);
  CHECK(step == -kMax);
  CHECK(PySlice_AdjustIndices(13, &start, &stop, step) == 1);
  CHECK(start == 12);

  Object* value = PyList_New();
  Object* seven = PyLong_FromSsize_t(7);
  PyList_Append(value, seven);
  Py_DECREF(seven);
  CHECK(Array_ass_subscript(array, slice, value) == 0);
  CHECK_FALSE(PyErr_Occurred());
  Object* last = Array_item(array, 12);
  REQUIRE(last != nullptr);
  CHECK(PyLong_Value(last) == 7);
  Py_DECREF(last);
  Py_DECREF(value);
  Py_DECREF(slice);
  Py_DECREF(array);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("slicing a ctypes array with a huge step does not overflow the cursor", "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer: UBSan "signed integer overflow: 5 + 9223372036854775807" in Array_subscript's `cur += step`
  // after the last item. a[5::2**63-1] is [a[5]]; assigning one item through it stores a[5].
  Object* array = CtypesArrayOfSize(&c_int64_Type, 8);
  REQUIRE(array != nullptr);
  const int64_t five = 5;
  Object* slice = MakeSlice(&five, nullptr, &kMax);
  Object* got = Array_subscript(array, slice);
  REQUIRE(got != nullptr);
  CHECK(PyList_GET_SIZE(got) == 1);
  Py_DECREF(got);

  Object* value = PyList_New();
  Object* nine = PyLong_FromSsize_t(9);
  PyList_Append(value, nine);
  Py_DECREF(nine);
  CHECK(Array_ass_subscript(array, slice, value) == 0);
  Object* item = Array_item(array, 5);
  REQUIRE(item != nullptr);
  CHECK(PyLong_Value(item) == 9);
  Py_DECREF(item);
  Py_DECREF(value);
  Py_DECREF(slice);
  Py_DECREF(array);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("storing a ctypes array into an item raises the same error with setfunc on or off",
          "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer (differential op): with `setfunc` off the inlined store reported "'c_int64_Array_11' object
  // cannot be interpreted as an integer" where _PyCData_set raises "incompatible types, ...".
  Object* array = CtypesArrayOfSize(&c_int64_Type, 4);
  REQUIRE(array != nullptr);
  std::string messages[2];
  for (int on = 0; on < 2; ++on) {
    ScopedLayers layers(LayerSet::All().Set(Layer::kSetfunc, on == 1));
    CHECK(Array_ass_item(array, 0, array) == -1);
    CHECK(PyErr_ExceptionMatches(ExcKind::kTypeError));
    messages[on] = CurrentError().message;
    PyErr_Clear();
  }
  CHECK(messages[0] == messages[1]);
  CHECK(messages[1] == "incompatible types, c_int64_Array_4 instance instead of c_int64 instance");
  Py_DECREF(array);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("with the call layer off a foreign descriptor in the type dictionary is still checked",
          "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer (differential op): an array type whose __getitem__ is list's wrapper descriptor. The generic
  // protocol raises "descriptor '__getitem__' requires a 'list' object ..."; the `call` layer's shortcut
  // skipped that check and ran list's C slot on the ctypes array (a type confusion).
  Object* array = CtypesArrayOfSize(&c_int_Type, 3);
  REQUIRE(array != nullptr);
  TypeObject* type = Py_TYPE(array);
  Object* list_getitem = _PyType_Lookup(&PyList_Type, Id().__getitem__);
  REQUIRE(list_getitem != nullptr);
  TypeDictSet(type, Id().__getitem__, list_getitem);
  for (const bool call_on : {true, false}) {
    ScopedLayers layers(LayerSet::All().Without(Layer::kMethodWrapper).Set(Layer::kCall, call_on));
    CHECK(PySequence_GetItem(array, 1) == nullptr);
    CHECK(PyErr_ExceptionMatches(ExcKind::kTypeError));
    CHECK(CurrentError().message ==
          "descriptor '__getitem__' requires a 'list' object but received a 'c_int_Array_3'");
    PyErr_Clear();
  }
  TypeDictSet(type, Id().__getitem__, nullptr);
  Py_DECREF(array);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("a call cycle raises RecursionError with the call layers on or off", "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer: ASan stack-overflow. With __setitem__ = Array.__init__, a store recurses through Array_init ->
  // PySequence_SetItem -> slot_sq_ass_item -> __init__ ... ; the generic call stops at 1000 levels, but the
  // `call` layer's shortcut and the untupled vector entry (`call_tuple` off) had no recursion guard.
  Object* array = CtypesArrayOfSize(&c_int_Type, 2);
  REQUIRE(array != nullptr);
  TypeObject* type = Py_TYPE(array);
  Object* init = _PyType_Lookup(&PyCArray_Type, Id().__init__);
  REQUIRE(init != nullptr);
  TypeDictSet(type, Id().__setitem__, init);
  const LayerSet trampoline_only = LayerSet::None().With(Layer::kTrampoline);
  for (const LayerSet layers : {LayerSet::All(), trampoline_only, trampoline_only.With(Layer::kCall)}) {
    ScopedLayers scoped(layers);
    CHECK(PySequence_SetItem(array, 0, TagInt(1)) == -1);
    CHECK(PyErr_ExceptionMatches(ExcKind::kRecursionError));
    PyErr_Clear();
  }
  TypeDictSet(type, Id().__setitem__, nullptr);
  Py_DECREF(array);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("an array type made while Array.__init__ was deleted is instantiated without calling it",
          "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer (CI's 60 s run, after ~9000 inputs): SEGV reading address 0 in CtypesArrayFrom. A type made
  // while `__init__` was gone from Array's dictionary gets no tp_init, and CtypesArrayFrom called it
  // anyway; CPython's type_call skips a null tp_init.
  Object* init = TypeDictGet(&PyCArray_Type, Id().__init__);
  REQUIRE(init != nullptr);
  Py_INCREF(init);
  TypeDictSet(&PyCArray_Type, Id().__init__, nullptr);
  Object* source = PyList_New();
  for (int i = 0; i < 37; ++i) PyList_Append(source, TagInt(i));  // a length no other test uses
  Object* array = nullptr;
  {
    ScopedLayers layers(LayerSet::All());
    array = CtypesArrayFrom(&c_int_Type, source);
  }
  TypeDictSet(&PyCArray_Type, Id().__init__, init);
  Py_DECREF(init);
  CHECK(array != nullptr);
  CHECK_FALSE(PyErr_Occurred());
  PyErr_Clear();
  if (array != nullptr) {
    FixupSlotDispatchers(Py_TYPE(array));  // what update_slot would do when __init__ came back
    CHECK(Py_TYPE(array)->tp_init != nullptr);
    Py_DECREF(array);
  }
  Py_DECREF(source);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("with the call layer off the mapping shortcut keeps the wrapper's argument count check",
          "[fuzz][regression]") {
  InitRuntime();
  // Fuzzer (fuzz/regressions/call-off-mapping-wrapper-argcount): with `call` off, vectorcall_method's
  // shortcut called a mapping slot's C function directly whatever the name the descriptor was found
  // under. `__len__ = Array.__getitem__` then read args[1] past a one-element stack (ASan
  // stack-buffer-overflow), and `__setitem__ = Array.__getitem__` "succeeded" storing nothing. CPython's
  // wrappers check the count: wrap_binaryfunc "expected 1 argument, got N", wrap_objobjargproc 2.
  Object* array = CtypesArrayOfSize(&c_int_Type, 41);  // a length no other test uses
  REQUIRE(array != nullptr);
  TypeObject* type = Py_TYPE(array);
  Object* getitem = TypeDictGet(&PyCArray_Type, Id().__getitem__);
  Object* setitem = TypeDictGet(&PyCArray_Type, Id().__setitem__);
  REQUIRE(getitem != nullptr);
  REQUIRE(setitem != nullptr);
  struct Case {
    StrObject* name;
    Object* value;
    const char* message;
  };
  for (const Case& c : {Case{Id().__len__, getitem, "expected 1 argument, got 0"},
                        Case{Id().__setitem__, getitem, "expected 1 argument, got 2"},
                        Case{Id().__delitem__, setitem, "expected 2 arguments, got 1"}}) {
    TypeDictSet(type, c.name, c.value);
    FixupSlotDispatchers(type);  // what CPython's update_slot does after the assignment
    for (const bool call_on : {true, false}) {
      ScopedLayers layers(LayerSet::All().Without(Layer::kMethodWrapper).Set(Layer::kCall, call_on));
      INFO(c.name->value << " with call " << (call_on ? "on" : "off"));
      Object* five = PyLong_FromSsize_t(5);
      int failed = 0;
      if (c.name == Id().__len__) {
        failed = PySequence_Size(array) == -1;
      } else if (c.name == Id().__setitem__) {
        failed = PySequence_SetItem(array, 0, five) == -1;
      } else {
        failed = PySequence_SetItem(array, 0, nullptr) == -1;  // PySequence_DelItem
      }
      Py_DECREF(five);
      CHECK(failed);
      CHECK(PyErr_ExceptionMatches(ExcKind::kTypeError));
      CHECK(CurrentError().message == c.message);
      PyErr_Clear();
      Object* item = PySequence_GetItem(array, 0);  // Array.__getitem__ still reads the (unchanged) item
      REQUIRE(item != nullptr);
      CHECK(PyNumber_AsSsize_t(item) == 0);
      Py_DECREF(item);
    }
    TypeDictSet(type, c.name, nullptr);
    FixupSlotDispatchers(type);
  }
  Py_DECREF(array);
  ReleaseCaches();
  CHECK(CheckNothingAlive().ok());
}

TEST_CASE("a pool emptied under one size class serves another with every block writable",
          "[fuzz][regression]") {
  // Found once the fuzzer's layer sets covered `pymalloc` (round 7): deep recursion filled pools with
  // tuples, freed them, and the emptied pools were reused for another size class. pymalloc_free had
  // poisoned the freed blocks' bodies for ASan; allocate_from_new_pool wrote the new class's free-list
  // link into one of them (use-after-poison). It now unpoisons the pool's block area when the class changes.
  ScopedLayers on(ActiveLayers().Set(Layer::kPymalloc, true));
  std::vector<void*> small;
  for (int i = 0; i < 4096; ++i) small.push_back(PyObject_Malloc(48));  // about a dozen 16 KiB pools
  for (void* p : small) PyObject_Free(p);                               // emptied, bodies poisoned
  std::vector<void*> large;
  for (int i = 0; i < 4096; ++i) {  // 64-byte blocks: their boundaries fall inside the old 48-byte bodies
    void* p = PyObject_Malloc(64);
    REQUIRE(p != nullptr);
    CHECK(PymallocOwns(p));
    std::memset(p, 0xab, 64);  // a stale poison faults in PyObject_Malloc's link write, or here
    large.push_back(p);
  }
  for (void* p : large) CHECK(static_cast<const unsigned char*>(p)[63] == 0xab);
  for (void* p : large) PyObject_Free(p);
}

}  // namespace
}  // namespace dispatchlab
