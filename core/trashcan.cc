// The trashcan's functions: CPython 3.11's Objects/object.c (_PyTrash_*); PyThreadState_Get is in
// core/pystate.cc. What they guard and why: core/trashcan.h.
#include "core/trashcan.h"

namespace dispatchlab {

int _PyTrash_cond(Object* op, destructor dealloc) { return Py_TYPE(op)->tp_dealloc == dealloc; }

int _PyTrash_begin(PyThreadState* tstate, Object* op) {
  if (tstate->trash_delete_nesting >= _PyTrash_UNWIND_LEVEL) {
    _PyTrash_thread_deposit_object(op);
    return 1;
  }
  ++tstate->trash_delete_nesting;
  return 0;
}

void _PyTrash_end(PyThreadState* tstate) {
  --tstate->trash_delete_nesting;
  if (tstate->trash_delete_later != nullptr && tstate->trash_delete_nesting <= 0) {
    _PyTrash_thread_destroy_chain();
  }
}

void _PyTrash_thread_deposit_object(Object* op) {
  PyThreadState* tstate = PyThreadState_Get();
  internal::_PyGCHead_SET_PREV(op, tstate->trash_delete_later);
  tstate->trash_delete_later = op;
}

void _PyTrash_thread_destroy_chain() {
  PyThreadState* tstate = PyThreadState_Get();
  // At nesting 1, a deallocation this loop starts deposits at the unwind level instead of entering this
  // function again (CPython's comment: a long list of 49-deep tuples would otherwise recurse here).
  ++tstate->trash_delete_nesting;
  while (tstate->trash_delete_later != nullptr) {
    Object* op = tstate->trash_delete_later;
    destructor dealloc = Py_TYPE(op)->tp_dealloc;
    tstate->trash_delete_later = internal::_PyGCHead_PREV(op);
    dealloc(op);
  }
  --tstate->trash_delete_nesting;
}

}  // namespace dispatchlab
