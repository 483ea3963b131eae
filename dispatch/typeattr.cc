// type_setattro = _PyObject_GenericSetAttrWithDict + PyType_Modified + update_slot for dunder names;
// type_getattro = the metatype's descriptor, then the type's MRO, then the metatype's plain attribute.
#include "dispatch/typeattr.h"

#include "core/errors.h"
#include "core/type.h"
#include "dispatch/lookup.h"
#include "dispatch/slots.h"

namespace dispatchlab {

namespace {

// is_dunder_name: "__x__", at least five characters.
bool IsDunderName(const StrObject* name) {
  const std::string& s = name->value;
  return s.size() > 4 && s.compare(0, 2, "__") == 0 && s.compare(s.size() - 2, 2, "__") == 0;
}

}  // namespace

Object* type_getattro(TypeObject* type, StrObject* name) {
  TypeObject* metatype = Py_TYPE(AsObject(type));
  // dispatchlab's descriptors are all non-data descriptors (no tp_descr_set): a metatype attribute never
  // takes precedence over the type's own, so the data-descriptor branch of CPython is not needed.
  Object* meta_attribute = _PyType_Lookup(metatype, name);
  Object* attribute = _PyType_Lookup(type, name);
  if (attribute != nullptr) {
    descrgetfunc local_get = Py_TYPE(attribute)->tp_descr_get;
    if (local_get != nullptr) return local_get(attribute, nullptr, AsObject(type));
    return Py_NewRef(attribute);
  }
  if (meta_attribute != nullptr) {
    descrgetfunc meta_get = Py_TYPE(meta_attribute)->tp_descr_get;
    if (meta_get != nullptr) return meta_get(meta_attribute, AsObject(type), AsObject(metatype));
    return Py_NewRef(meta_attribute);
  }
  PyErr_Format(ExcKind::kAttributeError, "type object '%s' has no attribute '%s'", type->tp_name,
               name->value);
  return nullptr;
}

Object* PyObject_GetAttr(Object* o, StrObject* name) {
  if (PyType_Check(o)) return type_getattro(AsType(o), name);
  TypeObject* tp = Py_TYPE(o);
  Object* descr = _PyType_Lookup(tp, name);
  if (descr == nullptr) {
    PyErr_Format(ExcKind::kAttributeError, "'%s' object has no attribute '%s'", tp->tp_name, name->value);
    return nullptr;
  }
  descrgetfunc f = Py_TYPE(descr)->tp_descr_get;
  return f != nullptr ? f(descr, o, AsObject(tp)) : Py_NewRef(descr);
}

int type_setattro(TypeObject* type, StrObject* name, Object* value) {
  if (!PyType_HasFeature(type, Py_TPFLAGS_HEAPTYPE)) {
    PyErr_Format(ExcKind::kTypeError, "cannot set '%s' attribute of immutable type '%s'", name->value,
                 type->tp_name);
    return -1;
  }
  if (value == nullptr && !type->tp_dict.contains(name)) {
    PyErr_Format(ExcKind::kAttributeError, "type object '%s' has no attribute '%s'", type->tp_name,
                 name->value);
    return -1;
  }
  TypeDictSet(type, name, value);  // the dictionary edit and PyType_Modified
  if (IsDunderName(name)) return UpdateSlot(type, name);
  return 0;
}

}  // namespace dispatchlab
