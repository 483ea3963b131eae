#include "dispatch/trampolines.h"

#include <algorithm>
#include <vector>

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/long.h"
#include "core/tuple.h"
#include "dispatch/abstract.h"
#include "dispatch/call.h"
#include "dispatch/descr.h"
#include "dispatch/lookup.h"
#include "dispatch/modsupport.h"

namespace dispatchlab {

namespace layers::index_boxing {
// The boxed half of the trampoline's index: PyLong_FromSsize_t (cached for 0..256, else allocated).
DISPATCHLAB_LAYER_FN Object* BoxIndex(Py_ssize_t index) { return PyLong_FromSsize_t(index); }
}  // namespace layers::index_boxing

Object* IndexObject(Py_ssize_t index) {
  if (LayerOn(Layer::kIndexBoxing) || !FitsTagged(index)) return layers::index_boxing::BoxIndex(index);
  return TagInt(index);
}

namespace {

// wrapperdescr_call's test of self, uncounted: the `call` layer's shortcut may skip the generic protocol
// only for calls that protocol would accept -- a descriptor of another type (a list's __getitem__ stored
// in an array type's dictionary) must still raise "descriptor ... requires a ... object", not run the
// other type's C slot on this object.
bool DescrAcceptsSelf(const WrapperDescrObject* descr, const Object* self) {
  const TypeObject* type = Py_TYPE(self);
  return type == descr->d_type ||
         std::find(type->tp_mro.begin(), type->tp_mro.end(), descr->d_type) != type->tp_mro.end();
}

// vectorcall_unbound: a bound callee does not get self.
Object* VectorcallUnbound(int unbound, Object* func, Object* const* args, Py_ssize_t nargs) {
  size_t nargsf = static_cast<size_t>(nargs);
  if (!unbound) {
    ++args;
    nargsf = static_cast<size_t>(nargs - 1) | PY_VECTORCALL_ARGUMENTS_OFFSET;
  }
  return PyObject_Vectorcall(func, args, nargsf, nullptr);
}

// The call half of vectorcall_method: `func` was found by LookupMaybeMethod (a new reference, consumed).
Object* CallFoundMethod(Object* func, int unbound, Object* const* args, Py_ssize_t nargs) {
  Object* result = nullptr;
  WrapperDescrObject* direct = nullptr;
  if (!LayerOn(Layer::kCall) && unbound && PyWrapperDescr_Check(func) &&
      DescrAcceptsSelf(AsWrapperDescr(func), args[0])) {
    direct = AsWrapperDescr(func);
  } else if (!LayerOn(Layer::kCall) && Py_TYPE(func) == &_PyMethodWrapper_Type &&
             reinterpret_cast<MethodWrapperObject*>(func)->self == args[0]) {
    direct = reinterpret_cast<MethodWrapperObject*>(func)->descr;
  }
  if (direct != nullptr) {
    // The shortcut keeps the recursion guard of the call it replaces (a __setitem__ that is Array's
    // __init__ recurses through Array_init): RecursionError, never a stack overflow.
    if (Py_EnterRecursiveCall(" while calling a Python object") == 0) {
      result = CallWrappedSlotDirectly(direct, args, nargs);
      Py_LeaveRecursiveCall();
    }
  } else {
    result = VectorcallUnbound(unbound, func, args, nargs);
  }
  Py_DECREF(func);
  return result;
}

Object* FindMethod(StrObject* name, Object* self, int* unbound, InlineCache* cache) {
  Object* func = LookupMaybeMethod(self, name, unbound, cache);
  if (func == nullptr && !PyErr_Occurred()) PyErr_SetString(ExcKind::kAttributeError, name->value);
  return func;
}

}  // namespace

Object* vectorcall_method(StrObject* name, Object* const* args, Py_ssize_t nargs, InlineCache* cache) {
  // 3.12 first reads the thread state (through the thread-local: the `thread_state` layer) for
  // vectorcall_unbound -> _PyObject_VectorcallTstate, which checks the call's result against the thread's
  // error indicator. The model's call path keeps its error indicator in core/errors.cc and takes no thread
  // state: the read is the step it keeps.
  if (ThreadStateOn()) layers::thread_state::_PyThreadState_GET();
  int unbound = 0;
  Object* func = FindMethod(name, args[0], &unbound, cache);
  if (func == nullptr) return nullptr;
  return CallFoundMethod(func, unbound, args, nargs);
}

namespace layers::build_value {

// 3.6's call_method (Objects/typeobject.c): look the method up, build the argument tuple from a format,
// call. A bound method (the method-wrapper of 3.6) gets the tuple through PyObject_Call; an unbound
// descriptor, or a call protocol switched off, gets self and the tuple's items as a vector.
DISPATCHLAB_LAYER_FN Object* call_method(Object* self, StrObject* name, InlineCache* cache,
                                         const char* format, ...) {
  int unbound = 0;
  Object* func = FindMethod(name, self, &unbound, cache);
  if (func == nullptr) return nullptr;
  va_list va;
  va_start(va, format);
  Object* args = Py_VaBuildValue(format, va);
  va_end(va);
  if (args == nullptr) {
    Py_DECREF(func);
    return nullptr;
  }
  Object* result = nullptr;
  if (!unbound && LayerOn(Layer::kCall) && LayerOn(Layer::kCallTuple)) {
    result = PyObject_Call(func, args, nullptr);
    Py_DECREF(func);
  } else {
    Object* stack[4] = {self, nullptr, nullptr, nullptr};
    const Py_ssize_t n = PyTuple_GET_SIZE(args);
    for (Py_ssize_t i = 0; i < n && i < 3; ++i) stack[i + 1] = PyTuple_GET_ITEM(args, i);
    result = CallFoundMethod(func, unbound, stack, 1 + (n < 3 ? n : 3));
  }
  Py_DECREF(args);
  return result;
}

}  // namespace layers::build_value

namespace layers::trampoline {

DISPATCHLAB_LAYER_FN int slot_sq_ass_item(Object* self, Py_ssize_t index, Object* value) {
  static InlineCache setitem_cache, delitem_cache;
  if (LayerOn(Layer::kBuildValue)) {
    Object* res = value != nullptr
                      ? build_value::call_method(self, Id().__setitem__, &setitem_cache, "(nO)", index, value)
                      : build_value::call_method(self, Id().__delitem__, &delitem_cache, "(n)", index);
    if (res == nullptr) return -1;
    Py_DECREF(res);
    return 0;
  }
  Object* index_obj = IndexObject(index);
  if (index_obj == nullptr) return -1;
  Object* stack[3] = {self, index_obj, value};
  Object* res = value != nullptr ? vectorcall_method(Id().__setitem__, stack, 3, &setitem_cache)
                                 : vectorcall_method(Id().__delitem__, stack, 2, &delitem_cache);
  Py_DECREF(index_obj);
  if (res == nullptr) return -1;
  Py_DECREF(res);
  return 0;
}

DISPATCHLAB_LAYER_FN Object* slot_sq_item(Object* self, Py_ssize_t index) {
  static InlineCache cache;
  if (LayerOn(Layer::kBuildValue))
    return build_value::call_method(self, Id().__getitem__, &cache, "(n)", index);
  Object* index_obj = IndexObject(index);
  if (index_obj == nullptr) return nullptr;
  Object* stack[2] = {self, index_obj};
  Object* res = vectorcall_method(Id().__getitem__, stack, 2, &cache);
  Py_DECREF(index_obj);
  return res;
}

}  // namespace layers::trampoline

namespace {

// self followed by a tuple's items, for the slots that receive an argument tuple.
std::vector<Object*> SelfAndTuple(Object* self, Object* args) {
  std::vector<Object*> stack{self};
  if (args != nullptr) {
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); ++i) stack.push_back(PyTuple_GET_ITEM(args, i));
  }
  return stack;
}

