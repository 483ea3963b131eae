// The trashcan: deep chains of container deallocations are deferred, not recursed (core/trashcan.h).
#include "core/trashcan.h"

#include "core/list.h"
#include "core/long.h"
#include "core/tuple.h"
#include "dispatch/abstract.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;
using testing::TakeError;

// A 1-tuple (odd levels: a 1-list) holding the level below, `depth` levels over a boxed int.
Object* NestedContainers(int depth) {
  Object* inner = PyLong_FromSsize_t(1000);
  for (int level = 0; level < depth; ++level) {
    Object* outer = level % 2 == 0 ? PyTuple_New(1) : PyList_New(1);
    if (outer == nullptr) FAIL("out of memory at level " << level);
    if (level % 2 == 0) {
      PyTuple_SET_ITEM(outer, 0, inner);
    } else {
      PyList_SET_ITEM(outer, 0, inner);
    }
    inner = outer;
  }
  return inner;
}

TEST_CASE("a container nested 200000 deep is deallocated in bounded stack depth") {
  RuntimeScope scope;
  // Without the trashcan, tupledealloc and list_dealloc recurse 200000 deep and overflow the 8 MiB default
  // stack (this test then dies of SIGSEGV); with it no chain of deallocations nests more than 50 deep.
  Object* nest = NestedContainers(200000);
  const Py_ssize_t tuples = PyTuple_Type.live_instances;
  const Py_ssize_t lists = PyList_Type.live_instances;
  const Py_ssize_t ints = PyLong_Type.live_instances;
  CHECK(tuples >= 100000);
  CHECK(lists >= 100000);
  Py_DECREF(nest);
  CHECK(PyTuple_Type.live_instances == tuples - 100000);
  CHECK(PyList_Type.live_instances == lists - 100000);
  CHECK(PyLong_Type.live_instances == ints - 1);  // the int at the bottom
  const PyThreadState* tstate = PyThreadState_Get();
  CHECK(tstate->trash_delete_nesting == 0);
  CHECK(tstate->trash_delete_later == nullptr);
}

TEST_CASE("at the unwind level a tuple is deposited, and freed when the outermost level ends") {
  RuntimeScope scope;
  PyThreadState* tstate = PyThreadState_Get();
  Object* tuple = PyTuple_New(1);
  PyTuple_SET_ITEM(tuple, 0, PyLong_FromSsize_t(1000));
  const Py_ssize_t tuples = PyTuple_Type.live_instances;
  const Py_ssize_t ints = PyLong_Type.live_instances;

  tstate->trash_delete_nesting = _PyTrash_UNWIND_LEVEL;  // as if 50 guarded deallocations were running
  Py_DECREF(tuple);
  CHECK(tstate->trash_delete_later == tuple);  // deposited: its body has not run
  CHECK(PyTuple_Type.live_instances == tuples);
  CHECK(PyLong_Type.live_instances == ints);

  tstate->trash_delete_nesting = 1;  // the outermost guarded deallocation ends
  _PyTrash_end(tstate);
  CHECK(tstate->trash_delete_nesting == 0);
  CHECK(tstate->trash_delete_later == nullptr);
  CHECK(PyTuple_Type.live_instances == tuples - 1);
  CHECK(PyLong_Type.live_instances == ints - 1);
}

TEST_CASE("objects deposited at the unwind level are chained newest first and all freed at the end") {
  RuntimeScope scope;
  PyThreadState* tstate = PyThreadState_Get();
  Object* tuples[3];
  for (Object*& t : tuples) {
    t = PyTuple_New(1);
    PyTuple_SET_ITEM(t, 0, Py_NewRef(Py_None));
  }
  const Py_ssize_t live = PyTuple_Type.live_instances;
  tstate->trash_delete_nesting = _PyTrash_UNWIND_LEVEL;
  for (Object* t : tuples) Py_DECREF(t);
  CHECK(tstate->trash_delete_later == tuples[2]);
  CHECK(internal::_PyGCHead_PREV(tuples[2]) == tuples[1]);
  CHECK(internal::_PyGCHead_PREV(tuples[1]) == tuples[0]);
  CHECK(internal::_PyGCHead_PREV(tuples[0]) == nullptr);
  CHECK(PyTuple_Type.live_instances == live);

  tstate->trash_delete_nesting = 1;
  _PyTrash_end(tstate);
  CHECK(tstate->trash_delete_nesting == 0);
  CHECK(tstate->trash_delete_later == nullptr);
  CHECK(PyTuple_Type.live_instances == live - 3);
}

TEST_CASE("_PyTrash_cond compares the object's tp_dealloc with the guarded one") {
  RuntimeScope scope;
  Object* tuple = PyTuple_New(1);
  PyTuple_SET_ITEM(tuple, 0, Py_NewRef(Py_None));
  CHECK(_PyTrash_cond(tuple, PyTuple_Type.tp_dealloc) == 1);
  CHECK(_PyTrash_cond(tuple, PyList_Type.tp_dealloc) == 0);
  Py_DECREF(tuple);
}

TEST_CASE("_PyObject_RealIsSubclass: a subtype, an unrelated type, and a non-type") {
  RuntimeScope scope;
  CHECK(_PyObject_RealIsSubclass(AsObject(&PyLong_Type), AsObject(&PyBaseObject_Type)) == 1);
  CHECK(_PyObject_RealIsSubclass(AsObject(&PyTuple_Type), AsObject(&PyTuple_Type)) == 1);
  CHECK(_PyObject_RealIsSubclass(AsObject(&PyTuple_Type), AsObject(&PyList_Type)) == 0);
  CHECK_FALSE(PyErr_Occurred());
  CHECK(_PyObject_RealIsSubclass(Py_None, AsObject(&PyTuple_Type)) == -1);
  CHECK(TakeError() == "TypeError: issubclass() arg 1 must be a class");
  CHECK(_PyObject_RealIsSubclass(AsObject(&PyTuple_Type), Py_None) == -1);
  CHECK(TakeError() == "TypeError: issubclass() arg 2 must be a class, a tuple of classes, or a union");
}

}  // namespace
}  // namespace dispatchlab
