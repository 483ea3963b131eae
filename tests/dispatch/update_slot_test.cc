// Class creation with a body and update_slot: a heap type made with __setitem__ in its dictionary gets
// the generic slots by the slot table's rule, and setting or deleting a slot dunder on a type later
// re-chooses the slots of the type and of its subclasses (type_setattro -> update_slot ->
// update_subclasses / recurse_down_subclasses, Objects/typeobject.c).
#include "core/long.h"
#include "core/type.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/slots.h"
#include "dispatch/trampolines.h"
#include "dispatch/typeattr.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::RuntimeScope;
using testing::TakeError;

template <typename F>
void* Fn(F f) {
  return reinterpret_cast<void*>(f);
}

// A fresh array type per test (the (item, length) cache would otherwise share subclasses between tests).
TypeObject* FreshArrayType(Py_ssize_t length) { return PyCArrayType_from_ctype(&c_int_Type, length); }

TEST_CASE("a class body defining __setitem__ makes both slots generic and keeps the others") {
  RuntimeScope scope;
  TypeObject* base = FreshArrayType(101);
  Object* hook = PyLong_FromSsize_t(1000);  // any object that is not a wrapper descriptor of the slot
  TypeObject* sub =
      TypeNew("HookedBody", base, &PyCArrayType_Type, kCtypesModuleDef, {{Id().__setitem__, hook}});
  CHECK(TypeDictGet(sub, Id().__setitem__) == hook);
  CHECK(GetSlot(sub, SlotId::kMpAssSubscript) == Fn(&slot_mp_ass_subscript));
  CHECK(GetSlot(sub, SlotId::kSqAssItem) == Fn(&slot_sq_ass_item));
  // Names the body does not define keep what the base's rule chose.
  CHECK(GetSlot(sub, SlotId::kMpSubscript) == Fn(&Array_subscript));
  CHECK(GetSlot(sub, SlotId::kTpInit) == Fn(&Array_init));
  // Without a body, the same base gives the mapping store back directly.
  TypeObject* plain = TypeNew("PlainSub", base, &PyCArrayType_Type, kCtypesModuleDef);
  CHECK(GetSlot(plain, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
  REQUIRE(type_setattro(sub, Id().__setitem__, nullptr) == 0);  // give the int back
  Py_DECREF(hook);
}

TEST_CASE("setting and deleting __setitem__ on a type updates its slots and its subclasses'") {
  RuntimeScope scope;
  TypeObject* base = FreshArrayType(102);
  TypeObject* sub = TypeNew("Sub", base, &PyCArrayType_Type, kCtypesModuleDef);
  TypeObject* subsub = TypeNew("SubSub", sub, &PyCArrayType_Type, kCtypesModuleDef);
  for (TypeObject* t : {sub, subsub}) {
    REQUIRE(GetSlot(t, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
    REQUIRE(GetSlot(t, SlotId::kSqAssItem) == Fn(&slot_sq_ass_item));
  }
  Object* hook = PyLong_FromSsize_t(1001);
  REQUIRE(type_setattro(sub, Id().__setitem__, hook) == 0);
  for (TypeObject* t : {sub, subsub}) {
    INFO(t->tp_name);
    CHECK(GetSlot(t, SlotId::kMpAssSubscript) == Fn(&slot_mp_ass_subscript));
    CHECK(GetSlot(t, SlotId::kSqAssItem) == Fn(&slot_sq_ass_item));
  }
  CHECK(GetSlot(base, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));  // the base is unaffected
  REQUIRE(type_setattro(sub, Id().__setitem__, nullptr) == 0);
  for (TypeObject* t : {sub, subsub}) {
    INFO(t->tp_name);
    CHECK(GetSlot(t, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
    CHECK(GetSlot(t, SlotId::kSqAssItem) == Fn(&slot_sq_ass_item));  // the two-slots-one-name rule
  }
  Py_DECREF(hook);
}

TEST_CASE("update_slot does not reach a subclass that defines the name itself") {
  RuntimeScope scope;
  TypeObject* base = FreshArrayType(103);
  Object* own = PyLong_FromSsize_t(1002);
  TypeObject* sub = TypeNew("Sub", base, &PyCArrayType_Type, kCtypesModuleDef);
  TypeObject* defines = TypeNew("Defines", sub, &PyCArrayType_Type, kCtypesModuleDef, {{Id().__len__, own}});
  TypeObject* below = TypeNew("Below", defines, &PyCArrayType_Type, kCtypesModuleDef);
  REQUIRE(GetSlot(defines, SlotId::kMpLength) == Fn(&slot_mp_length));
  Object* other = PyLong_FromSsize_t(1003);
  REQUIRE(type_setattro(sub, Id().__len__, other) == 0);
  REQUIRE(type_setattro(sub, Id().__len__, nullptr) == 0);
  CHECK(GetSlot(sub, SlotId::kMpLength) == Fn(&Array_length));
  // `Defines` and its own subclass still find Defines.__len__: generic, as before.
  CHECK(GetSlot(defines, SlotId::kMpLength) == Fn(&slot_mp_length));
  CHECK(GetSlot(below, SlotId::kMpLength) == Fn(&slot_mp_length));
  CHECK(TypeDictGet(defines, Id().__len__) == own);
  REQUIRE(type_setattro(defines, Id().__len__, nullptr) == 0);
  CHECK(GetSlot(below, SlotId::kMpLength) == Fn(&Array_length));
  Py_DECREF(own);
  Py_DECREF(other);
}

TEST_CASE("a name that feeds no slot changes no slot; errors are CPython's") {
  RuntimeScope scope;
  TypeObject* base = FreshArrayType(104);
  TypeObject* sub = TypeNew("Sub", base, &PyCArrayType_Type, kCtypesModuleDef);
  Object* value = PyLong_FromSsize_t(1004);
  StrObject* calls = Intern("calls");
  REQUIRE(type_setattro(sub, calls, value) == 0);
  CHECK(TypeDictGet(sub, calls) == value);
  CHECK(GetSlot(sub, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
  Object* got = type_getattro(sub, calls);
  CHECK(got == value);
  Py_XDECREF(got);
  REQUIRE(type_setattro(sub, calls, nullptr) == 0);
  CHECK(type_setattro(sub, calls, nullptr) == -1);
  CHECK(TakeError() == "AttributeError: type object 'Sub' has no attribute 'calls'");
  CHECK(type_getattro(sub, calls) == nullptr);
  CHECK(TakeError() == "AttributeError: type object 'Sub' has no attribute 'calls'");
  CHECK(type_setattro(&PyCArray_Type, Id().__setitem__, value) == -1);
  CHECK(TakeError() == "TypeError: cannot set '__setitem__' attribute of immutable type '_ctypes.Array'");
  CHECK(GetSlot(&PyCArray_Type, SlotId::kMpAssSubscript) == Fn(&Array_ass_subscript));
  Py_DECREF(value);
}

TEST_CASE("type_getattro returns the wrapper descriptor of the base for Base.__setitem__") {
  RuntimeScope scope;
  TypeObject* base = FreshArrayType(105);
  Object* descr = type_getattro(base, Id().__setitem__);
  REQUIRE(descr != nullptr);
  CHECK(descr == TypeDictGet(&PyCArray_Type, Id().__setitem__));
  Py_DECREF(descr);
}

}  // namespace
}  // namespace dispatchlab
