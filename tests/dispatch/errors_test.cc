// Every error the seed's paths can raise, with CPython's class and message (reference, section 4).
#include "core/float.h"
#include "core/list.h"
#include "core/long.h"
#include "core/memoryview.h"
#include "core/ndarray.h"
#include "core/slice.h"
#include "core/tuple.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/lookup.h"
#include "dispatch/sharedctypes.h"
#include "dispatch/slots.h"
#include "dispatch/typeattr.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;
using testing::TakeError;

Object* IntList(std::initializer_list<int64_t> values) {
  Object* list = PyList_New();
  for (int64_t v : values) {
    Object* item = PyLong_FromSsize_t(v);
    PyList_Append(list, item);
    Py_DECREF(item);
  }
  return list;
}

Object* WholeSlice() { return PySlice_New(nullptr, nullptr, nullptr); }

TEST_CASE("slice assignment of another length: ValueError") {
  RuntimeScope scope;
  Object* array = RawArrayOfSize(&c_int_Type, 3);
  Object* source = IntList({1, 2});
  Object* slice = WholeSlice();
  CHECK(PyObject_SetItem(array, slice, source) == -1);
  CHECK(TakeError() == "ValueError: Can only assign sequence of same size");
  Object* not_a_sequence = PyFloat_FromDouble(1.5);
  CHECK(PyObject_SetItem(array, slice, not_a_sequence) == -1);
  CHECK(TakeError() == "ValueError: Can only assign sequence of same size");
  Py_DECREF(not_a_sequence);
  Py_DECREF(slice);
  Py_DECREF(source);
  Py_DECREF(array);
}

TEST_CASE("a non-integer value: TypeError cannot be interpreted as an integer, on every path") {
  for (LayerSet layers : {RuntimeScope::DefaultLayers(), LayerSet::None(), LayerSet::All()}) {
    RuntimeScope scope(layers);
    Object* array = RawArrayOfSize(&c_int_Type, 3);
    Object* value = PyFloat_FromDouble(1.5);
    CHECK(PySequence_SetItem(array, 0, value) == -1);
    CHECK(TakeError() == "TypeError: 'float' object cannot be interpreted as an integer");
    CHECK(PySequence_SetItem(array, 0, Py_None) == -1);
    CHECK(TakeError() == "TypeError: 'NoneType' object cannot be interpreted as an integer");
    Py_DECREF(value);
    Py_DECREF(array);
  }
}

TEST_CASE("an index out of range: IndexError invalid index; negative indices count from the end") {
  RuntimeScope scope;
  Object* array = RawArrayOfSize(&c_int_Type, 3);
  Object* seven = PyLong_FromSsize_t(7);
  CHECK(PySequence_SetItem(array, 3, seven) == -1);
  CHECK(TakeError() == "IndexError: invalid index");
  CHECK(PySequence_SetItem(array, -7, seven) == -1);
  CHECK(TakeError() == "IndexError: invalid index");
  CHECK(PySequence_SetItem(array, -1, seven) == 0);
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[2] == 7);
  // CPython's quirk, reproduced: PySequence_SetItem fixes -4 up to -1, then the trampoline hands -1 to
  // the mapping __setitem__, which fixes it up again: the store lands on the last element.
  Object* eight = PyLong_FromSsize_t(8);
  CHECK(PySequence_SetItem(array, -4, eight) == 0);
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[2] == 8);
  Py_DECREF(eight);
  Py_DECREF(seven);
  Py_DECREF(array);
}

TEST_CASE("too many initializers: IndexError invalid index after the first n are stored") {
  RuntimeScope scope;
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 2);
  Object* array = GenericPyCData_new(type);
  Object* list = IntList({5, 6, 7});
  Object* args = PySequence_Tuple(list);
  CHECK(Array_init(array, args, nullptr) == -1);
  CHECK(TakeError() == "IndexError: invalid index");
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[0] == 5);
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[1] == 6);
  CHECK(Array_init(array, list, nullptr) == -1);
  CHECK(TakeError() == "TypeError: args not a tuple?");
  Py_DECREF(args);
  Py_DECREF(list);
  Py_DECREF(array);
}

