// Wrapper descriptors ("slot wrappers") and method-wrappers (CPython: Objects/descrobject.c).
//
// A wrapper descriptor sits in a type's dictionary under a dunder name and wraps one C slot function
// (d_wrapped) with the slot table's wrap_* function (d_base->wrapper). Its type has
// Py_TPFLAGS_METHOD_DESCRIPTOR (3.8+), so a slot trampoline can call it unbound; 3.6 binds it into a
// method-wrapper object on every call (the `method_wrapper` layer). It has no vectorcall entry, so the
// generic call protocol packs its arguments into a tuple (the `call_tuple` layer).
#ifndef DISPATCHLAB_DISPATCH_DESCR_H_
#define DISPATCHLAB_DISPATCH_DESCR_H_

#include "core/object.h"
#include "dispatch/slots.h"

namespace dispatchlab {

struct WrapperDescrObject {
  Object ob_base;
  TypeObject* d_type;  // the type whose slot is wrapped
  StrObject* d_name;
  const SlotDef* d_base;
  void* d_wrapped;  // the C slot function
};
struct MethodWrapperObject {
  Object ob_base;
  WrapperDescrObject* descr;  // owned
  Object* self;               // owned
};
extern TypeObject PyWrapperDescr_Type;
extern TypeObject _PyMethodWrapper_Type;

inline bool PyWrapperDescr_Check(const Object* o) { return Py_TYPE(o) == &PyWrapperDescr_Type; }
inline WrapperDescrObject* AsWrapperDescr(Object* o) { return reinterpret_cast<WrapperDescrObject*>(o); }

// A new wrapper descriptor for `wrapped` in `type` (PyDescr_NewWrapper).
Object* PyDescr_NewWrapper(TypeObject* type, const SlotDef* base, void* wrapped);

// wrapperdescr_raw_call: runs the descriptor's wrapper on `self` with `args`.
Object* wrapperdescr_raw_call(WrapperDescrObject* descr, Object* self, const WrapperArgs& args, Object* kwds);

// The `call` layer switched off: calls the descriptor's C slot function directly with args[0] as self,
// by the slot's signature. Supports the mapping and sequence slots; others fall back to the wrapper.
Object* CallWrappedSlotDirectly(WrapperDescrObject* descr, Object* const* args, Py_ssize_t nargs);

void InitDescrTypes();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_DESCR_H_
