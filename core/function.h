// Python-level functions and bound methods (CPython: Include/cpython/funcobject.h, Objects/funcobject.c,
// Objects/classobject.c).
//
// A function holds its code object and the module globals it runs in. Its type has
// Py_TPFLAGS_METHOD_DESCRIPTOR (3.8+): a slot trampoline calls it unbound with self in args[0]; 3.6 binds
// it into a bound-method object on every call instead (the `method_wrapper` layer's counterpart for a
// Python function: func_descr_get -> PyMethod_New). Both carry a vector entry; what it points to
// (_PyFunction_Vectorcall, method_vectorcall) runs the evaluation loop, which lives in dispatch/ (core
// knows nothing of it: dispatch's start-up installs the two entries, SetFunctionVectorcalls).
#ifndef DISPATCHLAB_CORE_FUNCTION_H_
#define DISPATCHLAB_CORE_FUNCTION_H_

#include "core/object.h"
#include "core/str.h"

namespace dispatchlab {

struct PyFunctionObject {
  Object ob_base;
  Object* func_code;       // owned PyCodeObject
  TypeDict* func_globals;  // the module's dictionary (borrowed: modules outlive their functions)
  StrObject* func_qualname;
  vectorcallfunc vectorcall;
};

struct PyMethodObject {
  Object ob_base;
  Object* im_func;  // owned
  Object* im_self;  // owned
  vectorcallfunc vectorcall;
};

extern TypeObject PyFunction_Type;
extern TypeObject PyMethod_Type;

inline bool PyFunction_Check(const Object* o) { return Py_TYPE(o) == &PyFunction_Type; }
inline PyFunctionObject* AsFunction(Object* o) { return reinterpret_cast<PyFunctionObject*>(o); }
inline PyMethodObject* AsMethod(Object* o) { return reinterpret_cast<PyMethodObject*>(o); }

// A new function (new reference) running `code` in `globals`. nullptr with MemoryError.
Object* PyFunction_New(Object* code, TypeDict* globals, StrObject* qualname);
// A new bound method (new reference): calling it calls func with self prepended.
Object* PyMethod_New(Object* func, Object* self);

// Installs the vector entries of new functions and bound methods (dispatch/ceval.h).
void SetFunctionVectorcalls(vectorcallfunc function, vectorcallfunc method);

void InitFunctionTypes();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_FUNCTION_H_