TEST_CASE("deletion and bad keys") {
  RuntimeScope scope;
  Object* array = RawArrayOfSize(&c_int_Type, 3);
  Object* zero = PyLong_FromSsize_t(0);
  CHECK(PyObject_SetItem(array, zero, nullptr) == -1);
  CHECK(TakeError() == "TypeError: Array does not support item deletion");
  CHECK(PySequence_SetItem(array, 0, nullptr) == -1);  // through the trampoline's __delitem__
  CHECK(TakeError() == "TypeError: Array does not support item deletion");
  Object* key = PyFloat_FromDouble(0.0);
  CHECK(PyObject_SetItem(array, key, zero) == -1);
  CHECK(TakeError() == "TypeError: indices must be integer");
  CHECK(PyObject_GetItem(array, key) == nullptr);
  CHECK(TakeError() == "TypeError: indices must be integers");
  Py_DECREF(key);
  Py_DECREF(zero);
  Py_DECREF(array);
}

TEST_CASE("array types reject negative lengths and sizes that overflow") {
  RuntimeScope scope;
  CHECK(PyCArrayType_from_ctype(&c_int_Type, -1) == nullptr);
  CHECK(TakeError() == "ValueError: Array length must be >= 0, not -1");
  CHECK(PyCArrayType_from_ctype(&c_int64_Type, Py_ssize_t{1} << 61) == nullptr);
  CHECK(TakeError() == "OverflowError: array too large");
}

TEST_CASE("values are masked to the item width, without an overflow error") {
  RuntimeScope scope;
  Object* array = RawArrayOfSize(&c_int_Type, 3);
  Object* big = PyLong_FromSsize_t(int64_t{1} << 40);
  Object* wraps = PyLong_FromSsize_t(int64_t{1} << 31);
  Object* minus = PyLong_FromSsize_t(-1);
  CHECK(PySequence_SetItem(array, 0, big) == 0);
  CHECK(PySequence_SetItem(array, 1, wraps) == 0);
  CHECK(PySequence_SetItem(array, 2, minus) == 0);
  const int32_t* data = reinterpret_cast<int32_t*>(AsCData(array)->b_ptr);
  CHECK(data[0] == 0);
  CHECK(data[1] == INT32_MIN);
  CHECK(data[2] == -1);
  Py_DECREF(big);
  Py_DECREF(wraps);
  Py_DECREF(minus);
  Py_DECREF(array);
}

TEST_CASE("memoryview of a ctypes array: the explicit-endian format gate and the cast route") {
  RuntimeScope scope;
  Object* array = RawArrayOfSize(&c_int_Type, 4);
  Object* int64s = NdArrayFromValues({1, 2, 3, 4});
  Object* source = NdArrayAsType(int64s, DType::kInt32);
  Object* view = PyMemoryView_FromObject(array);
  Object* slice = WholeSlice();
  CHECK(MemoryView_AssSubscript(view, slice, source) == -1);
  CHECK(TakeError() == "NotImplementedError: memoryview: unsupported format <i");
  Object* bytes = MemoryView_Cast(view, "B");
  Object* ints = MemoryView_Cast(bytes, "i");
  CHECK(MemoryView_AssSubscript(ints, slice, int64s) == -1);
  CHECK(TakeError() == "ValueError: memoryview assignment: lvalue and rvalue have different structures");
  CHECK(MemoryView_AssSubscript(ints, slice, source) == 0);
  CHECK(reinterpret_cast<int32_t*>(AsCData(array)->b_ptr)[3] == 4);
  CHECK(MemoryView_Cast(ints, "l") == nullptr);
  CHECK(TakeError() == "TypeError: memoryview: cannot cast between two non-byte formats");
  Object* list = IntList({1});
  CHECK(MemoryView_AssSubscript(ints, slice, list) == -1);
  CHECK(TakeError() == "TypeError: a bytes-like object is required, not 'list'");
  Object* too_big = PyLong_FromSsize_t(int64_t{1} << 40);
  Object* zero = PyLong_FromSsize_t(0);
  CHECK(MemoryView_AssSubscript(ints, zero, too_big) == -1);
  CHECK(TakeError() == "ValueError: memoryview: invalid value for format 'i'");
  CHECK(MemoryView_AssSubscript(ints, zero, nullptr) == -1);
  CHECK(TakeError() == "TypeError: cannot delete memory");
  for (Object* o : {too_big, zero, list, ints, bytes, slice, view, int64s, source, array}) Py_DECREF(o);
}

