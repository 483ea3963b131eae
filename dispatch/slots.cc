#include "dispatch/slots.h"

#include <algorithm>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "core/type.h"
#include "dispatch/descr.h"
#include "dispatch/trampolines.h"
#include "dispatch/wrappers.h"

namespace dispatchlab {

namespace {
template <typename F>
void* Untyped(F f) {
  return reinterpret_cast<void*>(f);
}
}  // namespace

const std::vector<SlotDef>& SlotDefs() {
  static const std::vector<SlotDef> table = {
#define DISPATCHLAB_SLOTDEF(name, Id, function, wrapper) \
  {Intern(name), name, SlotId::k##Id, Untyped(&function), &wrapper},
#include "dispatch/slotdefs.def"
  };
  return table;
}

namespace {

// Where a slot lives (the `suite` column of dispatch/slots.def): the type object itself, or a suite that a
// heap type owns (its storage, PyHeapTypeObject's as_number, ...).
namespace suites {
struct tp {};
template <auto kPointer, auto kStorage>
struct In {};
using tp_as_number = In<&TypeObject::tp_as_number, &TypeObject::as_number>;
using tp_as_mapping = In<&TypeObject::tp_as_mapping, &TypeObject::as_mapping>;
using tp_as_sequence = In<&TypeObject::tp_as_sequence, &TypeObject::as_sequence>;
}  // namespace suites

// The struct a suite's slots are members of.
template <typename Suite>
struct SuiteStruct;
template <>
struct SuiteStruct<suites::tp> {
  using type = TypeObject;
};
template <typename S, S* TypeObject::*kPointer, S TypeObject::*kStorage>
struct SuiteStruct<suites::In<kPointer, kStorage>> {
  using type = S;
};

// A slot's accessors, from its suite and its pointer to member.
template <typename Suite, auto kMember>
struct SlotAccess;
template <typename F, F TypeObject::*kMember>
struct SlotAccess<suites::tp, kMember> {
  static void* Get(const TypeObject* type) { return Untyped(type->*kMember); }
  static void Set(TypeObject* type, void* function) { type->*kMember = reinterpret_cast<F>(function); }
};
template <typename S, S* TypeObject::*kPointer, S TypeObject::*kStorage, typename F, F S::*kMember>
struct SlotAccess<suites::In<kPointer, kStorage>, kMember> {
  static void* Get(const TypeObject* type) {
    const S* suite = type->*kPointer;
    return suite == nullptr ? nullptr : Untyped(suite->*kMember);
  }
  static void Set(TypeObject* type, void* function) {
    if (type->*kPointer == nullptr) type->*kPointer = &(type->*kStorage);
    (type->*kPointer)->*kMember = reinterpret_cast<F>(function);
  }
};

struct SlotAccessors {
  void* (*get)(const TypeObject* type);
  void (*set)(TypeObject* type, void* function);
};

// Indexed by SlotId (the order of dispatch/slots.def).
constexpr SlotAccessors kSlotAccessors[] = {
#define DISPATCHLAB_SLOT(Id, suite, member, signature)                         \
  {&SlotAccess<suites::suite, &SuiteStruct<suites::suite>::type::member>::Get, \
   &SlotAccess<suites::suite, &SuiteStruct<suites::suite>::type::member>::Set},
#include "dispatch/slots.def"
};

// The signature column is the member's type: a row that disagrees does not compile.
#define DISPATCHLAB_SLOT(Id, suite, member, signature)                                         \
  static_assert(std::is_same_v<decltype(SuiteStruct<suites::suite>::type::member), signature>, \
                #member " is not a " #signature);
#include "dispatch/slots.def"

}  // namespace

void* GetSlot(const TypeObject* type, SlotId slot) {
  return kSlotAccessors[static_cast<int>(slot)].get(type);
}

void SetSlot(TypeObject* type, SlotId slot, void* function) {
  kSlotAccessors[static_cast<int>(slot)].set(type, function);
}

absl::string_view SlotName(SlotId slot) {
  switch (slot) {
#define DISPATCHLAB_SLOT(Id, suite, member, signature) \
  case SlotId::k##Id:                                  \
    return #member;
#include "dispatch/slots.def"
  }
  return "?";
}

// add_operators: one wrapper descriptor per filled slot, first entry for a name wins.
void PyType_Ready(TypeObject* type) {
  const bool was_ready = PyType_HasFeature(type, Py_TPFLAGS_READY);
  ReadyBase(type);
  if (was_ready && !type->tp_dict.empty()) return;
  for (const SlotDef& def : SlotDefs()) {
    void* function = GetSlot(type, def.slot);
    if (function == nullptr) continue;
    if (type->tp_base != nullptr && function == GetSlot(type->tp_base, def.slot)) continue;  // inherited
    if (type->tp_dict.contains(def.name)) continue;
    Object* descr = PyDescr_NewWrapper(type, &def, function);
    type->tp_dict[def.name] = descr;  // the dictionary owns the new reference
  }
}

namespace {

// resolve_slotdups: the one slot, among those fed by `name`, that the type fills; nullptr when several
// (or none) are filled.
const SlotDef* ResolveSlotDups(TypeObject* type, StrObject* name) {
  const SlotDef* found = nullptr;
  for (const SlotDef& def : SlotDefs()) {
    if (def.name != name) continue;
    if (GetSlot(type, def.slot) == nullptr) continue;
    if (found != nullptr && found->slot != def.slot) return nullptr;
    found = &def;
  }
  return found;
}

// update_one_slot: the entries [first, last) share one slot.
void UpdateOneSlot(TypeObject* type, const SlotDef* first, const SlotDef* last) {
  void* generic = nullptr;
  void* specific = nullptr;
  bool use_generic = false;
  for (const SlotDef* p = first; p != last; ++p) {
    Object* descr = FindNameInMro(type, p->name);
    if (descr == nullptr) continue;
    if (PyWrapperDescr_Check(descr) && AsWrapperDescr(descr)->d_base->name == p->name) {
      const SlotDef* dup = ResolveSlotDups(type, p->name);
      if (dup == nullptr || dup->slot == p->slot) generic = p->function;
      WrapperDescrObject* d = AsWrapperDescr(descr);
      if ((specific == nullptr || specific == d->d_wrapped) && d->d_base->wrapper == p->wrapper &&
          PyType_IsSubtype(type, d->d_type)) {
        specific = d->d_wrapped;
      } else {
        // Not unique, wrong signature (the wrapper differs), or wrapping another class.
        use_generic = true;
      }
    } else {
      use_generic = true;
      generic = p->function;
    }
  }
  SetSlot(type, first->slot, (specific != nullptr && !use_generic) ? specific : generic);
}

}  // namespace

void FixupSlotDispatchers(TypeObject* type) {
  const std::vector<SlotDef>& defs = SlotDefs();
  const SlotDef* p = defs.data();
  const SlotDef* end = defs.data() + defs.size();
  while (p != end) {
    const SlotDef* group_end = p;
    while (group_end != end && group_end->slot == p->slot) ++group_end;
    UpdateOneSlot(type, p, group_end);
    p = group_end;
  }
}

namespace {

// The [first, last) group of slotdefs sharing the slot of `def` (update_slot rewinds each entry to the
// first of its group: update_one_slot considers the whole group).
std::pair<const SlotDef*, const SlotDef*> SlotGroupOf(const SlotDef* def) {
  const std::vector<SlotDef>& defs = SlotDefs();
  const SlotDef* begin = defs.data();
  const SlotDef* end = defs.data() + defs.size();
  const SlotDef* first = def;
  while (first != begin && (first - 1)->slot == def->slot) --first;
  const SlotDef* last = def;
  while (last != end && last->slot == def->slot) ++last;
  return {first, last};
}

using SlotGroups = std::vector<std::pair<const SlotDef*, const SlotDef*>>;

void RecurseDownSubclasses(TypeObject* type, StrObject* name, const SlotGroups& groups);

// update_subclasses: the callback (update_slots_callback) on `type`, then on its subclasses.
void UpdateSubclasses(TypeObject* type, StrObject* name, const SlotGroups& groups) {
  for (const auto& [first, last] : groups) UpdateOneSlot(type, first, last);
  RecurseDownSubclasses(type, name, groups);
}

// recurse_down_subclasses: a subclass that defines `name` itself is unaffected, and so are its own
// subclasses (they inherit the subclass's definition).
void RecurseDownSubclasses(TypeObject* type, StrObject* name, const SlotGroups& groups) {
  for (TypeObject* sub : type->tp_subclasses) {
    if (TypeDictGet(sub, name) != nullptr) continue;
    UpdateSubclasses(sub, name, groups);
  }
}

}  // namespace

int UpdateSlot(TypeObject* type, StrObject* name) {
  SlotGroups groups;
  for (const SlotDef& def : SlotDefs()) {
    if (def.name != name) continue;
    const auto group = SlotGroupOf(&def);
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  if (groups.empty()) return 0;  // not an attribute that affects any slot
  UpdateSubclasses(type, name, groups);
  return 0;
}

TypeObject* TypeNew(absl::string_view name, TypeObject* base, TypeObject* metatype, const void* module,
                    const ClassBody& body) {
  auto* type = new TypeObject();
  InitStaticObject(&type->ob_base, metatype);  // heap types live as long as the process (cached)
  type->tp_name = std::string(name);
  type->tp_base = base;
  type->tp_flags = Py_TPFLAGS_HEAPTYPE;
  type->dl_module = module;
  for (const auto& [key, value] : body) {
    Py_INCREF(value);
    Object*& slot = type->tp_dict[key];
    Py_XDECREF(slot);  // a name bound twice keeps the last value, as a class body does
    slot = value;
  }
  RegisterType(type);
  ReadyBase(type);
  FixupSlotDispatchers(type);
  return type;
}

}  // namespace dispatchlab
