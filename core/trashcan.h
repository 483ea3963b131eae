// The trashcan (CPython 3.11: Include/cpython/object.h's Py_TRASHCAN_BEGIN / Py_TRASHCAN_END,
// Objects/object.c): how a container's tp_dealloc keeps a long chain of deallocations off the C stack.
//
// Deallocating a container drops its items' references, which may deallocate a container, and so on: a
// tuple nested a million deep would recurse a million frames. Each guarded tp_dealloc counts how deeply
// deallocations nest on this thread; at _PyTrash_UNWIND_LEVEL it does not run its body but deposits the
// object on the thread's trash list, and the outermost guarded deallocation, back at depth 0, empties the
// list (_PyTrash_thread_destroy_chain). The guard is 3.11's, call for call: `_PyTrash_cond` (is this the
// type's own tp_dealloc, not a subclass's?), `PyThreadState_Get`, `_PyTrash_begin`, then the body, then
// `_PyTrash_end`; CPython's are exported functions of object.c and pystate.c, called out of line from
// tupledealloc, as the model's are from core/tuple.cc. 3.6's guard is the same count as an inline macro,
// 3.13's tests the thread's C recursion budget instead (docs/faithfulness.md, "The trashcan and
// wrapperdescr_call's subclass test").
#ifndef DISPATCHLAB_CORE_TRASHCAN_H_
#define DISPATCHLAB_CORE_TRASHCAN_H_

#include "core/object.h"
#include "core/pystate.h"

namespace dispatchlab {

// _PyTrash_UNWIND_LEVEL (3.11: Objects/object.c): the nesting at which deallocation is deferred.
inline constexpr int _PyTrash_UNWIND_LEVEL = 50;

// _PyTrash_cond: whether `op`'s type deallocates with `dealloc` itself (a subclass's tp_dealloc has its own
// guard, bpo-35983).
int _PyTrash_cond(Object* op, destructor dealloc);
// _PyTrash_begin: 1 when `op` was deposited for later (the caller skips its body), else 0 after counting
// one more level of nesting.
int _PyTrash_begin(PyThreadState* tstate, Object* op);
// _PyTrash_end: one level less; back at the outermost level, deallocates what was deposited.
void _PyTrash_end(PyThreadState* tstate);
// _PyTrash_thread_deposit_object: chains an untracked container on the thread's trash list through its GC
// header (CPython: _PyGCHead_SET_PREV). This and the next are static in 3.11's object.c; the model's are
// exported for the tests.
void _PyTrash_thread_deposit_object(Object* op);
// _PyTrash_thread_destroy_chain: runs the tp_dealloc of every deposited object, at nesting 1 so that the
// deallocations it starts deposit rather than recurse into it.
void _PyTrash_thread_destroy_chain();

// Py_TRASHCAN_BEGIN(op, dealloc) ... Py_TRASHCAN_END around `body`, a tp_dealloc's work on `op`.
template <typename Body>
inline void Py_TRASHCAN(Object* op, destructor dealloc, Body&& body) {
  PyThreadState* tstate = nullptr;
  if (_PyTrash_cond(op, dealloc)) {
    tstate = PyThreadState_Get();
    if (_PyTrash_begin(tstate, op)) return;
  }
  body();
  if (tstate != nullptr) _PyTrash_end(tstate);
}

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_TRASHCAN_H_
