// Uses dispatchlab as a library from outside its tree: makes the ctypes array type c_int * 100, stores a
// list of ints through both of the seed's chains -- RawArray(c_int, l) (Array_init: one generic
// __setitem__ call per element) and RawArray(c_int, n); sh[:] = l (one slice assignment) -- reads an
// element back from each, and prints the exact counts of each chain. tests/package/run_package_test.cmake
// checks the lines.
#include <cstdio>

#include "dispatchlab/core/counters.h"
#include "dispatchlab/core/layers.h"
#include "dispatchlab/core/list.h"
#include "dispatchlab/core/long.h"
#include "dispatchlab/core/slice.h"
#include "dispatchlab/dispatch/abstract.h"
#include "dispatchlab/dispatch/ctypes_array.h"
#include "dispatchlab/dispatch/ctypes_types.h"
#include "dispatchlab/dispatch/runtime.h"
#include "dispatchlab/dispatch/sharedctypes.h"
#if CONSUMER_HAS_OWN_CORE
#include "core/object.h"  // the consumer's, not dispatchlab's
#endif

int main() {
  using namespace dispatchlab;
  InitRuntime();
  ScopedLayers layers(ProfileFromName(kDefaultProfile)->layers);
  constexpr Py_ssize_t n = 100;
  TypeObject* array_type = PyCArrayType_from_ctype(&c_int_Type, n);
  if (array_type == nullptr) return 1;
  Object* source = PyList_New();
  for (Py_ssize_t i = 0; i < n; ++i) {
    Object* v = PyLong_FromLong(3 * i);
    PyList_Append(source, v);
    Py_DECREF(v);
  }

  const Counts before_init = SnapshotCounts();
  Object* by_init = RawArrayFrom(&c_int_Type, source);  // RawArray(c_int, l)
  const Counts init = SnapshotCounts() - before_init;

  const Counts before_slice = SnapshotCounts();
  Object* by_slice = RawArrayOfSize(&c_int_Type, n);  // sh = RawArray(c_int, n); sh[:] = l
  Object* all = PySlice_New(nullptr, nullptr, nullptr);
  const int stored = by_slice != nullptr && all != nullptr ? PyObject_SetItem(by_slice, all, source) : -1;
  const Counts slice = SnapshotCounts() - before_slice;
  if (by_init == nullptr || stored != 0) {
    std::printf("store failed\n");
    return 1;
  }

  Object* a = PySequence_GetItem(by_init, 7);
  Object* b = PySequence_GetItem(by_slice, 7);
  std::printf("array type: %s, length %lld\n", array_type->tp_name.c_str(),
              static_cast<long long>(Array_length(by_init)));
  std::printf("element 7: %lld by init, %lld by slice\n", static_cast<long long>(PyLong_Value(a)),
              static_cast<long long>(PyLong_Value(b)));
  for (const auto& [name, counts] : {std::pair{"init", init}, std::pair{"slice", slice}}) {
    std::printf("%s: lookups %llu, generic_calls %llu, stores %llu\n", name,
                static_cast<unsigned long long>(counts[Counter::kLookups]),
                static_cast<unsigned long long>(counts[Counter::kGenericCalls]),
                static_cast<unsigned long long>(counts[Counter::kStores]));
  }
#if CONSUMER_HAS_OWN_CORE
  std::printf("own core: %s\n", consumer::kOwnCore);
#endif
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(all);
  Py_DECREF(by_slice);
  Py_DECREF(by_init);
  Py_DECREF(source);
  return 0;
}
