#include "fuzz/runtime_state.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/layers.h"
#include "core/object.h"
#include "core/str.h"
#include "core/type.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"

namespace dispatchlab::fuzz {
namespace {

// A suite pointer as it can be compared across types: none, the type's own storage (a heap type's
// PyHeapTypeObject suites), or a static suite shared by address.
template <typename Suite>
uintptr_t SuiteRef(const Suite* suite, const Suite* own) {
  if (suite == nullptr) return 0;
  if (suite == own) return 1;
  return reinterpret_cast<uintptr_t>(suite);
}

// One type's state, as named fields (for the message) and values.
using Fields = std::vector<std::pair<const char*, uintptr_t>>;

template <typename F>
uintptr_t Fn(F f) {
  return reinterpret_cast<uintptr_t>(f);
}

Fields TypeFields(const TypeObject* t) {
  Fields f = {
      {"tp_flags", t->tp_flags & ~Py_TPFLAGS_VALID_VERSION_TAG},
      {"tp_basicsize", static_cast<uintptr_t>(t->tp_basicsize)},
      {"tp_dealloc", Fn(t->tp_dealloc)},
      {"tp_call", Fn(t->tp_call)},
      {"tp_vectorcall_offset", static_cast<uintptr_t>(t->tp_vectorcall_offset)},
      {"tp_descr_get", Fn(t->tp_descr_get)},
      {"tp_init", Fn(t->tp_init)},
      {"dl_vectorcall_untupled", Fn(t->dl_vectorcall_untupled)},
      {"tp_base", reinterpret_cast<uintptr_t>(t->tp_base)},
      {"tp_as_number", SuiteRef(t->tp_as_number, &t->as_number)},
      {"tp_as_sequence", SuiteRef(t->tp_as_sequence, &t->as_sequence)},
      {"tp_as_mapping", SuiteRef(t->tp_as_mapping, &t->as_mapping)},
      {"tp_as_buffer", SuiteRef(t->tp_as_buffer, &t->as_buffer)},
      {"live instances", static_cast<uintptr_t>(t->live_instances)},
      {"MRO length", t->tp_mro.size()},
      {"dictionary size", t->tp_dict.size()},
  };
  if (const PyNumberMethods* nb = t->tp_as_number) f.push_back({"nb_index", Fn(nb->nb_index)});
  if (const PySequenceMethods* sq = t->tp_as_sequence) {
    f.insert(f.end(), {{"sq_length", Fn(sq->sq_length)}, {"sq_item", Fn(sq->sq_item)},
                       {"sq_ass_item", Fn(sq->sq_ass_item)}});
  }
  if (const PyMappingMethods* mp = t->tp_as_mapping) {
    f.insert(f.end(), {{"mp_length", Fn(mp->mp_length)}, {"mp_subscript", Fn(mp->mp_subscript)},
                       {"mp_ass_subscript", Fn(mp->mp_ass_subscript)}});
  }
  if (const PyBufferProcs* bf = t->tp_as_buffer) {
    f.insert(f.end(), {{"bf_getbuffer", Fn(bf->bf_getbuffer)}, {"bf_releasebuffer", Fn(bf->bf_releasebuffer)}});
  }
  // The MRO after the type itself, and the dictionary in a fixed order (names are interned).
  for (size_t i = 1; i < t->tp_mro.size(); ++i) f.push_back({"MRO entry", reinterpret_cast<uintptr_t>(t->tp_mro[i])});
  std::vector<std::pair<uintptr_t, uintptr_t>> dict;
  for (const auto& [name, value] : t->tp_dict) {
    dict.push_back({reinterpret_cast<uintptr_t>(name), reinterpret_cast<uintptr_t>(value)});
  }
  std::sort(dict.begin(), dict.end());
  for (const auto& [name, value] : dict) {
    f.push_back({"dictionary name", name});
    f.push_back({"dictionary value", value});
  }
  return f;
}

bool IsArrayType(const TypeObject* t) {
  return t != &PyCArray_Type && PyType_HasFeature(t, Py_TPFLAGS_HEAPTYPE) && t->tp_base == &PyCArray_Type;
}

// The slots of an array type made in a pristine runtime: what RestoreArrayTypes gives back to each.
struct ArraySlots {
  uint64_t flags = 0;
  destructor tp_dealloc = nullptr;
  ternaryfunc tp_call = nullptr;
  Py_ssize_t tp_vectorcall_offset = 0;
  descrgetfunc tp_descr_get = nullptr;
  initproc tp_init = nullptr;
  vectorcallfunc dl_vectorcall_untupled = nullptr;
  uintptr_t number_ref = 0, sequence_ref = 0, mapping_ref = 0, buffer_ref = 0;
  PyNumberMethods as_number;
  PySequenceMethods as_sequence;
  PyMappingMethods as_mapping;
  PyBufferProcs as_buffer;
};

ArraySlots SlotsOf(const TypeObject* t) {
  ArraySlots a;
  a.flags = t->tp_flags & ~Py_TPFLAGS_VALID_VERSION_TAG;
  a.tp_dealloc = t->tp_dealloc;
  a.tp_call = t->tp_call;
  a.tp_vectorcall_offset = t->tp_vectorcall_offset;
  a.tp_descr_get = t->tp_descr_get;
  a.tp_init = t->tp_init;
  a.dl_vectorcall_untupled = t->dl_vectorcall_untupled;
  a.number_ref = SuiteRef(t->tp_as_number, &t->as_number);
  a.sequence_ref = SuiteRef(t->tp_as_sequence, &t->as_sequence);
  a.mapping_ref = SuiteRef(t->tp_as_mapping, &t->as_mapping);
  a.buffer_ref = SuiteRef(t->tp_as_buffer, &t->as_buffer);
  a.as_number = t->as_number;
  a.as_sequence = t->as_sequence;
  a.as_mapping = t->as_mapping;
  a.as_buffer = t->as_buffer;
  return a;
}

template <typename Suite>
Suite* FromRef(uintptr_t ref, Suite* own) {
  if (ref == 0) return nullptr;
  if (ref == 1) return own;
  return reinterpret_cast<Suite*>(ref);
}

struct Pristine {
  absl::flat_hash_map<const TypeObject*, Fields> types;  // the types that existed at the first call
  Fields array_type;        // an array type made then
  ArraySlots array_slots;  // and its slots
  LayerSet layers;
};

std::optional<Pristine>& PristineState() {
  static auto* state = new std::optional<Pristine>();
  return *state;
}

absl::Status Differs(const TypeObject* t, const Fields& now, const Fields& then, absl::string_view against) {
  if (now.size() != then.size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("type ", t->tp_name, " has ", now.size(), " state fields, ", against, " had ", then.size()));
  }
  for (size_t i = 0; i < now.size(); ++i) {
    if (now[i].second != then[i].second) {
      return absl::FailedPreconditionError(absl::StrCat("type ", t->tp_name, ": ", now[i].first, " differs from ",
                                                        against, " (0x", absl::Hex(now[i].second), " vs 0x",
                                                        absl::Hex(then[i].second), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RecordPristineRuntime() {
  std::optional<Pristine>& pristine = PristineState();
  if (!pristine.has_value()) {
    Pristine p;
    p.layers = ActiveLayers();
    TypeObject* array = PyCArrayType_from_ctype(&c_int_Type, 1);
    if (array == nullptr) return absl::InternalError("cannot make the reference array type");
    for (const TypeObject* t : AllTypes()) {
      if (!IsArrayType(t)) p.types[t] = TypeFields(t);
    }
    p.array_type = TypeFields(array);
    p.array_slots = SlotsOf(array);
    pristine = std::move(p);
  }
  return absl::OkStatus();
}

void RestoreArrayTypes() {
  const std::optional<Pristine>& pristine = PristineState();
  if (!pristine.has_value()) return;
  const ArraySlots& a = pristine->array_slots;
  for (TypeObject* t : AllTypes()) {
    if (!IsArrayType(t)) continue;
    t->tp_flags = a.flags | (t->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG);
    t->tp_dealloc = a.tp_dealloc;
    t->tp_call = a.tp_call;
    t->tp_vectorcall_offset = a.tp_vectorcall_offset;
    t->tp_descr_get = a.tp_descr_get;
    t->tp_init = a.tp_init;
    t->dl_vectorcall_untupled = a.dl_vectorcall_untupled;
    t->as_number = a.as_number;
    t->as_sequence = a.as_sequence;
    t->as_mapping = a.as_mapping;
    t->as_buffer = a.as_buffer;
    t->tp_as_number = FromRef(a.number_ref, &t->as_number);
    t->tp_as_sequence = FromRef(a.sequence_ref, &t->as_sequence);
    t->tp_as_mapping = FromRef(a.mapping_ref, &t->as_mapping);
    t->tp_as_buffer = FromRef(a.buffer_ref, &t->as_buffer);
  }
}

absl::Status ResetToPristineRuntime() {
  if (absl::Status s = RecordPristineRuntime(); !s.ok()) return s;
  RestoreArrayTypes();
  return CheckPristineRuntime();
}

absl::Status CheckPristineRuntime() {
  if (absl::Status s = RecordPristineRuntime(); !s.ok()) return s;
  const std::optional<Pristine>& pristine = PristineState();
  if (ActiveLayers() != pristine->layers) {
    return absl::FailedPreconditionError(absl::StrCat("active layers are ", ActiveLayers().ToString(), ", not ",
                                                      pristine->layers.ToString()));
  }
  if (GetArrayInitBody() != ArrayInitBody::kPerElement) {
    return absl::FailedPreconditionError("the Array_init body is not the per-element one");
  }
  for (const TypeObject* t : AllTypes()) {
    const Fields now = TypeFields(t);
    if (auto it = pristine->types.find(t); it != pristine->types.end()) {
      if (absl::Status s = Differs(t, now, it->second, "the pristine runtime"); !s.ok()) return s;
    } else if (IsArrayType(t)) {
      if (absl::Status s = Differs(t, now, pristine->array_type, "a pristine array type"); !s.ok()) return s;
    } else {
      return absl::FailedPreconditionError(absl::StrCat("type ", t->tp_name, " is new and not an array type"));
    }
  }
  return absl::OkStatus();
}

}  // namespace dispatchlab::fuzz
