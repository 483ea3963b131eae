// The wrap_* functions of the slot table (CPython: Objects/typeobject.c): a method object calls a C slot.
// Each checks and unpacks its arguments (PyArg_UnpackTuple) and calls the C function it was given.
#ifndef DISPATCHLAB_DISPATCH_WRAPPERS_H_
#define DISPATCHLAB_DISPATCH_WRAPPERS_H_

#include "dispatch/slots.h"

namespace dispatchlab {

// PyArg_UnpackTuple over WrapperArgs: exactly min..max arguments, else TypeError
// "expected N arguments, got M" (CPython's message for an unnamed unpack).
bool PyArg_UnpackTuple(const WrapperArgs& args, Py_ssize_t min, Py_ssize_t max, Object** out);

Object* wrap_call(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_descr_get(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_init(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_unaryfunc(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_lenfunc(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_binaryfunc(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_objobjargproc(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_delitem(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_sq_item(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_sq_setitem(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);
Object* wrap_sq_delitem(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_WRAPPERS_H_
