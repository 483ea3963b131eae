// The generic slot trampolines of the slot table (CPython's slot_* functions in Objects/typeobject.c):
// a C slot that finds the method by name on the type and calls it through the generic call protocol.
// slot_sq_ass_item is the seed's culprit; docs/call-protocol.md follows one call through it.
#ifndef DISPATCHLAB_DISPATCH_TRAMPOLINES_H_
#define DISPATCHLAB_DISPATCH_TRAMPOLINES_H_

#include "core/object.h"
#include "core/str.h"

namespace dispatchlab {

namespace layers::trampoline {
int slot_sq_ass_item(Object* self, Py_ssize_t index, Object* value);
Object* slot_sq_item(Object* self, Py_ssize_t index);
}  // namespace layers::trampoline
using layers::trampoline::slot_sq_ass_item;
using layers::trampoline::slot_sq_item;

Object* slot_tp_call(Object* self, Object* args, Object* kwds);
Object* slot_tp_descr_get(Object* self, Object* obj, Object* type);
int slot_tp_init(Object* self, Object* args, Object* kwds);
Object* slot_nb_index(Object* self);
Py_ssize_t slot_mp_length(Object* self);
Object* slot_mp_subscript(Object* self, Object* key);
int slot_mp_ass_subscript(Object* self, Object* key, Object* value);
Py_ssize_t slot_sq_length(Object* self);

struct InlineCache;

// The index argument of a trampoline: a boxed int (`index_boxing` on; PyLong_FromSsize_t) or a tagged
// immediate. New reference, or nullptr with MemoryError.
Object* IndexObject(Py_ssize_t index);

// vectorcall_method: looks `name` up on type(args[0]) and calls it with args[0..nargs), honouring the
// lookup, method_wrapper, call and call_tuple layers; `cache` is the call site's inline cache (used when
// the lookup layer is off). New reference, or nullptr with an error (AttributeError when not found).
Object* vectorcall_method(StrObject* name, Object* const* args, Py_ssize_t nargs, InlineCache* cache);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_TRAMPOLINES_H_
