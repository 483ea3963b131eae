// The fuzzer's explicit runtime state (fuzz/runtime_state.h): a change an input leaves behind is seen,
// and array types made in an edited runtime get a pristine type's slots back.
#include <catch2/catch.hpp>

#include "core/type.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/lookup.h"
#include "dispatch/runtime.h"
#include "dispatch/slots.h"
#include "fuzz/runtime_state.h"

namespace dispatchlab::fuzz {
namespace {

TEST_CASE("the fuzzer's runtime state check sees a leaked slot and a leaked dictionary entry", "[fuzz]") {
  InitRuntime();
  REQUIRE(ResetToPristineRuntime().ok());
  // A static type's slot changed and not given back.
  const initproc init = PyCArray_Type.tp_init;
  PyCArray_Type.tp_init = nullptr;
  const absl::Status slot = CheckPristineRuntime();
  CHECK(absl::IsFailedPrecondition(slot));
  CHECK(slot.message().find("tp_init") != absl::string_view::npos);
  PyCArray_Type.tp_init = init;
  CHECK(CheckPristineRuntime().ok());
  // A dictionary entry left behind.
  REQUIRE(TypeDictGet(&PyCArray_Type, Id().__index__) == nullptr);
  TypeDictSet(&PyCArray_Type, Id().__index__, TypeDictGet(&PyCArray_Type, Id().__getitem__));
  CHECK_FALSE(CheckPristineRuntime().ok());
  TypeDictSet(&PyCArray_Type, Id().__index__, nullptr);
  CHECK(CheckPristineRuntime().ok());
}

TEST_CASE("an array type made while Array's dictionary was edited gets pristine slots back", "[fuzz]") {
  InitRuntime();
  REQUIRE(ResetToPristineRuntime().ok());
  Object* getitem = TypeDictGet(&PyCArray_Type, Id().__getitem__);
  Py_INCREF(getitem);
  TypeDictSet(&PyCArray_Type, Id().__getitem__, nullptr);
  TypeObject* made = PyCArrayType_from_ctype(&c_int64_Type, 43);  // a length no other test uses
  REQUIRE(made != nullptr);
  TypeDictSet(&PyCArray_Type, Id().__getitem__, getitem);
  Py_DECREF(getitem);
  // Made without __getitem__: its item slots differ from a pristine array type's, and stay so.
  CHECK_FALSE(CheckPristineRuntime().ok());
  RestoreArrayTypes();
  CHECK(CheckPristineRuntime().ok());
  ReleaseCaches();
}

}  // namespace
}  // namespace dispatchlab::fuzz