TEST_CASE("a __setitem__ that is not callable, or missing, fails cleanly through the trampoline") {
  RuntimeScope scope;
  TypeObject* base = PyCArrayType_from_ctype(&c_int_Type, 3);
  TypeObject* sub = TypeNew("Broken", base, &PyCArrayType_Type, kCtypesModuleDef);
  Object* array = GenericPyCData_new(sub);
  Object* one = PyLong_FromSsize_t(1);
  TypeDictSet(sub, Id().__setitem__, one);
  CHECK(PySequence_SetItem(array, 0, one) == -1);
  CHECK(TakeError() == "TypeError: 'int' object is not callable");
  TypeDictSet(sub, Id().__setitem__, nullptr);
  CHECK(PySequence_SetItem(array, 0, one) == 0);  // back to Array's wrapper
  Py_DECREF(one);
  Py_DECREF(array);
}

// Another type's slot wrapper in an array class (`class A(c_int * 3): __len__ = tuple.__len__`): a call
// through the slot and an attribute read raise different messages, and the release decides which the call
// raises (measured with `len(A())` and `A().__len__` on pyenv's 3.6.15 and 3.11.7). 3.11 calls the
// descriptor unbound: wrapperdescr_call's message. 3.6 binds it first (the method_wrapper layer):
// descr_check's, which reading the attribute raises in every release (3.6 and 3.7 print it without the
// article "a").
TEST_CASE("a foreign slot wrapper: wrapperdescr_call's message on a call, descr_check's on binding") {
  RuntimeScope scope;
  TypeObject* base = PyCArrayType_from_ctype(&c_int_Type, 3);
  TypeObject* sub = TypeNew("A", base, &PyCArrayType_Type, kCtypesModuleDef);
  Object* array = GenericPyCData_new(sub);
  Object* tuple_len = _PyType_Lookup(&PyTuple_Type, Id().__len__);
  REQUIRE(tuple_len != nullptr);
  REQUIRE(type_setattro(sub, Id().__len__, tuple_len) == 0);
  const std::string call_error =
      "TypeError: descriptor '__len__' requires a 'tuple' object but received a 'A'";
  const std::string bind_error =
      "TypeError: descriptor '__len__' for 'tuple' objects doesn't apply to a 'A' object";
  for (const char* name : {"cpython36", "cpython311"}) {
    INFO(name);
    absl::StatusOr<Profile> profile = ProfileFromName(name);
    REQUIRE(profile.ok());
    ScopedLayers layers(profile->layers);
    CHECK(PySequence_Size(array) == -1);
    CHECK(TakeError() == (profile->layers.Has(Layer::kMethodWrapper) ? bind_error : call_error));
    CHECK(PyObject_GetAttr(array, Id().__len__) == nullptr);
    CHECK(TakeError() == bind_error);
  }
  REQUIRE(type_setattro(sub, Id().__len__, nullptr) == 0);
  CHECK(PySequence_Size(array) == 3);  // back to Array's own slot
  Py_DECREF(array);
}

}  // namespace
}  // namespace dispatchlab
