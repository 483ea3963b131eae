// Attribute access on type objects (CPython: type_getattro, type_setattro in Objects/typeobject.c).
//
// Setting or deleting an attribute of a heap type goes through its dictionary, invalidates the version
// tags of the type and its subclasses (PyType_Modified), and, for a dunder name, re-chooses the slots
// that name feeds in the type and its subclasses (update_slot, dispatch/slots.h): `Sub.__setitem__ = f`
// after the class was made switches Sub's sq_ass_item and mp_ass_subscript to the generic trampolines,
// and `del Sub.__setitem__` gives them back the inherited C functions. docs/slots.md tells the story.
#ifndef DISPATCHLAB_DISPATCH_TYPEATTR_H_
#define DISPATCHLAB_DISPATCH_TYPEATTR_H_

#include "core/object.h"
#include "core/str.h"

namespace dispatchlab {

// type_getattro: `type.name`. A descriptor on the metatype is looked up first (_PyType_Lookup on
// Py_TYPE(type)), then the type's own MRO; a descriptor found there is bound with tp_descr_get(attr,
// NULL, type) (a wrapper descriptor or a function returns itself). New reference, or nullptr with
// AttributeError "type object '<type>' has no attribute '<name>'".
Object* type_getattro(TypeObject* type, StrObject* name);

// PyObject_GetAttr for what dispatchlab's objects have: a type's attribute through type_getattro; an
// instance's through its type (PyObject_GenericGetAttr without an instance dictionary: the descriptor
// bound by tp_descr_get). New reference or nullptr with AttributeError "'<type>' object has no attribute
// '<name>'".
Object* PyObject_GetAttr(Object* o, StrObject* name);

// type_setattro: `type.name = value` (value != nullptr) or `del type.name` (value == nullptr).
// 0 on success; -1 with TypeError "cannot set '<name>' attribute of immutable type '<type>'" for a static
// (non-heap) type, or AttributeError "type object '<type>' has no attribute '<name>'" when deleting a
// name the type's own dictionary lacks.
int type_setattro(TypeObject* type, StrObject* name, Object* value);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_TYPEATTR_H_
