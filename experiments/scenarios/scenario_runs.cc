// Each function is one call of a scenario, written as the bytecode would run it: the objects a Python
// statement creates (slices, memoryviews, tuples) are created here too.
#include "experiments/scenarios/scenario_runs.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/memoryview.h"
#include "core/ndarray.h"
#include "core/slice.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/sharedctypes.h"
#include "experiments/scenarios/override_class.h"

namespace dispatchlab::scenario_runs {

namespace {

bool Keep(Object* array, ScenarioResult* out) {
  if (array == nullptr) return false;
  out->SetArray(array);
  return true;
}

// `sh[:] = source`: BUILD_SLICE + STORE_SUBSCR (StoreSlice) -> PyObject_SetItem -> mp_ass_subscript.
bool AssignWholeSlice(Object* array, Object* source, ScenarioResult* out) {
  if (array == nullptr) return false;
  out->SetArray(array);
  return StoreSlice(array, nullptr, nullptr, source) == 0;
}

// `memoryview(sh).cast('B').cast(fmt)[:] = source`
bool AssignThroughMemoryview(Object* array, const char* format, Object* source, ScenarioResult* out) {
  if (array == nullptr) return false;
  out->SetArray(array);
  Object* view = PyMemoryView_FromObject(array);
  Object* bytes = view != nullptr ? MemoryView_Cast(view, "B") : nullptr;
  Object* typed = bytes != nullptr ? MemoryView_Cast(bytes, format) : nullptr;
  Object* slice = typed != nullptr ? PySlice_New(nullptr, nullptr, nullptr) : nullptr;
  const int status = slice != nullptr ? MemoryView_AssSubscript(typed, slice, source) : -1;
  Py_XDECREF(slice);
  Py_XDECREF(typed);
  Py_XDECREF(bytes);
  Py_XDECREF(view);
  return status == 0;
}

// A block of the shared heap for the references, as RawArray would get one.
bool AllocateBlock(size_t bytes, Block* block) {
  absl::StatusOr<Block> b = DefaultHeap().Allocate(bytes);
  if (!b.ok()) {
    PyErr_SetString(ExcKind::kOSError, b.status().message());
    return false;
  }
  *block = *b;
  return true;
}

}  // namespace

bool SctInit(const ScenarioInput& in, ScenarioResult* out) {
  return Keep(RawArrayFrom(&c_int_Type, in.numpy()), out);
}

bool SctSubscript(const ScenarioInput& in, ScenarioResult* out) {
  return AssignWholeSlice(RawArrayOfSize(&c_int_Type, in.n()), in.numpy(), out);
}

bool CtInit(const ScenarioInput& in, ScenarioResult* out) {
  return Keep(CtypesArrayFrom(&c_int_Type, in.numpy()), out);
}

bool CtSubscript(const ScenarioInput& in, ScenarioResult* out) {
  return AssignWholeSlice(CtypesArrayOfSize(&c_int_Type, in.n()), in.numpy(), out);
}

bool SctSubscriptTuple(const ScenarioInput& in, ScenarioResult* out) {
  Object* array = RawArrayOfSize(&c_int_Type, in.n());
  if (array == nullptr) return false;
  Object* tuple = PySequence_Tuple(in.numpy());
  if (tuple == nullptr) {
    Py_DECREF(array);
    return false;
  }
  const bool ok = AssignWholeSlice(array, tuple, out);
  Py_DECREF(tuple);
  return ok;
}

bool SctInitList(const ScenarioInput& in, ScenarioResult* out) {
  return Keep(RawArrayFrom(&c_int_Type, in.list()), out);
}

// tuple(lst) is built in the call from the list made beforehand (as the subscript-from-tuple run builds its
// tuple), then RawArray's `__init__(*t)` receives an exact tuple.
bool SctInitTuple(const ScenarioInput& in, ScenarioResult* out) {
  Object* tuple = PySequence_Tuple(in.list());
  if (tuple == nullptr) return false;
  const bool ok = Keep(RawArrayFrom(&c_int_Type, tuple), out);
  Py_DECREF(tuple);
  return ok;
}

bool SctSubscriptList(const ScenarioInput& in, ScenarioResult* out) {
  return AssignWholeSlice(RawArrayOfSize(&c_int_Type, in.n()), in.list(), out);
}

bool SctBufferCopy(const ScenarioInput& in, ScenarioResult* out) {
  return AssignThroughMemoryview(RawArrayOfSize(&c_int64_Type, in.n()), "l", in.numpy(), out);
}

bool SctBufferConvert(const ScenarioInput& in, ScenarioResult* out) {
  Object* array = RawArrayOfSize(&c_int_Type, in.n());
  if (array == nullptr) return false;
  Object* converted = NdArrayAsType(in.numpy(), DType::kInt32);  // np.array(l, dtype=np.int32)
  if (converted == nullptr) {
    Py_DECREF(array);
    return false;
  }
  const bool ok = AssignThroughMemoryview(array, "i", converted, out);
  Py_DECREF(converted);
  return ok;
}

bool SctAlloc(const ScenarioInput& in, ScenarioResult* out) {
  return Keep(RawArrayOfSize(&c_int_Type, in.n()), out);
}

bool SctInitOverride(const ScenarioInput& in, ScenarioResult* out) {
  TypeObject* hooked = HookedArrayType(&c_int_Type, in.n());
  return hooked != nullptr && Keep(RawArrayFromType(hooked, in.numpy()), out);
}

bool SctSubscriptOverride(const ScenarioInput& in, ScenarioResult* out) {
  TypeObject* hooked = HookedArrayType(&c_int_Type, in.n());
  return hooked != nullptr && AssignWholeSlice(RawArrayOfType(hooked), in.numpy(), out);
}

// The hand-written loop: the same int32 values into a block of the same heap.
bool PlainLoop(const ScenarioInput& in, ScenarioResult* out) {
  Block block;
  if (!AllocateBlock(static_cast<size_t>(in.n()) * sizeof(int32_t), &block)) return false;
  int32_t* dst = reinterpret_cast<int32_t*>(block.data);
  const int64_t* src = Int64Data(in.numpy());
  for (int64_t i = 0; i < in.n(); ++i) dst[i] = static_cast<int32_t>(src[i]);
  out->SetBlock(&DefaultHeap(), block);
  return true;
}

bool Memcpy(const ScenarioInput& in, ScenarioResult* out) {
  Block block;
  const size_t bytes = static_cast<size_t>(in.n()) * sizeof(int64_t);
  if (!AllocateBlock(bytes, &block)) return false;
  std::memcpy(block.data, Int64Data(in.numpy()), bytes);
  out->SetBlock(&DefaultHeap(), block);
  return true;
}

}  // namespace dispatchlab::scenario_runs
