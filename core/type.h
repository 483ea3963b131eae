// Type objects beyond the header: readiness (MRO, slot inheritance), attribute dictionaries, subtype
// checks and version tags (CPython: Objects/typeobject.c, the parts that know nothing of slot dispatch).
// Adding wrapper descriptors and choosing slot functions by the slot table is dispatch/slots.h.
#ifndef DISPATCHLAB_CORE_TYPE_H_
#define DISPATCHLAB_CORE_TYPE_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "core/object.h"
#include "core/str.h"

namespace dispatchlab {

// Fills the fixed fields of a statically allocated type: immortal header, name, base, instance size,
// flags; suites point to the type's own storage. Slots are set by the caller, then ReadyBase runs.
void InitStaticType(TypeObject* type, absl::string_view name, TypeObject* base, Py_ssize_t basicsize,
                    uint64_t flags);

// Every type created so far (static and heap), for accounting of live instances.
const std::vector<TypeObject*>& AllTypes();
void RegisterType(TypeObject* type);

// Computes the MRO (single inheritance: the type, then its base's MRO) and inherits every slot the type
// left empty from its base (CPython's inherit_slots), then marks it ready. Idempotent.
void ReadyBase(TypeObject* type);

// PyType_IsSubtype: walks a's MRO. Counted as a subtype check.
bool PyType_IsSubtype(const TypeObject* a, const TypeObject* b);
inline bool PyObject_TypeCheck(const Object* o, const TypeObject* t) {
  return Py_TYPE(o) == t || PyType_IsSubtype(Py_TYPE(o), t);
}

// One probe of a type's own dictionary (counted). Returns a borrowed reference or nullptr.
Object* TypeDictGet(TypeObject* type, StrObject* name);
// The uncached MRO walk of _PyType_Lookup (find_name_in_mro): one dictionary probe per class.
Object* FindNameInMro(TypeObject* type, StrObject* name);
// Sets (value != nullptr) or deletes a name in a type's dictionary and invalidates the version tags of
// the type and its subclasses (PyType_Modified). Steals nothing: value is INCREF'd.
void TypeDictSet(TypeObject* type, StrObject* name, Object* value);

// Version tags: a type's tag identifies the state of its dictionary and its bases' for the method cache.
// Assigns a tag if the type has none (and to its bases); false if tags ran out.
bool AssignVersionTag(TypeObject* type);
// Clears the tag of `type` and of every subclass (CPython's PyType_Modified).
void PyType_Modified(TypeObject* type);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_TYPE_H_
