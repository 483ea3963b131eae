// PySequence_Tuple as CPython's Objects/abstract.c has it: an exact list through PyList_AsTuple, any other
// iterable through its iterator (numpy's array_iter -> the sequence iterator -> PyIter_Next), the size
// guessed by PyObject_LengthHint and corrected by _PyTuple_Resize.
#include <cstdint>
#include <vector>

#include "core/counters.h"
#include "core/iterobject.h"
#include "core/list.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "core/tuple.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;
using testing::TakeError;

// An iterable with sq_item, a sequence iterator for tp_iter, and no sq_length (so no length hint):
// items 0, 1, 4, 9, ... below g_items.
Py_ssize_t g_items = 0;
Object* squares_item(Object* /*self*/, Py_ssize_t i) {
  if (i >= g_items) {
    PyErr_SetString(ExcKind::kIndexError, "squares index out of range");
    return nullptr;
  }
  return PyLong_FromSsize_t(i * i);
}
TypeObject g_squares_type;
PySequenceMethods g_squares_as_sequence;
Object g_squares;

Object* Squares(Py_ssize_t items) {
  if (g_squares_type.tp_as_sequence == nullptr) {
    InitStaticType(&g_squares_type, "squares", &PyBaseObject_Type, sizeof(Object), 0);
    g_squares_as_sequence.sq_item = squares_item;
    g_squares_type.tp_as_sequence = &g_squares_as_sequence;
    g_squares_type.tp_iter = PySeqIter_New;
    InitStaticObject(&g_squares, &g_squares_type);
  }
  g_items = items;
  return &g_squares;
}

std::vector<int64_t> Values(Object* tuple) {
  std::vector<int64_t> out;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); ++i)
    out.push_back(PyLong_Value(PyTuple_GET_ITEM(tuple, i)));
  return out;
}

TEST_CASE("PySequence_Tuple copies an exact list in one pass, with no slot call per item (PyList_AsTuple)") {
  RuntimeScope scope;
  Object* list = PyList_New(3);
  for (Py_ssize_t i = 0; i < 3; ++i) PyList_SET_ITEM(list, i, PyLong_FromSsize_t(1000 + i));
  const Py_ssize_t refcnt_before = PyList_GET_ITEM(list, 1)->ob_refcnt;
  const Counts before = SnapshotCounts();
  Object* tuple = PySequence_Tuple(list);
  const Counts delta = SnapshotCounts() - before;
  REQUIRE(tuple != nullptr);
  CHECK(Values(tuple) == std::vector<int64_t>{1000, 1001, 1002});
  CHECK(PyTuple_GET_ITEM(tuple, 1) == PyList_GET_ITEM(list, 1));  // the same objects, a new reference each
  CHECK(PyList_GET_ITEM(list, 1)->ob_refcnt == refcnt_before + 1);
  CHECK(delta[Counter::kSlotCalls] == 0);
  CHECK(delta[Counter::kIncrefs] == 3);
  Py_DECREF(tuple);
  Py_DECREF(list);
}

TEST_CASE("PySequence_Tuple reads a numpy array through array_iter's sequence iterator, n + 1 reads") {
  RuntimeScope scope;
  Object* array = NdArrayFromValues({7, -3, 1000});
  REQUIRE(array != nullptr);
  const Counts before = SnapshotCounts();
  Object* tuple = PySequence_Tuple(array);
  const Counts delta = SnapshotCounts() - before;
  REQUIRE(tuple != nullptr);
  REQUIRE(PyTuple_GET_SIZE(tuple) == 3);
  CHECK(PyInt64Scalar_Check(PyTuple_GET_ITEM(tuple, 0)));
  CHECK(reinterpret_cast<Int64ScalarObject*>(PyTuple_GET_ITEM(tuple, 2))->value == 1000);
  // tp_iter once; tp_iternext and sq_item for each of the 3 items and for the read past the end, whose
  // IndexError ends the iteration and is cleared.
  CHECK(delta[Counter::kSlotCalls] == 1 + 4 + 4);
  CHECK(delta[Counter::kScalars] == 3);
  CHECK(delta[Counter::kTuples] == 1);
  CHECK(delta[Counter::kObjects] == 1 + 1 + 3);  // the iterator, the tuple, the scalars
  CHECK_FALSE(PyErr_Occurred());
  Py_DECREF(tuple);
  Py_DECREF(array);
}

TEST_CASE("without a length, PySequence_Tuple guesses 10 and grows and cuts back with _PyTuple_Resize") {
  RuntimeScope scope;
  SECTION("more items than the guess: 10 -> 25 -> 43, cut back to 30") {
    Object* tuple = PySequence_Tuple(Squares(30));
    REQUIRE(tuple != nullptr);
    REQUIRE(PyTuple_GET_SIZE(tuple) == 30);
    CHECK(PyLong_Value(PyTuple_GET_ITEM(tuple, 29)) == 29 * 29);
    Py_DECREF(tuple);
  }
  SECTION("fewer items than the guess: cut back to 3") {
    Object* tuple = PySequence_Tuple(Squares(3));
    REQUIRE(tuple != nullptr);
    CHECK(Values(tuple) == std::vector<int64_t>{0, 1, 4});
    Py_DECREF(tuple);
  }
  SECTION("no items: the empty tuple") {
    Object* tuple = PySequence_Tuple(Squares(0));
    REQUIRE(tuple != nullptr);
    CHECK(PyTuple_GET_SIZE(tuple) == 0);
    Py_DECREF(tuple);
  }
}

TEST_CASE("PySequence_Tuple of an object that is not iterable is CPython's TypeError") {
  RuntimeScope scope;
  Object* number = PyLong_FromSsize_t(5);
  CHECK(PySequence_Tuple(number) == nullptr);
  CHECK(TakeError() == "TypeError: 'int' object is not iterable");
  Py_DECREF(number);
}

TEST_CASE("_PyTuple_Resize keeps the items it keeps, releases the rest, and refuses a shared tuple") {
  RuntimeScope scope;
  Object* tuple = PyTuple_New(3);
  for (Py_ssize_t i = 0; i < 3; ++i) PyTuple_SET_ITEM(tuple, i, PyLong_FromSsize_t(500 + i));
  Object* kept = PyTuple_GET_ITEM(tuple, 0);
  REQUIRE(_PyTuple_Resize(&tuple, 5) == 0);
  REQUIRE(PyTuple_GET_SIZE(tuple) == 5);
  CHECK(PyTuple_GET_ITEM(tuple, 0) == kept);
  CHECK(PyTuple_GET_ITEM(tuple, 4) == nullptr);
  REQUIRE(_PyTuple_Resize(&tuple, 1) == 0);
  CHECK(Values(tuple) == std::vector<int64_t>{500});

  Object* shared = Py_NewRef(tuple);
  Object* target = tuple;
  CHECK(_PyTuple_Resize(&target, 4) == -1);
  CHECK(target == nullptr);
  CHECK(TakeError() == "SystemError: bad argument to internal function");
  Py_DECREF(shared);  // _PyTuple_Resize dropped the other reference
}

}  // namespace
}  // namespace dispatchlab
