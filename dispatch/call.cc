#include "dispatch/call.h"

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/tuple.h"

namespace dispatchlab {

namespace {
constexpr int kRecursionLimit = 1000;
int g_recursion_depth = 0;
}  // namespace

int Py_EnterRecursiveCall(const char* where) {
  if (++g_recursion_depth > kRecursionLimit) {
    --g_recursion_depth;
    PyErr_Format(ExcKind::kRecursionError, "maximum recursion depth exceeded%s", where);
    return -1;
  }
  return 0;
}

void Py_LeaveRecursiveCall() { --g_recursion_depth; }

Object* _Py_CheckFunctionResult(Object* callable, Object* result) {
  if (result == nullptr && !PyErr_Occurred()) {
    PyErr_Format(ExcKind::kSystemError, "%s returned NULL without setting an exception",
                 Py_TYPE(callable)->tp_name);
  } else if (result != nullptr && PyErr_Occurred()) {
    Py_DECREF(result);
    PyErr_Format(ExcKind::kSystemError, "%s returned a result with an exception set",
                 Py_TYPE(callable)->tp_name);
    return nullptr;
  }
  return result;
}

namespace layers::call_tuple {

DISPATCHLAB_LAYER_FN Object* _PyObject_MakeTpCall(Object* callable, Object* const* args, Py_ssize_t nargs,
                                                  Object* /*kwnames*/) {
  ternaryfunc call = Py_TYPE(callable)->tp_call;
  if (call == nullptr) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object is not callable", Py_TYPE(callable)->tp_name);
    return nullptr;
  }
  Object* argstuple = PyTuple_FromArray(args, nargs);
  if (argstuple == nullptr) return nullptr;
  Object* result = nullptr;
  if (Py_EnterRecursiveCall(" while calling a Python object") == 0) {
    Count(Counter::kTpCalls);
    result = call(callable, argstuple, nullptr);
    Py_LeaveRecursiveCall();
  }
  Py_DECREF(argstuple);
  return _Py_CheckFunctionResult(callable, result);
}

DISPATCHLAB_LAYER_FN Object* SliceOffSelf(Object* args) {
  return PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
}

}  // namespace layers::call_tuple

namespace layers::call {

DISPATCHLAB_LAYER_FN Object* PyObject_Vectorcall(Object* callable, Object* const* args, size_t nargsf,
                                                 Object* kwnames) {
  Count(Counter::kGenericCalls);
  TypeObject* tp = Py_TYPE(callable);
  if (tp->tp_vectorcall_offset > 0) {
    auto func =
        *reinterpret_cast<vectorcallfunc*>(reinterpret_cast<char*>(callable) + tp->tp_vectorcall_offset);
    if (func != nullptr) return _Py_CheckFunctionResult(callable, func(callable, args, nargsf, kwnames));
  }
  if (!LayerOn(Layer::kCallTuple) && tp->dl_vectorcall_untupled != nullptr) {
    // The untupled entry keeps _PyObject_MakeTpCall's recursion guard (CPython's C vectorcall functions
    // guard too): a call cycle raises RecursionError with the layer on or off.
    if (Py_EnterRecursiveCall(" while calling a Python object") != 0) return nullptr;
    Object* result = tp->dl_vectorcall_untupled(callable, args, nargsf, kwnames);
    Py_LeaveRecursiveCall();
    return _Py_CheckFunctionResult(callable, result);
  }
  return call_tuple::_PyObject_MakeTpCall(callable, args, PyVectorcall_NARGS(nargsf), kwnames);
}

}  // namespace layers::call

Object* PyObject_Call(Object* callable, Object* args, Object* kwargs) {
  Count(Counter::kGenericCalls);
  ternaryfunc call = Py_TYPE(callable)->tp_call;
  if (call == nullptr) {
    PyErr_Format(ExcKind::kTypeError, "'%s' object is not callable", Py_TYPE(callable)->tp_name);
    return nullptr;
  }
  if (Py_EnterRecursiveCall(" while calling a Python object") != 0) return nullptr;
  Count(Counter::kTpCalls);
  Object* result = call(callable, args, kwargs);
  Py_LeaveRecursiveCall();
  return _Py_CheckFunctionResult(callable, result);
}

}  // namespace dispatchlab
