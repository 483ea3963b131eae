#include "dispatch/descr.h"

#include <vector>

#include "core/errors.h"
#include "core/layer_frame.h"
#include "core/long.h"
#include "core/trashcan.h"
#include "core/tuple.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "dispatch/call.h"
#include "dispatch/wrappers.h"

namespace dispatchlab {

TypeObject PyWrapperDescr_Type;
TypeObject _PyMethodWrapper_Type;

namespace {

void wrapperdescr_dealloc(Object* o) { FreeObject(o); }

void wrapper_dealloc(Object* o) {
  auto* mw = reinterpret_cast<MethodWrapperObject*>(o);
  PyObject_GC_UnTrack(o);
  Py_TRASHCAN(o, wrapper_dealloc, [o, mw] {
    Py_DECREF(&mw->descr->ob_base);
    Py_DECREF(mw->self);
    FreeObject(o);
  });
}

bool SelfTypeError(WrapperDescrObject* descr, Object* self) {
  PyErr_Format(ExcKind::kTypeError, "descriptor '%s' requires a '%s' object but received a '%s'",
               descr->d_name->value, descr->d_type->tp_name, Py_TYPE(self)->tp_name);
  return false;
}

// descr_check (Objects/descrobject.c; wrapperdescr_get calls it before PyWrapper_New binds):
// PyObject_TypeCheck, the exact type, then the walk. Its message is not wrapperdescr_call's: reading
// `a.__setitem__` through an instance whose class holds another type's descriptor raises this one (3.8 and
// later; 3.6 and 3.7 say "doesn't apply to '...' object", without the article).
bool descr_check(WrapperDescrObject* descr, Object* obj) {
  if (PyObject_TypeCheck(obj, descr->d_type)) return true;
  PyErr_Format(ExcKind::kTypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%s' object",
               descr->d_name->value, descr->d_type->tp_name, Py_TYPE(obj)->tp_name);
  return false;
}

// wrapperdescr_call's test of self (every release; 3.6's chain binds a method-wrapper instead and reaches
// descr_check above): _PyObject_RealIsSubclass of self's type, with no exact-type test first, so a
// subclass's call always walks its MRO. CPython tests `!_PyObject_RealIsSubclass(...)`, which lets its -1
// through with the error set; the model stops there. Neither can happen here: both arguments are types.
bool CheckCallSelf(WrapperDescrObject* descr, Object* self) {
  const int ok = _PyObject_RealIsSubclass(AsObject(Py_TYPE(self)), AsObject(descr->d_type));
  if (ok > 0) return true;
  return ok < 0 ? false : SelfTypeError(descr, self);
}

Object* NoneOrNull(int result) { return result < 0 ? nullptr : Py_NewRef(Py_None); }

bool CheckHasSelf(WrapperDescrObject* descr, Py_ssize_t argc) {
  if (argc >= 1) return true;
  PyErr_Format(ExcKind::kTypeError, "descriptor '%s' of '%s' object needs an argument", descr->d_name->value,
               descr->d_type->tp_name);
  return false;
}

}  // namespace

namespace layers::call {

// wrapperdescr_call: tp_call of a wrapper descriptor, args = (self, *rest).
DISPATCHLAB_LAYER_FN Object* wrapperdescr_call(Object* self_descr, Object* args, Object* kwds) {
  WrapperDescrObject* descr = AsWrapperDescr(self_descr);
  const Py_ssize_t argc = PyTuple_GET_SIZE(args);
  if (!CheckHasSelf(descr, argc)) return nullptr;
  Object* self = PyTuple_GET_ITEM(args, 0);
  if (!CheckCallSelf(descr, self)) return nullptr;
  Object* rest = call_tuple::SliceOffSelf(args);
  if (rest == nullptr) return nullptr;
  WrapperArgs wargs{rest, AsTuple(rest)->ob_item, PyTuple_GET_SIZE(rest)};
  Object* result = wrapperdescr_raw_call(descr, self, wargs, kwds);
  Py_DECREF(rest);
  return result;
}

// The untupled vector entry (used only with the call_tuple layer off).
DISPATCHLAB_LAYER_FN Object* wrapperdescr_vectorcall(Object* self_descr, Object* const* args, size_t nargsf,
                                                     Object* /*kwnames*/) {
  WrapperDescrObject* descr = AsWrapperDescr(self_descr);
  const Py_ssize_t argc = PyVectorcall_NARGS(nargsf);
  if (!CheckHasSelf(descr, argc)) return nullptr;
  if (!CheckCallSelf(descr, args[0])) return nullptr;
  return wrapperdescr_raw_call(descr, args[0], WrapperArgs{nullptr, args + 1, argc - 1}, nullptr);
}

}  // namespace layers::call

namespace layers::method_wrapper {

// descr_check + PyWrapper_New: binds the descriptor to `obj` in a new method-wrapper (3.6, 3.7).
DISPATCHLAB_LAYER_FN Object* PyWrapper_New(Object* self_descr, Object* obj) {
  WrapperDescrObject* descr = AsWrapperDescr(self_descr);
  if (!descr_check(descr, obj)) return nullptr;
  Object* o = AllocObject(&_PyMethodWrapper_Type, sizeof(MethodWrapperObject));
  if (o == nullptr) return nullptr;
  auto* mw = reinterpret_cast<MethodWrapperObject*>(o);
  mw->descr = descr;
  Py_INCREF(self_descr);
  mw->self = Py_NewRef(obj);
  _PyObject_GC_TRACK(o);
  Count(Counter::kMethodWrappers);
  return o;
}

// wrapper_call: tp_call of a method-wrapper; args exclude self.
DISPATCHLAB_LAYER_FN Object* wrapper_call(Object* o, Object* args, Object* kwds) {
  auto* mw = reinterpret_cast<MethodWrapperObject*>(o);
  WrapperArgs wargs{args, AsTuple(args)->ob_item, PyTuple_GET_SIZE(args)};
  return wrapperdescr_raw_call(mw->descr, mw->self, wargs, kwds);
}

DISPATCHLAB_LAYER_FN Object* wrapper_vectorcall(Object* o, Object* const* args, size_t nargsf,
                                                Object* /*kwnames*/) {
  auto* mw = reinterpret_cast<MethodWrapperObject*>(o);
  return wrapperdescr_raw_call(mw->descr, mw->self, WrapperArgs{nullptr, args, PyVectorcall_NARGS(nargsf)},
                               nullptr);
}

}  // namespace layers::method_wrapper

namespace {
// wrapperdescr_get: read through the class (`Array.__setitem__`, obj null) the descriptor is itself;
// through an instance it is bound (the method_wrapper layer's work).
Object* wrapperdescr_get(Object* self_descr, Object* obj, Object* /*type*/) {
  if (obj == nullptr || obj == Py_None) return Py_NewRef(self_descr);
  return layers::method_wrapper::PyWrapper_New(self_descr, obj);
}
}  // namespace

Object* PyDescr_NewWrapper(TypeObject* type, const SlotDef* base, void* wrapped) {
  Object* o = AllocObject(&PyWrapperDescr_Type, sizeof(WrapperDescrObject));
  if (o == nullptr) return nullptr;
  WrapperDescrObject* d = AsWrapperDescr(o);
  d->d_type = type;
  d->d_name = base->name;
  d->d_base = base;
  d->d_wrapped = wrapped;
  // Descriptors live in type dictionaries for the life of the process: not counted as live objects.
  ForgetObject(o);
  o->ob_refcnt = kImmortalRefcnt;
  // ... and stay reachable after exit() has destroyed the static types' dictionaries, so LeakSanitizer
  // (which checks after the static destructors) does not report them.
  static auto* const all_descriptors = new std::vector<Object*>();
  all_descriptors->push_back(o);
  return o;
}

Object* wrapperdescr_raw_call(WrapperDescrObject* descr, Object* self, const WrapperArgs& args,
                              Object* kwds) {
  Count(Counter::kSlotCalls);
  return descr->d_base->wrapper(self, args, descr->d_wrapped, kwds);
}

Object* CallWrappedSlotDirectly(WrapperDescrObject* descr, Object* const* args, Py_ssize_t nargs) {
  Count(Counter::kSlotCalls);
  Object* self = args[0];
  // The inlined mapping cases skip the wrapper, so they must take only the calls the wrapper would accept:
  // its own function (a descriptor stored under another name keeps its wrapper: `__len__ =
  // Array.__getitem__` is wrap_binaryfunc) with the argument count it unpacks. Any other call goes
  // through the wrapper, which raises CPython's "expected N arguments, got M". (The check is a compare
  // of two words, not counted: it stands for nothing CPython does on the path being modelled.)
  const Py_ssize_t argc = nargs - 1;
  const wrapperfunc wrapper = descr->d_base->wrapper;
  switch (descr->d_base->slot) {
    case SlotId::kMpAssSubscript: {
      auto func = reinterpret_cast<objobjargproc>(descr->d_wrapped);
      if (wrapper == wrap_objobjargproc && argc == 2) return NoneOrNull(func(self, args[1], args[2]));
      if (wrapper == wrap_delitem && argc == 1) return NoneOrNull(func(self, args[1], nullptr));
      break;
    }
    case SlotId::kMpSubscript:
      if (wrapper == wrap_binaryfunc && argc == 1) {
        return reinterpret_cast<binaryfunc>(descr->d_wrapped)(self, args[1]);
      }
      break;
    default:
      break;
  }
  return wrapperdescr_raw_call(descr, self, WrapperArgs{nullptr, args + 1, argc}, nullptr);
}

void InitDescrTypes() {
  InitStaticType(&PyWrapperDescr_Type, "wrapper_descriptor", &PyBaseObject_Type, sizeof(WrapperDescrObject),
                 Py_TPFLAGS_METHOD_DESCRIPTOR);
  PyWrapperDescr_Type.tp_dealloc = wrapperdescr_dealloc;
  PyWrapperDescr_Type.tp_call = layers::call::wrapperdescr_call;
  PyWrapperDescr_Type.tp_descr_get = wrapperdescr_get;
  PyWrapperDescr_Type.dl_vectorcall_untupled = layers::call::wrapperdescr_vectorcall;

  InitStaticType(&_PyMethodWrapper_Type, "method-wrapper", &PyBaseObject_Type, sizeof(MethodWrapperObject),
                 Py_TPFLAGS_HAVE_GC);
  _PyMethodWrapper_Type.tp_dealloc = wrapper_dealloc;
  _PyMethodWrapper_Type.tp_call = layers::method_wrapper::wrapper_call;
  _PyMethodWrapper_Type.dl_vectorcall_untupled = layers::method_wrapper::wrapper_vectorcall;
}

}  // namespace dispatchlab
