#include "core/function.h"

#include <cstddef>
#include <vector>

#include "core/errors.h"
#include "core/tuple.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyFunction_Type;
TypeObject PyMethod_Type;

namespace {

vectorcallfunc g_function_vectorcall = nullptr;
vectorcallfunc g_method_vectorcall = nullptr;

void func_dealloc(Object* o) {
  Py_DECREF(AsFunction(o)->func_code);
  FreeObject(o);
}

void method_dealloc(Object* o) {
  Py_DECREF(AsMethod(o)->im_func);
  Py_DECREF(AsMethod(o)->im_self);
  FreeObject(o);
}

// func_descr_get: `obj.f` binds; `Class.f` (obj null or None) is the function itself.
Object* func_descr_get(Object* func, Object* obj, Object* /*type*/) {
  if (obj == nullptr || obj == Py_None) return Py_NewRef(func);
  return PyMethod_New(func, obj);
}

// PyVectorcall_Call: tp_call of a type with a vector entry, for callers that hold a tuple.
Object* vectorcall_call(Object* callable, Object* args, Object* /*kwargs*/) {
  const Py_ssize_t offset = Py_TYPE(callable)->tp_vectorcall_offset;
  vectorcallfunc func = *reinterpret_cast<vectorcallfunc*>(reinterpret_cast<char*>(callable) + offset);
  if (func == nullptr) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object does not support vectorcall", Py_TYPE(callable)->tp_name);
    return nullptr;
  }
  return func(callable, AsTuple(args)->ob_item, static_cast<size_t>(PyTuple_GET_SIZE(args)), nullptr);
}

}  // namespace

Object* PyFunction_New(Object* code, TypeDict* globals, StrObject* qualname) {
  Object* o = AllocObject(&PyFunction_Type, sizeof(PyFunctionObject));
  if (o == nullptr) return nullptr;
  PyFunctionObject* f = AsFunction(o);
  f->func_code = Py_NewRef(code);
  f->func_globals = globals;
  f->func_qualname = qualname;
  f->vectorcall = g_function_vectorcall;
  return o;
}

Object* PyMethod_New(Object* func, Object* self) {
  Object* o = AllocObject(&PyMethod_Type, sizeof(PyMethodObject));
  if (o == nullptr) return nullptr;
  PyMethodObject* m = AsMethod(o);
  m->im_func = Py_NewRef(func);
  m->im_self = Py_NewRef(self);
  m->vectorcall = g_method_vectorcall;
  return o;
}

void SetFunctionVectorcalls(vectorcallfunc function, vectorcallfunc method) {
  g_function_vectorcall = function;
  g_method_vectorcall = method;
}

void InitFunctionTypes() {
  InitStaticType(&PyFunction_Type, "function", &PyBaseObject_Type, sizeof(PyFunctionObject),
                 Py_TPFLAGS_METHOD_DESCRIPTOR);
  PyFunction_Type.tp_dealloc = func_dealloc;
  PyFunction_Type.tp_descr_get = func_descr_get;
  PyFunction_Type.tp_call = vectorcall_call;
  PyFunction_Type.tp_vectorcall_offset = offsetof(PyFunctionObject, vectorcall);
  InitStaticType(&PyMethod_Type, "method", &PyBaseObject_Type, sizeof(PyMethodObject), 0);
  PyMethod_Type.tp_dealloc = method_dealloc;
  PyMethod_Type.tp_call = vectorcall_call;
  PyMethod_Type.tp_vectorcall_offset = offsetof(PyMethodObject, vectorcall);
}

}  // namespace dispatchlab
