// The slot table and CPython's rule: which slots of a heap subtype stay C functions and which become
// generic trampolines. Nothing here is hard-coded in the rule: the outcomes follow from the table.
#include "dispatch/slots.h"

#include <vector>

#include "core/type.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/descr.h"
#include "dispatch/trampolines.h"
#include "dispatch/wrappers.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;

template <typename F>
void* Fn(F f) {
  return reinterpret_cast<void*>(f);
}

TEST_CASE("the Array base type keeps its C functions in every slot") {
  RuntimeScope scope;
  CHECK(GetSlot(&PyCArray_Type, SlotId::kSqAssItem) == Fn(&Array_ass_item));
  CHECK(GetSlot(&PyCArray_Type, SlotId::kSqItem) == Fn(&Array_item));
  CHECK(GetSlot(&PyCArray_Type, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
  CHECK(GetSlot(&PyCArray_Type, SlotId::kMpSubscript) == Fn(&Array_subscript));
}

TEST_CASE("Array publishes the mapping wrapper under __setitem__") {
  RuntimeScope scope;
  Object* descr = TypeDictGet(&PyCArray_Type, Id().__setitem__);
  REQUIRE(descr != nullptr);
  REQUIRE(PyWrapperDescr_Check(descr));
  WrapperDescrObject* d = AsWrapperDescr(descr);
  CHECK(d->d_base->slot == SlotId::kMpAssSubscript);
  CHECK(d->d_base->wrapper == &wrap_objobjargproc);
  CHECK(d->d_wrapped == Fn(&Array_ass_subscript));
  Object* getitem = TypeDictGet(&PyCArray_Type, Id().__getitem__);
  REQUIRE(getitem != nullptr);
  CHECK(AsWrapperDescr(getitem)->d_base->slot == SlotId::kMpSubscript);
}

TEST_CASE("c_int * n gets generic sequence item slots and direct mapping slots") {
  RuntimeScope scope;
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 5);
  REQUIRE(type != nullptr);
  CHECK(PyType_HasFeature(type, Py_TPFLAGS_HEAPTYPE));
  CHECK(type->tp_name == "c_int_Array_5");
  CHECK(GetSlot(type, SlotId::kSqAssItem) == Fn(&slot_sq_ass_item));
  CHECK(GetSlot(type, SlotId::kSqItem) == Fn(&slot_sq_item));
  CHECK(GetSlot(type, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
  CHECK(GetSlot(type, SlotId::kMpSubscript) == Fn(&Array_subscript));
  CHECK(GetSlot(type, SlotId::kSqLength) == Fn(&Array_length));  // both __len__ wrappers are wrap_lenfunc
  CHECK(GetSlot(type, SlotId::kMpLength) == Fn(&Array_length));
  CHECK(GetSlot(type, SlotId::kTpInit) == Fn(&Array_init));
  CHECK(PyCArrayType_from_ctype(&c_int_Type, 5) == type);  // cached by (item type, length)
  CHECK(PyCArrayType_from_ctype(&c_int_Type, 6) != type);
}

// A type that fills only sq_ass_item publishes the *sequence* wrapper; a subtype can then prove the
// slot's C function and keeps it: the trampoline comes from the two-slots-one-name conflict alone.
int OnlySeqAssItem(Object*, Py_ssize_t, Object*) { return 0; }

TEST_CASE("a subtype keeps a C slot when its name feeds only one filled slot") {
  RuntimeScope scope;
  static TypeObject only_seq;
  static PySequenceMethods seq;
  static bool ready = false;
  if (!ready) {
    InitStaticType(&only_seq, "OnlySeq", &PyBaseObject_Type, sizeof(Object), 0);
    seq.sq_ass_item = OnlySeqAssItem;
    only_seq.tp_as_sequence = &seq;
    PyType_Ready(&only_seq);
    ready = true;
  }
  Object* descr = TypeDictGet(&only_seq, Id().__setitem__);
  REQUIRE(descr != nullptr);
  CHECK(AsWrapperDescr(descr)->d_base->wrapper == &wrap_sq_setitem);
  TypeObject* sub = TypeNew("OnlySeqSub", &only_seq, &PyType_Type, nullptr);
  CHECK(GetSlot(sub, SlotId::kSqAssItem) == Fn(&OnlySeqAssItem));
  CHECK(GetSlot(sub, SlotId::kMpAssSubscript) == nullptr);
}

TEST_CASE("overriding __setitem__ in a subtype's dictionary makes both slots generic") {
  RuntimeScope scope;
  TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, 7);
  TypeObject* sub = TypeNew("MyArray", type, &PyCArrayType_Type, kCtypesModuleDef);
  Object* not_a_wrapper = PyLong_FromSsize_t(1);
  TypeDictSet(sub, Id().__setitem__, not_a_wrapper);
  FixupSlotDispatchers(sub);
  CHECK(GetSlot(sub, SlotId::kMpAssSubscript) == Fn(&slot_mp_ass_subscript));
  CHECK(GetSlot(sub, SlotId::kSqAssItem) == Fn(&slot_sq_ass_item));
  TypeDictSet(sub, Id().__setitem__, nullptr);
  Py_DECREF(not_a_wrapper);
}

TEST_CASE("the slot table lists mapping entries before sequence entries") {
  const std::vector<SlotDef>& defs = SlotDefs();
  int mp_setitem = -1, sq_setitem = -1;
  for (size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].name_text == "__setitem__" && defs[i].slot == SlotId::kMpAssSubscript)
      mp_setitem = static_cast<int>(i);
    if (defs[i].name_text == "__setitem__" && defs[i].slot == SlotId::kSqAssItem)
      sq_setitem = static_cast<int>(i);
  }
  REQUIRE(mp_setitem >= 0);
  REQUIRE(sq_setitem >= 0);
  CHECK(mp_setitem < sq_setitem);
  CHECK(SlotName(SlotId::kSqAssItem) == "sq_ass_item");
}

// The accessors generated from dispatch/slots.def: every slot reads back what was stored in it, in the
// member the row names, and a missing suite is pointed at the type's own storage.
TEST_CASE("GetSlot and SetSlot reach every slot of the slot list through its member") {
  TypeObject bare;
  std::vector<int> markers(16);
  const std::vector<SlotId> slots = {
#define DISPATCHLAB_SLOT(Id, suite, member, signature) SlotId::k##Id,
#include "dispatch/slots.def"
  };
  REQUIRE(slots.size() <= markers.size());
  for (SlotId slot : slots) CHECK(GetSlot(&bare, slot) == nullptr);
  for (size_t i = 0; i < slots.size(); ++i) SetSlot(&bare, slots[i], &markers[i]);
  for (size_t i = 0; i < slots.size(); ++i) {
    INFO(SlotName(slots[i]));
    CHECK(GetSlot(&bare, slots[i]) == &markers[i]);
  }
  CHECK(bare.tp_as_sequence == &bare.as_sequence);
  CHECK(bare.tp_as_mapping == &bare.as_mapping);
  CHECK(bare.tp_as_number == &bare.as_number);
  CHECK(Fn(bare.as_sequence.sq_ass_item) == Fn(GetSlot(&bare, SlotId::kSqAssItem)));
  CHECK(Fn(bare.as_mapping.mp_ass_subscript) == Fn(GetSlot(&bare, SlotId::kMpAssSubscript)));
  CHECK(Fn(bare.tp_init) == Fn(GetSlot(&bare, SlotId::kTpInit)));
  CHECK(Fn(bare.as_number.nb_index) == Fn(GetSlot(&bare, SlotId::kNbIndex)));
}

}  // namespace
}  // namespace dispatchlab
