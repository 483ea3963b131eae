#include <algorithm>

#include "core/errors.h"
#include "core/layers.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_array.h"
#include "fuzz/cpython_errors.h"
#include "fuzz/interpreter.h"

namespace dispatchlab::fuzz::internal {

absl::Status Interpreter::CheckStored(absl::string_view op, Object* array, Py_ssize_t index, Object* value,
                                      const StoredValue& before, bool failed) {
  if (EditedArrayTypes()) return absl::OkStatus();
  const StoredValue after = ReadBack(array, index);
  if (failed) {
    if (after != before) return Violation(op, "a failed store changed the item");
    return absl::OkStatus();
  }
  const StoredValue expected = ExpectedStore(StgInfoOfType(Py_TYPE(array))->kind, value);
  if (!expected.valid) return Violation(op, "a store of an unconvertible value succeeded");
  if (after != expected) return Violation(op, "the item does not read back as stored");
  return absl::OkStatus();
}

absl::Status Interpreter::OpTypeDictSet() {
  TypeObject* type = in_->Below(4) == 0 || array_types_.empty() ? &PyCArray_Type : ArrayType();
  StrObject* name = DunderName(in_->Byte());
  Object* value = in_->Below(4) == 0 ? nullptr : SlotOrNone();
  Note("%s.%s = <%s>", type->tp_name, name->value, value != nullptr ? Py_TYPE(value)->tp_name : "del");
  const bool seen = std::any_of(edits_.begin(), edits_.end(),
                                [&](const DictEdit& e) { return e.type == type && e.name == name; });
  if (!seen) {
    Object* original = TypeDictGet(type, name);
    Py_XINCREF(original);
    edits_.push_back({type, name, original});
  }
  TypeDictSet(type, name, value);
  if (absl::Status s = CheckOutcome("type dict", false); !s.ok()) return s;
  if (absl::Status s = CheckLookupsAgree("type dict"); !s.ok()) return s;
  return CheckTrampolineAfterEdit(type);
}

// The method cache must never answer with a stale entry: every cached lookup equals the MRO walk.
absl::Status Interpreter::CheckLookupsAgree(absl::string_view op) {
  std::vector<TypeObject*> types = array_types_;
  types.push_back(&PyCArray_Type);
  for (TypeObject* t : types) {
    for (int n = 0; n < kDunderNames; ++n) {
      StrObject* name = DunderName(static_cast<uint8_t>(n));
      if (_PyType_Lookup(t, name) != FindNameInMro(t, name)) {
        return Violation(op, absl::StrCat("stale method cache entry for ", t->tp_name, ".", name->value));
      }
    }
  }
  return absl::OkStatus();
}

// After `__setitem__` changed, the trampoline of an array of that type must follow it: a value that is not
// callable raises "'int' object is not callable", a deleted one AttributeError, both cleanly.
absl::Status Interpreter::CheckTrampolineAfterEdit(TypeObject* edited) {
  for (TypeObject* t : array_types_) {
    if (StgInfoOfType(t)->length < 1 || !PyType_IsSubtype(t, edited)) continue;
    Object* array = GenericPyCData_new(t);
    if (array == nullptr) return Violation("trampoline", "could not allocate a small array");
    Object* found = FindNameInMro(t, Id().__setitem__);
    const int rc = PySequence_SetItem(array, 0, TagInt(1));
    Py_DECREF(array);
    if (found == nullptr) {
      if (rc == 0 || !PyErr_ExceptionMatches(ExcKind::kAttributeError) ||
          CurrentError().message != "__setitem__") {
        return Violation("trampoline", "a deleted __setitem__ must raise AttributeError '__setitem__'");
      }
    } else if (Py_TYPE(found)->tp_call == nullptr && Py_TYPE(found)->tp_descr_get == nullptr) {
      const std::string want = absl::StrFormat("'%s' object is not callable", Py_TYPE(found)->tp_name);
      if (rc == 0 || !PyErr_ExceptionMatches(ExcKind::kTypeError) || CurrentError().message != want) {
        return Violation("trampoline", absl::StrCat("a non-callable __setitem__ must raise TypeError ", want,
                                                    "; got ", FormatCurrentError()));
      }
    }
    if (absl::Status s = CheckOutcome("trampoline", rc < 0); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status Interpreter::OpLookup() {
  Object* self = SlotOrNone();
  const int which = in_->Below(kDunderNames);
  StrObject* name = DunderName(static_cast<uint8_t>(which));
  Note("lookup_maybe_method(<%s>, %s)", Py_TYPE(self)->tp_name, name->value);
  int unbound = 0;
  Object* found = LookupMaybeMethod(self, name, &unbound, &inline_caches_[which]);
  Object* expected = FindNameInMro(Py_TYPE(self), name);
  if ((found == nullptr) != (expected == nullptr) && !PyErr_Occurred()) {
    return Violation("lookup", "the cached lookup and the MRO walk disagree");
  }
  Py_XDECREF(found);
  if (absl::Status s = CheckOutcome("lookup", found == nullptr && PyErr_Occurred()); !s.ok()) return s;
  return CheckLookupsAgree("lookup");
}

// Every layer combination keeps CPython's semantics: the same item get or store through the sequence
// protocol (which reaches the trampolines, the lookup, the call protocol) under two random layer sets must
// succeed or fail alike, with the same error, the same result and the same stored bits.
absl::Status Interpreter::OpDifferential() {
  Object* target = SlotOrNone();
  LayerSet sets[2] = {LayerSet(in_->U24() & LayerSet::All().bits()),
                      LayerSet(in_->U24() & LayerSet::All().bits())};
  // The two layers whose meaning changes what runs when a dictionary has been edited, so both runs share
  // them then. With `trampoline` off (the seed's patch A) Array_init stores through Array_ass_item and so
  // bypasses an overridden __setitem__, by design. With `method_wrapper` on (3.6's chain) a foreign slot
  // wrapper fails in descr_check, before binding, with its own message; with it off (3.8 and later) in
  // wrapperdescr_call, with another: each is CPython's for its release (docs/call-protocol.md).
  if (EditedArrayTypes()) {
    sets[1] = sets[1]
                  .Set(Layer::kTrampoline, sets[0].Has(Layer::kTrampoline))
                  .Set(Layer::kMethodWrapper, sets[0].Has(Layer::kMethodWrapper));
  }
  const Py_ssize_t i = values_.Index();
  Object* value = in_->Bool() ? SlotOrNone() : nullptr;
  if (!PyCArray_Check(target)) return absl::OkStatus();
  Note("differential %s [%d] (%s) under %s / %s", value != nullptr ? "store" : "get", i,
       Py_TYPE(target)->tp_name, sets[0].ToString(), sets[1].ToString());
  const Py_ssize_t n = Array_length(target);
  const Py_ssize_t fixed = i < 0 ? i + n : i;
  const bool in_range = fixed >= 0 && fixed < n;
  const StoredValue before = in_range ? ReadBack(target, fixed) : StoredValue();
  std::string outcome[2];
  const LayerSet saved = ActiveLayers();
  for (int k = 0; k < 2; ++k) {
    SetActiveLayers(sets[k]);
    bool failed = false;
    if (value != nullptr) {
      failed = PySequence_SetItem(target, i, value) < 0;
      if (in_range) {
        outcome[k] = absl::StrCat("item ", ReadBack(target, fixed).bits);
        WriteBack(target, fixed, before);
      }
    } else {
      Object* r = PySequence_GetItem(target, i);
      failed = r == nullptr;
      outcome[k] = DescribeResult(r);
      Py_XDECREF(r);
    }
    if (failed) absl::StrAppend(&outcome[k], " ", FormatCurrentError());
    SetActiveLayers(saved);
    if (absl::Status s = CheckOutcome("differential", failed); !s.ok()) return s;
  }
  if (outcome[0] != outcome[1]) {
    return Violation("differential", absl::StrCat("layers ", sets[0].ToString(), ": ", outcome[0],
                                                  "; layers ", sets[1].ToString(), ": ", outcome[1]));
  }
  return absl::OkStatus();
}

}  // namespace dispatchlab::fuzz::internal
