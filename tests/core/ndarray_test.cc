// numpy's element read (array_item -> get_item_pointer -> PyArray_Scalar -> scalar_value) and the int
// half of PyLong_AsUnsignedLongMask, as core/ndarray.cc and core/long.cc model them.
#include "core/ndarray.h"

#include <cstdint>
#include <string>

#include "core/counters.h"
#include "core/errors.h"
#include "core/long.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;

int64_t ScalarValue(Object* o) { return reinterpret_cast<Int64ScalarObject*>(o)->value; }

TEST_CASE("array_item reads through dimensions and strides into a new numpy.int64 per call") {
  RuntimeScope scope;
  Object* a = NdArrayFromValues({7, -3, 1000});
  REQUIRE(a != nullptr);
  NdArrayObject* arr = AsNdArray(a);
  CHECK(arr->nd == 1);
  CHECK(arr->dimensions[0] == 3);
  CHECK(arr->strides[0] == 8);
  auto sq_item = Py_TYPE(a)->tp_as_sequence->sq_item;
  const Counts before = SnapshotCounts();
  Object* first = sq_item(a, 0);
  Object* again = sq_item(a, 0);
  REQUIRE(first != nullptr);
  REQUIRE(again != nullptr);
  CHECK(first != again);
  CHECK(PyInt64Scalar_Check(first));
  CHECK(ScalarValue(first) == 7);
  Object* last = sq_item(a, 2);
  REQUIRE(last != nullptr);
  CHECK(ScalarValue(last) == 1000);
  const Counts after = SnapshotCounts() - before;
  CHECK(after[Counter::kScalars] == 3);
  Py_DECREF(first);
  Py_DECREF(again);
  Py_DECREF(last);
  Py_DECREF(a);
}

TEST_CASE("an int32 array's element widens into the int64 scalar through its strides") {
  RuntimeScope scope;
  Object* a = NdArrayFromValues({5, -2});
  REQUIRE(a != nullptr);
  Object* b = NdArrayAsType(a, DType::kInt32);
  REQUIRE(b != nullptr);
  CHECK(AsNdArray(b)->strides[0] == 4);
  Object* s = Py_TYPE(b)->tp_as_sequence->sq_item(b, 1);
  REQUIRE(s != nullptr);
  CHECK(ScalarValue(s) == -2);
  Py_DECREF(s);
  Py_DECREF(b);
  Py_DECREF(a);
}

TEST_CASE("get_item_pointer's bounds check names the index given and the axis") {
  RuntimeScope scope;
  Object* a = NdArrayFromValues({1, 2, 3});
  REQUIRE(a != nullptr);
  CHECK(Py_TYPE(a)->tp_as_sequence->sq_item(a, 3) == nullptr);
  REQUIRE(PyErr_ExceptionMatches(ExcKind::kIndexError));
  CHECK(std::string(FetchErrorAsStatus().message()) ==
        "IndexError: index 3 is out of bounds for axis 0 with size 3");
  // PySequence_GetItem wraps -4 to -1 before the slot; array_item undoes it, as numpy does.
  CHECK(Py_TYPE(a)->tp_as_sequence->sq_item(a, -1) == nullptr);
  REQUIRE(PyErr_ExceptionMatches(ExcKind::kIndexError));
  CHECK(std::string(FetchErrorAsStatus().message()) ==
        "IndexError: index -4 is out of bounds for axis 0 with size 3");
  Py_DECREF(a);
}

TEST_CASE("PyLong_AsUnsignedLongMask masks an int to 64 bits and rejects null as CPython does") {
  RuntimeScope scope;
  Object* minus_one = PyLong_FromSsize_t(-1);
  Object* big = PyLong_FromSsize_t(int64_t{1} << 40);
  CHECK(PyLong_AsUnsignedLongMask(minus_one) == UINT64_MAX);
  CHECK(_PyLong_AsUnsignedLongMask(big) == (uint64_t{1} << 40));
  CHECK(!PyErr_Occurred());
  CHECK(PyLong_AsUnsignedLongMask(nullptr) == UINT64_MAX);
  REQUIRE(PyErr_ExceptionMatches(ExcKind::kSystemError));
  CHECK(std::string(FetchErrorAsStatus().message()) == "SystemError: bad argument to internal function");
  Object* a = NdArrayFromValues({1});
  REQUIRE(a != nullptr);
  CHECK(_PyLong_AsUnsignedLongMask(a) == UINT64_MAX);  // not an int: the internal call's check
  REQUIRE(PyErr_ExceptionMatches(ExcKind::kSystemError));
  PyErr_Clear();
  Py_DECREF(a);
  Py_DECREF(minus_one);
  Py_DECREF(big);
}

}  // namespace
}  // namespace dispatchlab
