// Calling a Python-level function: _PyFunction_Vectorcall, the frame pushed per call, and the
// evaluation loop (CPython: Objects/call.c, Python/ceval.c, Objects/classobject.c).
//
//   _PyFunction_Vectorcall --(eval on, frame_object off: 3.11+)--> _PyEval_Vector: a _PyInterpreterFrame
//                          bumped on the thread's data stack, the loop, _PyFrame_Clear, pop
//                          --(eval on, frame_object on: 3.6)--> _PyFunction_FastCall: a PyFrameObject (the
//                          code's zombie frame), the loop, Py_DECREF(frame) parks it back
//                          --(eval off)--> the code's compiled body (co_compiled): the same object
//                          operations without frame or opcode dispatch
// The loop (_PyEval_EvalFrameDefault) is one switch over core/opcodes.def: the instructions of a body such
// as `Base.__setitem__(self, i, v)`, in their generic (unspecialized) forms. Its work is the `eval` layer;
// the frame object of 3.6 is the `frame_object` layer (docs/why.md, docs/layers.md).
#ifndef DISPATCHLAB_DISPATCH_CEVAL_H_
#define DISPATCHLAB_DISPATCH_CEVAL_H_

#include "core/code.h"
#include "core/function.h"
#include "core/object.h"

namespace dispatchlab {

// The vector entry of every function: checks the argument count (TypeError "<qualname>() takes N
// positional arguments but M were given"; keywords are not supported: TypeError), counts a Python-level
// call, and runs the body as the layers say. New reference or nullptr with an error.
Object* _PyFunction_Vectorcall(Object* func, Object* const* stack, size_t nargsf, Object* kwnames);

// The vector entry of a bound method: calls im_func with im_self prepended, in the slot in front of
// args when the caller offered it (PY_VECTORCALL_ARGUMENTS_OFFSET), else on a small copy.
Object* method_vectorcall(Object* method, Object* const* args, size_t nargsf, Object* kwnames);

namespace layers::eval {
// _PyEval_EvalFrameDefault's loop over `code`, with `localsplus` holding the locals then the value stack.
// Returns the value of RETURN_VALUE (new reference), or nullptr with the error, the stack emptied.
Object* _PyEval_EvalFrameDefault(PyCodeObject* code, TypeDict* globals, Object** localsplus);
// _PyEval_Vector (3.11): the frame on the data stack around the loop.
Object* _PyEval_Vector(PyFunctionObject* func, Object* const* args, Py_ssize_t argcount);
}  // namespace layers::eval

namespace layers::frame_object {
// _PyFunction_FastCall (3.6): a frame object around the loop.
Object* _PyFunction_FastCall(PyFunctionObject* func, Object* const* args, Py_ssize_t nargs);
}  // namespace layers::frame_object

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_CEVAL_H_
