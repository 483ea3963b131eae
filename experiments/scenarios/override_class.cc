#include "experiments/scenarios/override_class.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/code.h"
#include "core/errors.h"
#include "core/function.h"
#include "core/str.h"
#include "dispatch/call.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/slots.h"
#include "dispatch/typeattr.h"

namespace dispatchlab {

namespace {

// The module's globals: `from ctypes import Array`.
TypeDict& ModuleGlobals() {
  static auto* globals = new TypeDict{{Intern("Array"), AsObject(&PyCArray_Type)}};
  return *globals;
}

// The body compiled to C: __Pyx_GetModuleGlobalName("Array"), __Pyx_PyObject_GetAttrStr(.., "__setitem__"),
// a vectorcall with (self, i, v), the result dropped, None returned. The same lookups and calls as the
// bytecode, without a frame or an instruction dispatch.
Object* SetitemCompiled(Object* func, Object* const* args, Py_ssize_t /*nargs*/) {
  TypeDict* globals = AsFunction(func)->func_globals;
  const PyCodeObject* co = AsCode(AsFunction(func)->func_code);
  StrObject* array_name = co->co_names[0];
  Count(Counter::kDictProbes);
  auto it = globals->find(array_name);
  if (it == globals->end()) {
    PyErr_Format(ExcKind::kNameError, "name '%s' is not defined", array_name->value);
    return nullptr;
  }
  Object* method = PyObject_GetAttr(it->second, co->co_names[1]);
  if (method == nullptr) return nullptr;
  Object* result = PyObject_Vectorcall(method, args, 3, nullptr);
  Py_DECREF(method);
  if (result == nullptr) return nullptr;
  Py_DECREF(result);
  return Py_NewRef(Py_None);
}

Object* MakeSetitemFunction() {
  using O = Opcode;
  // `dis` of the body on CPython 3.11 (docs/why.md quotes it), without the inline cache entries.
  std::vector<CodeUnit> code = {
      {O::kResume, 0},   {O::kLoadGlobal, 0}, {O::kLoadMethod, 1},  {O::kLoadFast, 0},
      {O::kLoadFast, 1}, {O::kLoadFast, 2},   {O::kPrecall, 3},     {O::kCall, 3},
      {O::kPopTop, 0},   {O::kLoadConst, 0},  {O::kReturnValue, 0},
  };
  Object* co = PyCode_New("__setitem__", /*argcount=*/3, /*nlocals=*/3, /*stacksize=*/5, std::move(code),
                          {Py_None}, {Intern("Array"), Id().__setitem__}, SetitemCompiled);
  if (co == nullptr) return nullptr;
  Object* func = PyFunction_New(co, &ModuleGlobals(), Intern("Hooked.__setitem__"));
  Py_DECREF(co);
  if (func == nullptr) return nullptr;
  // Module-level state lives for the process: neither the function nor its code counts as alive.
  _Py_SetImmortal(AsFunction(func)->func_code);
  _Py_SetImmortal(func);
  return func;
}

}  // namespace

Object* HookedSetitemFunction() {
  static Object* func = MakeSetitemFunction();
  return func;
}

TypeObject* HookedArrayType(TypeObject* itemtype, Py_ssize_t n) {
  static auto* cache = new absl::flat_hash_map<std::pair<TypeObject*, Py_ssize_t>, TypeObject*>();
  const auto key = std::make_pair(itemtype, n);
  if (auto it = cache->find(key); it != cache->end()) return it->second;
  TypeObject* base = PyCArrayType_from_ctype(itemtype, n);
  if (base == nullptr) return nullptr;
  Object* func = HookedSetitemFunction();
  if (func == nullptr) return nullptr;
  TypeObject* type = TypeNew(absl::StrCat("Hooked_", base->tp_name), base, &PyCArrayType_Type,
                             kCtypesModuleDef, {{Id().__setitem__, func}});
  cache->emplace(key, type);
  return type;
}

}  // namespace dispatchlab