Py_ssize_t LengthFromResult(Object* res) {
  if (res == nullptr) return -1;
  const Py_ssize_t n = PyNumber_AsSsize_t(res);
  Py_DECREF(res);
  if (n == -1 && PyErr_Occurred()) return -1;
  if (n < 0) {
    PyErr_SetString(ExcKind::kValueError, "__len__() should return >= 0");
    return -1;
  }
  return n;
}

}  // namespace

Object* slot_tp_call(Object* self, Object* args, Object*) {
  static InlineCache cache;
  std::vector<Object*> stack = SelfAndTuple(self, args);
  return vectorcall_method(Id().__call__, stack.data(), static_cast<Py_ssize_t>(stack.size()), &cache);
}

Object* slot_tp_descr_get(Object* self, Object* obj, Object* type) {
  static InlineCache cache;
  Object* stack[3] = {self, obj != nullptr ? obj : Py_None, type != nullptr ? type : Py_None};
  return vectorcall_method(Id().__get__, stack, 3, &cache);
}

int slot_tp_init(Object* self, Object* args, Object*) {
  static InlineCache cache;
  std::vector<Object*> stack = SelfAndTuple(self, args);
  Object* res = vectorcall_method(Id().__init__, stack.data(), static_cast<Py_ssize_t>(stack.size()), &cache);
  if (res == nullptr) return -1;
  if (res != Py_None) {
    PyErr_Format(ExcKind::kTypeError, "__init__() should return None, not '%s'", Py_TYPE(res)->tp_name);
    Py_DECREF(res);
    return -1;
  }
  Py_DECREF(res);
  return 0;
}

Object* slot_nb_index(Object* self) {
  static InlineCache cache;
  Object* stack[1] = {self};
  return vectorcall_method(Id().__index__, stack, 1, &cache);
}

Py_ssize_t slot_mp_length(Object* self) {
  static InlineCache cache;
  Object* stack[1] = {self};
  return LengthFromResult(vectorcall_method(Id().__len__, stack, 1, &cache));
}

Py_ssize_t slot_sq_length(Object* self) { return slot_mp_length(self); }

Object* slot_mp_subscript(Object* self, Object* key) {
  static InlineCache cache;
  Object* stack[2] = {self, key};
  return vectorcall_method(Id().__getitem__, stack, 2, &cache);
}

int slot_mp_ass_subscript(Object* self, Object* key, Object* value) {
  static InlineCache setitem_cache, delitem_cache;
  Object* stack[3] = {self, key, value};
  Object* res = value != nullptr ? vectorcall_method(Id().__setitem__, stack, 3, &setitem_cache)
                                 : vectorcall_method(Id().__delitem__, stack, 2, &delitem_cache);
  if (res == nullptr) return -1;
  Py_DECREF(res);
  return 0;
}

}  // namespace dispatchlab
