// The slot table and what it drives (CPython: slotdefs, add_operators, update_one_slot,
// fixup_slot_dispatchers in Objects/typeobject.c).
//
// One table (dispatch/slotdefs.def) maps each dunder name to its slot, its generic trampoline (slot_*)
// and its wrapper (wrap_*). Readying a built-in type adds a wrapper descriptor per filled slot
// (add_operators); creating a heap subtype chooses, for every slot, the inherited C function or the
// generic trampoline by CPython's rule. The ctypes array outcome (sq_ass_item generic, mp_ass_subscript
// direct) falls out of the table and the rule; docs/slots.md tells the story.
#ifndef DISPATCHLAB_DISPATCH_SLOTS_H_
#define DISPATCHLAB_DISPATCH_SLOTS_H_

#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/object.h"
#include "core/str.h"

namespace dispatchlab {

enum class SlotId {
#define DISPATCHLAB_SLOT(Id, suite, member, signature) k##Id,
#include "dispatch/slots.def"
};

// The arguments a wrap_* function receives: the tuple built by the call protocol, or (when the
// `call_tuple` layer is off) a plain vector with `tuple` null.
struct WrapperArgs {
  Object* tuple;
  Object* const* items;
  Py_ssize_t size;
};
// CPython's wrapperfunc_kwds: calls the C slot `wrapped` of `self` with unpacked arguments.
using wrapperfunc = Object* (*)(Object* self, const WrapperArgs& args, void* wrapped, Object* kwds);

struct SlotDef {
  StrObject* name;
  absl::string_view name_text;
  SlotId slot;
  void* function;       // the generic slot_* trampoline
  wrapperfunc wrapper;  // the wrap_* function
};

// The table, in CPython's order.
const std::vector<SlotDef>& SlotDefs();

// A slot's C function as an untyped pointer (nullptr when the suite or the slot is empty). Both accessors
// are generated from the columns of dispatch/slots.def (CPython: slotdefs' offsetof).
void* GetSlot(const TypeObject* type, SlotId slot);
// Sets a slot; a missing suite is pointed at the type's own storage (heap types own all their suites).
void SetSlot(TypeObject* type, SlotId slot, void* function);
absl::string_view SlotName(SlotId slot);  // "sq_ass_item", ...

// Readies a built-in type: MRO, inherited slots, then a wrapper descriptor for each filled slot whose
// name is not yet in the dictionary, in table order (add_operators).
void PyType_Ready(TypeObject* type);

// The namespace of a class statement: names and the values the class body bound to them (borrowed).
using ClassBody = std::vector<std::pair<StrObject*, Object*>>;

// Creates a heap subtype of `base` (type_new): copies the class body into the new type's dictionary
// (each value INCREF'd, the type owns them), readies it, then runs fixup_slot_dispatchers, so a body
// that defines `__setitem__` gets the generic slots by the slot table's rule. `metatype` is the type of
// the new type object (ctypes' PyCArrayType); `module` is its defining module.
TypeObject* TypeNew(absl::string_view name, TypeObject* base, TypeObject* metatype, const void* module,
                    const ClassBody& body = {});

// Re-chooses every slot of `type` from its MRO by the slot table (fixup_slot_dispatchers).
void FixupSlotDispatchers(TypeObject* type);

// update_slot (Objects/typeobject.c): after `name` changed in type's dictionary, re-chooses every slot
// `name` feeds (each whole group of slotdefs sharing that slot, update_one_slot) in `type`, then in each
// subclass that does not define `name` itself, recursively (update_subclasses <->
// recurse_down_subclasses). A name that feeds no slot changes nothing. Returns 0.
int UpdateSlot(TypeObject* type, StrObject* name);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_SLOTS_H_
