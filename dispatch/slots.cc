#include "dispatch/slots.h"

#include <algorithm>

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

void* GetSlot(const TypeObject* type, SlotId slot) {
  const PyNumberMethods* nb = type->tp_as_number;
  const PyMappingMethods* mp = type->tp_as_mapping;
  const PySequenceMethods* sq = type->tp_as_sequence;
  switch (slot) {
    case SlotId::kTpCall: return Untyped(type->tp_call);
    case SlotId::kTpDescrGet: return Untyped(type->tp_descr_get);
    case SlotId::kTpInit: return Untyped(type->tp_init);
    case SlotId::kNbIndex: return nb == nullptr ? nullptr : Untyped(nb->nb_index);
    case SlotId::kMpLength: return mp == nullptr ? nullptr : Untyped(mp->mp_length);
    case SlotId::kMpSubscript: return mp == nullptr ? nullptr : Untyped(mp->mp_subscript);
    case SlotId::kMpAssSubscript: return mp == nullptr ? nullptr : Untyped(mp->mp_ass_subscript);
    case SlotId::kSqLength: return sq == nullptr ? nullptr : Untyped(sq->sq_length);
    case SlotId::kSqItem: return sq == nullptr ? nullptr : Untyped(sq->sq_item);
    case SlotId::kSqAssItem: return sq == nullptr ? nullptr : Untyped(sq->sq_ass_item);
  }
  return nullptr;
}

namespace {
template <typename T>
T* SuiteOf(TypeObject* type, T* TypeObject::*suite, T TypeObject::*storage) {
  if (type->*suite == nullptr) type->*suite = &(type->*storage);
  return type->*suite;
}
}  // namespace

void SetSlot(TypeObject* type, SlotId slot, void* function) {
  switch (slot) {
    case SlotId::kTpCall: type->tp_call = reinterpret_cast<ternaryfunc>(function); return;
    case SlotId::kTpDescrGet: type->tp_descr_get = reinterpret_cast<descrgetfunc>(function); return;
    case SlotId::kTpInit: type->tp_init = reinterpret_cast<initproc>(function); return;
    case SlotId::kNbIndex:
      SuiteOf(type, &TypeObject::tp_as_number, &TypeObject::as_number)->nb_index =
          reinterpret_cast<unaryfunc>(function);
      return;
    case SlotId::kMpLength:
      SuiteOf(type, &TypeObject::tp_as_mapping, &TypeObject::as_mapping)->mp_length =
          reinterpret_cast<lenfunc>(function);
      return;
    case SlotId::kMpSubscript:
      SuiteOf(type, &TypeObject::tp_as_mapping, &TypeObject::as_mapping)->mp_subscript =
          reinterpret_cast<binaryfunc>(function);
      return;
    case SlotId::kMpAssSubscript:
      SuiteOf(type, &TypeObject::tp_as_mapping, &TypeObject::as_mapping)->mp_ass_subscript =
          reinterpret_cast<objobjargproc>(function);
      return;
    case SlotId::kSqLength:
      SuiteOf(type, &TypeObject::tp_as_sequence, &TypeObject::as_sequence)->sq_length =
          reinterpret_cast<lenfunc>(function);
      return;
    case SlotId::kSqItem:
      SuiteOf(type, &TypeObject::tp_as_sequence, &TypeObject::as_sequence)->sq_item =
          reinterpret_cast<ssizeargfunc>(function);
      return;
    case SlotId::kSqAssItem:
      SuiteOf(type, &TypeObject::tp_as_sequence, &TypeObject::as_sequence)->sq_ass_item =
          reinterpret_cast<ssizeobjargproc>(function);
      return;
  }
}

absl::string_view SlotName(SlotId slot) {
  switch (slot) {
#define DISPATCHLAB_SLOT(Id, suite, member, signature) \
  case SlotId::k##Id:                                    \
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
