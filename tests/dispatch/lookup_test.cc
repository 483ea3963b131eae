// Method lookup: the MRO walk, the version-tagged method cache and its invalidation, the inline cache.
#include "dispatch/lookup.h"

#include "core/long.h"
#include "core/type.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/slots.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;

TEST_CASE("a first lookup misses the cache and walks the MRO, the next one hits") {
  RuntimeScope scope;
  PyType_ClearCache();
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 11);
  Counts before = SnapshotCounts();
  Object* first = _PyType_Lookup(type, Id().__setitem__);
  Counts after = SnapshotCounts() - before;
  REQUIRE(first != nullptr);
  CHECK(after[Counter::kCacheMisses] == 1);
  CHECK(after[Counter::kDictProbes] == 2);  // the subtype misses, _ctypes.Array has it
  before = SnapshotCounts();
  Object* second = _PyType_Lookup(type, Id().__setitem__);
  after = SnapshotCounts() - before;
  CHECK(second == first);
  CHECK(after[Counter::kCacheHits] == 1);
  CHECK(after[Counter::kDictProbes] == 0);
}

TEST_CASE("changing a base's dictionary invalidates its subtypes' cache entries") {
  RuntimeScope scope;
  TypeObject* base = PyCArrayType_from_ctype(&c_int_Type, 12);
  TypeObject* sub = TypeNew("Sub12", base, &PyCArrayType_Type, kCtypesModuleDef);
  StrObject* name = Intern("answer");
  CHECK(_PyType_Lookup(sub, name) == nullptr);
  const uint32_t tag = sub->tp_version_tag;
  CHECK(tag != 0);
  Object* value = PyLong_FromSsize_t(42);
  TypeDictSet(base, name, value);
  CHECK(sub->tp_version_tag == 0);  // PyType_Modified reached the subclass
  const Counts before = SnapshotCounts();
  CHECK(_PyType_Lookup(sub, name) == value);
  CHECK((SnapshotCounts() - before)[Counter::kCacheMisses] == 1);
  TypeDictSet(base, name, nullptr);
  CHECK(_PyType_Lookup(sub, name) == nullptr);
  Py_DECREF(value);
}

TEST_CASE("with the method_cache layer off every lookup walks the MRO") {
  RuntimeScope scope(RuntimeScope::DefaultLayers().Without(Layer::kMethodCache));
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 13);
  const Counts before = SnapshotCounts();
  for (int i = 0; i < 3; ++i) CHECK(_PyType_Lookup(type, Id().__setitem__) != nullptr);
  const Counts after = SnapshotCounts() - before;
  CHECK(after[Counter::kDictProbes] == 6);
  CHECK(after[Counter::kCacheHits] == 0);
  CHECK(after[Counter::kCacheMisses] == 0);
}

TEST_CASE("with the lookup layer off the call site's inline cache answers until the type changes") {
  RuntimeScope scope(RuntimeScope::DefaultLayers().Without(Layer::kLookup));
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 14);
  Object* array = GenericPyCData_new(type);
  InlineCache cache;
  int unbound = 0;
  Counts before = SnapshotCounts();
  Object* a = LookupMaybeMethod(array, Id().__setitem__, &unbound, &cache);
  Object* b = LookupMaybeMethod(array, Id().__setitem__, &unbound, &cache);
  Counts after = SnapshotCounts() - before;
  CHECK(a == b);
  CHECK(unbound == 1);
  CHECK(after[Counter::kLookups] == 1);
  CHECK(after[Counter::kInlineCacheHits] == 1);
  Py_DECREF(a);
  Py_DECREF(b);
  PyType_Modified(type);  // any dictionary change clears the tag
  before = SnapshotCounts();
  Object* c = LookupMaybeMethod(array, Id().__setitem__, &unbound, &cache);
  after = SnapshotCounts() - before;
  CHECK(after[Counter::kLookups] == 1);
  Py_DECREF(c);
  Py_DECREF(array);
}

TEST_CASE("with method_wrapper on (3.6) the lookup binds a new method-wrapper") {
  RuntimeScope scope(RuntimeScope::DefaultLayers().With(Layer::kMethodWrapper));
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 15);
  Object* array = GenericPyCData_new(type);
  int unbound = 1;
  const Counts before = SnapshotCounts();
  Object* bound = LookupMaybeMethod(array, Id().__setitem__, &unbound, nullptr);
  CHECK(unbound == 0);
  CHECK((SnapshotCounts() - before)[Counter::kMethodWrappers] == 1);
  Py_DECREF(bound);
  Py_DECREF(array);
}

}  // namespace
}  // namespace dispatchlab
