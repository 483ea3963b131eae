// The generic call protocol (CPython: Objects/call.c, Include/cpython/abstract.h).
//
// A call first tries the callee's vector entry; a callee without one (a wrapper descriptor, a
// method-wrapper) gets its arguments packed into a tuple and is called through tp_call
// (_PyObject_MakeTpCall) -- the `call_tuple` layer. With that layer off, callees that dispatchlab gives
// an untupled vector entry (TypeObject::dl_vectorcall_untupled) receive the vector instead.
#ifndef DISPATCHLAB_DISPATCH_CALL_H_
#define DISPATCHLAB_DISPATCH_CALL_H_

#include "core/object.h"

namespace dispatchlab {

namespace layers::call {
// _PyObject_VectorcallTstate: the generic entry. Counted as a generic call.
Object* PyObject_Vectorcall(Object* callable, Object* const* args, size_t nargsf, Object* kwnames);
}  // namespace layers::call
using layers::call::PyObject_Vectorcall;

namespace layers::call_tuple {
// _PyObject_MakeTpCall: packs args into a tuple, guards recursion, calls tp_call.
Object* _PyObject_MakeTpCall(Object* callable, Object* const* args, Py_ssize_t nargs, Object* kwnames);
// The second tuple of wrapperdescr_call: args without self (PyTuple_GetSlice(args, 1, n)).
Object* SliceOffSelf(Object* args);
}  // namespace layers::call_tuple

// PyObject_Call: calls with a ready tuple (and no keywords in dispatchlab). Counted as a generic call.
Object* PyObject_Call(Object* callable, Object* args, Object* kwargs);

// The recursion guard of every C-level call (Py_EnterRecursiveCall): -1 with RecursionError
// "maximum recursion depth exceeded<where>" past 1000 levels.
int Py_EnterRecursiveCall(const char* where);
void Py_LeaveRecursiveCall();
// _Py_CheckFunctionResult: a null result must come with an error set, a non-null one without.
Object* _Py_CheckFunctionResult(Object* callable, Object* result);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_CALL_H_
