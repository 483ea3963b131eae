#include "core/type.h"

#include <algorithm>

namespace dispatchlab {

namespace {
uint32_t g_next_version_tag = 1;
constexpr uint32_t kMaxVersionTag = 1u << 30;

template <typename Slot>
void InheritSlot(Slot& own, Slot base) {
  if (own == nullptr) own = base;
}
}  // namespace

namespace {
std::vector<TypeObject*>& TypeRegistry() {
  static auto* types = new std::vector<TypeObject*>();
  return *types;
}
}  // namespace

const std::vector<TypeObject*>& AllTypes() { return TypeRegistry(); }
void RegisterType(TypeObject* type) { TypeRegistry().push_back(type); }

void InitStaticType(TypeObject* type, absl::string_view name, TypeObject* base, Py_ssize_t basicsize,
                    uint64_t flags) {
  InitStaticObject(&type->ob_base, &PyType_Type);
  type->tp_name = std::string(name);
  type->tp_base = base;
  type->tp_basicsize = basicsize;
  type->tp_flags = flags;
  RegisterType(type);
}

void ReadyBase(TypeObject* type) {
  if (PyType_HasFeature(type, Py_TPFLAGS_READY)) return;
  TypeObject* base = type->tp_base;
  if (base != nullptr) ReadyBase(base);
  type->tp_mro.clear();
  type->tp_mro.push_back(type);
  if (base != nullptr) {
    type->tp_mro.insert(type->tp_mro.end(), base->tp_mro.begin(), base->tp_mro.end());
    base->tp_subclasses.push_back(type);

    // inherit_slots: the suites are copied slot by slot into the type's own storage.
    InheritSlot(type->tp_dealloc, base->tp_dealloc);
    InheritSlot(type->tp_call, base->tp_call);
    InheritSlot(type->tp_descr_get, base->tp_descr_get);
    InheritSlot(type->tp_init, base->tp_init);
    InheritSlot(type->tp_alloc, base->tp_alloc);
    InheritSlot(type->tp_free, base->tp_free);
    InheritSlot(type->dl_vectorcall_untupled, base->dl_vectorcall_untupled);
    InheritSlot(type->tp_type_data, base->tp_type_data);  // ctypes: a subclass shares its base's StgInfo
    if (type->tp_vectorcall_offset == 0) type->tp_vectorcall_offset = base->tp_vectorcall_offset;
    if (type->tp_basicsize == 0) type->tp_basicsize = base->tp_basicsize;
    if (base->tp_as_number != nullptr) {
      if (type->tp_as_number == nullptr) type->tp_as_number = &type->as_number;
      InheritSlot(type->tp_as_number->nb_index, base->tp_as_number->nb_index);
    }
    if (base->tp_as_sequence != nullptr) {
      if (type->tp_as_sequence == nullptr) type->tp_as_sequence = &type->as_sequence;
      InheritSlot(type->tp_as_sequence->sq_length, base->tp_as_sequence->sq_length);
      InheritSlot(type->tp_as_sequence->sq_item, base->tp_as_sequence->sq_item);
      InheritSlot(type->tp_as_sequence->sq_ass_item, base->tp_as_sequence->sq_ass_item);
    }
    if (base->tp_as_mapping != nullptr) {
      if (type->tp_as_mapping == nullptr) type->tp_as_mapping = &type->as_mapping;
      InheritSlot(type->tp_as_mapping->mp_length, base->tp_as_mapping->mp_length);
      InheritSlot(type->tp_as_mapping->mp_subscript, base->tp_as_mapping->mp_subscript);
      InheritSlot(type->tp_as_mapping->mp_ass_subscript, base->tp_as_mapping->mp_ass_subscript);
    }
    if (base->tp_as_buffer != nullptr) {
      if (type->tp_as_buffer == nullptr) type->tp_as_buffer = &type->as_buffer;
      InheritSlot(type->tp_as_buffer->bf_getbuffer, base->tp_as_buffer->bf_getbuffer);
      InheritSlot(type->tp_as_buffer->bf_releasebuffer, base->tp_as_buffer->bf_releasebuffer);
    }
    type->tp_flags |= base->tp_flags & (Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_LONG_SUBCLASS |
                                        Py_TPFLAGS_TUPLE_SUBCLASS | Py_TPFLAGS_TYPE_SUBCLASS);
  }
  type->tp_flags |= Py_TPFLAGS_READY;
}

bool PyType_IsSubtype(const TypeObject* a, const TypeObject* b) {
  Count(Counter::kSubtypeChecks);
  for (const TypeObject* t : a->tp_mro) {
    if (t == b) return true;
  }
  return false;
}

Object* TypeDictGet(TypeObject* type, StrObject* name) {
  Count(Counter::kDictProbes);
  auto it = type->tp_dict.find(name);
  return it == type->tp_dict.end() ? nullptr : it->second;
}

Object* FindNameInMro(TypeObject* type, StrObject* name) {
  for (TypeObject* t : type->tp_mro) {
    if (Object* found = TypeDictGet(t, name)) return found;
  }
  return nullptr;
}

void TypeDictSet(TypeObject* type, StrObject* name, Object* value) {
  auto it = type->tp_dict.find(name);
  Object* old = it == type->tp_dict.end() ? nullptr : it->second;
  if (value != nullptr) {
    Py_INCREF(value);
    type->tp_dict[name] = value;
  } else if (it != type->tp_dict.end()) {
    type->tp_dict.erase(it);
  }
  PyType_Modified(type);
  Py_XDECREF(old);
}

bool AssignVersionTag(TypeObject* type) {
  if (PyType_HasFeature(type, Py_TPFLAGS_VALID_VERSION_TAG)) return true;
  if (g_next_version_tag >= kMaxVersionTag) return false;
  for (size_t i = 1; i < type->tp_mro.size(); ++i) {
    if (!AssignVersionTag(type->tp_mro[i])) return false;
  }
  type->tp_version_tag = g_next_version_tag++;
  type->tp_flags |= Py_TPFLAGS_VALID_VERSION_TAG;
  return true;
}

void PyType_Modified(TypeObject* type) {
  if (!PyType_HasFeature(type, Py_TPFLAGS_VALID_VERSION_TAG)) return;
  for (TypeObject* sub : type->tp_subclasses) PyType_Modified(sub);
  type->tp_flags &= ~Py_TPFLAGS_VALID_VERSION_TAG;
  type->tp_version_tag = 0;
}

}  // namespace dispatchlab
