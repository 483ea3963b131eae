#include "fuzz/ops.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/errors.h"
#include "core/float.h"
#include "core/layers.h"
#include "core/list.h"
#include "core/long.h"
#include "core/memoryview.h"
#include "core/ndarray.h"
#include "core/runtime.h"
#include "core/shared_heap.h"
#include "core/slice.h"
#include "core/tuple.h"
#include "core/type.h"
#include "dispatch/abstract.h"
#include "dispatch/call.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/lookup.h"
#include "dispatch/runtime.h"
#include "dispatch/sharedctypes.h"
#include "dispatch/slots.h"
#include "fuzz/byte_reader.h"
#include "fuzz/cpython_errors.h"
#include "fuzz/interpreter.h"
#include "fuzz/runtime_state.h"
#include "fuzz/values.h"

namespace dispatchlab::fuzz {
namespace internal {

bool g_trace_echo = false;

absl::Status Interpreter::CheckOutcome(absl::string_view op, bool failed) {
  if (!failed) {
    if (PyErr_Occurred()) {
      return Violation(op, absl::StrCat("succeeded with an error left pending: ", FormatCurrentError()));
    }
    return absl::OkStatus();
  }
  if (!PyErr_Occurred()) return Violation(op, "failed without setting an error");
  if (!IsCPythonError(CurrentError())) {
    return Violation(op, absl::StrCat("raised an error CPython does not raise here: ", FormatCurrentError()));
  }
  Note("  -> %s", FormatCurrentError());
  PyErr_Clear();
  return absl::OkStatus();
}

absl::Status Interpreter::OpNewValue() {
  const int slot = Slot();
  Object* o = values_.Make(slots_, kSlots, array_types_);
  Note("new value slot %d: %s", slot, o != nullptr ? Py_TYPE(o)->tp_name : "(failed)");
  if (absl::Status s = CheckOutcome("new value", o == nullptr); !s.ok()) return s;
  Put(slot, o);
  return absl::OkStatus();
}

absl::Status Interpreter::OpMakeArrayType() {
  TypeObject* item = kItemTypes[in_->Below(3)];
  const Py_ssize_t length = values_.Length(/*allow_huge=*/true);
  Note("array type %s * %d", item->tp_name, length);
  TypeObject* type = PyCArrayType_from_ctype(item, length);
  const Py_ssize_t size = StgInfoOfType(item)->size;
  if (length < 0) {
    if (type != nullptr || !PyErr_ExceptionMatches(ExcKind::kValueError) ||
        CurrentError().message != absl::StrFormat("Array length must be >= 0, not %d", length)) {
      return Violation("array type", "a negative length must raise ValueError naming it");
    }
  } else if (length > std::numeric_limits<Py_ssize_t>::max() / size) {
    if (type != nullptr || !PyErr_ExceptionMatches(ExcKind::kOverflowError) ||
        CurrentError().message != "array too large") {
      return Violation("array type", "an overflowing length must raise OverflowError 'array too large'");
    }
  } else if (type == nullptr) {
    return Violation("array type", absl::StrCat("a valid length failed: ", FormatCurrentError()));
  } else {
    if (StgInfoOfType(type)->length != length || StgInfoOfType(type)->size != size * length) {
      return Violation("array type", "storage info disagrees with the length");
    }
    if (length <= kMaxSavedLength &&
        std::find(array_types_.begin(), array_types_.end(), type) == array_types_.end()) {
      array_types_.push_back(type);
    }
  }
  return CheckOutcome("array type", type == nullptr);
}

absl::Status Interpreter::OpNewArray() {
  const int slot = Slot();
  TypeObject* item = kItemTypes[in_->Below(3)];
  const uint32_t how = in_->Below(5);
  Object* result = nullptr;
  Object* source = nullptr;
  switch (how) {
    case 0: {
      const Py_ssize_t n = values_.Length(false);
      Note("RawArray(%s, %d) slot %d", item->tp_name, n, slot);
      result = RawArrayOfSize(item, n);
      break;
    }
    case 1:
      source = SlotOrNone();
      Note("RawArray(%s, <%s>) slot %d", item->tp_name, Py_TYPE(source)->tp_name, slot);
      result = RawArrayFrom(item, source);
      break;
    case 2: {
      const Py_ssize_t n = values_.Length(false);
      Note("(%s * %d)() slot %d", item->tp_name, n, slot);
      result = CtypesArrayOfSize(item, n);
      break;
    }
    case 3:
      source = SlotOrNone();
      Note("(%s * len)(*<%s>) slot %d", item->tp_name, Py_TYPE(source)->tp_name, slot);
      result = CtypesArrayFrom(item, source);
      break;
    default: {
      TypeObject* type = ArrayType();
      if (type == nullptr) return absl::OkStatus();
      Note("%s() slot %d", type->tp_name, slot);
      result = GenericPyCData_new(type);
      break;
    }
  }
  if (absl::Status s = CheckOutcome("new array", result == nullptr); !s.ok()) return s;
  if (result == nullptr) return absl::OkStatus();
  if (!PyCArray_Check(result)) return Violation("new array", "the result is not a ctypes array");
  // Semantics: the array holds what it was initialized with (zeros, or the source's items), under every
  // layer combination -- unless the input changed the array types' dictionaries.
  if (!EditedArrayTypes()) {
    const Py_ssize_t n = Array_length(result);
    for (Py_ssize_t i = 0; i < n; ++i) {
      StoredValue expected;
      if (source != nullptr) {
        Object* v = PySequence_GetItem(source, i);
        if (v == nullptr) return Violation("new array", "the source lost an item");
        expected = ExpectedStore(StgInfoOfType(Py_TYPE(result))->kind, v);
        Py_DECREF(v);
        if (!expected.valid) return Violation("new array", "stored an item it cannot convert");
      } else if (how == 0 && !LayerOn(Layer::kZeroFill)) {
        break;  // RawArray without zero_fill: a reused block keeps its bytes (that is the layer's point)
      } else {
        expected = StoredValue{true, 0};  // zero bits: 0 and 0.0
      }
      if (ReadBack(result, i) != expected) {
        return Violation("new array", absl::StrFormat("item %d reads back wrong", i));
      }
    }
  }
  Put(slot, result);
  return absl::OkStatus();
}

absl::Status Interpreter::OpSetItem() {
  Object* target = SlotOrNone();
  const uint32_t how = in_->Below(6);
  Object* value = in_->Below(8) == 0 ? nullptr : SlotOrNone();
  if (value == nullptr && how != 1) value = Py_None;
  const bool is_array = PyCArray_Check(target);
  int rc = 0;
  bool track = false;  // whether one item `index` of an array is the store's target
  Py_ssize_t index = 0;
  StoredValue before;
  // fixup: the entry point adds the length to a negative index (all but the bare C slot do).
  auto remember = [&](Py_ssize_t i, bool fixup) {
    if (!is_array || value == nullptr) return;
    index = i < 0 && fixup ? i + Array_length(target) : i;
    track = index >= 0 && index < Array_length(target);
    if (track) before = ReadBack(target, index);
  };
  switch (how) {
    case 0: {
      if (!is_array) return absl::OkStatus();  // a C slot function: only for its own type
      const Py_ssize_t i = values_.Index();
      Note("Array_ass_item(<%s>, %d, <%s>)", Py_TYPE(target)->tp_name, i, Py_TYPE(value)->tp_name);
      remember(i, /*fixup=*/false);
      rc = Array_ass_item(target, i, value);
      break;
    }
    case 1: {
      if (!is_array) return absl::OkStatus();
      Object* key = values_.Key(slots_, kSlots);
      Note("Array_ass_subscript(<%s>, <%s>, <%s>)", Py_TYPE(target)->tp_name, Py_TYPE(key)->tp_name,
           value != nullptr ? Py_TYPE(value)->tp_name : "NULL");
      if (IsTagged(key) || PyLong_CheckExact(key)) remember(PyLong_Value(key), true);
      rc = Array_ass_subscript(target, key, value);
      Py_DECREF(key);
      break;
    }
    case 2: {
      Object* key = values_.Key(slots_, kSlots);
      Note("PyObject_SetItem(<%s>, <%s>, <%s>)", Py_TYPE(target)->tp_name, Py_TYPE(key)->tp_name,
           Py_TYPE(value)->tp_name);
      if (IsTagged(key) || PyLong_CheckExact(key)) remember(PyLong_Value(key), true);
      rc = PyObject_SetItem(target, key, value);
      Py_DECREF(key);
      break;
    }
    case 3: {
      const Py_ssize_t i = values_.Index();
      Note("PySequence_SetItem(<%s>, %d, <%s>)", Py_TYPE(target)->tp_name, i, Py_TYPE(value)->tp_name);
      remember(i, true);
      rc = PySequence_SetItem(target, i, value);
      break;
    }
    default: {
      const Py_ssize_t i1 = values_.Index(), i2 = values_.Index();
      Note("PySequence_SetSlice(<%s>, %d, %d, <%s>)", Py_TYPE(target)->tp_name, i1, i2,
           Py_TYPE(value)->tp_name);
      rc = PySequence_SetSlice(target, i1, i2, value);
      break;
    }
  }
  if (track) {
    const bool failed = rc < 0;
    // Look at the array before CheckOutcome clears the error: reading back must not disturb it.
    const ErrorState saved = CurrentError();
    PyErr_Clear();
    absl::Status stored = CheckStored("set item", target, index, value, before, failed);
    if (saved.kind != ExcKind::kNone) PyErr_SetString(saved.kind, saved.message);
    if (!stored.ok()) return stored;
  }
  return CheckOutcome("set item", rc < 0);
}

absl::Status Interpreter::OpGetItem() {
  Object* target = SlotOrNone();
  const int slot = Slot();
  Object* result = nullptr;
  switch (in_->Below(3)) {
    case 0: {
      Object* key = values_.Key(slots_, kSlots);
      Note("PyObject_GetItem(<%s>, <%s>) slot %d", Py_TYPE(target)->tp_name, Py_TYPE(key)->tp_name, slot);
      result = PyObject_GetItem(target, key);
      Py_DECREF(key);
      break;
    }
    case 1: {
      const Py_ssize_t i = values_.Index();
      Note("PySequence_GetItem(<%s>, %d) slot %d", Py_TYPE(target)->tp_name, i, slot);
      result = PySequence_GetItem(target, i);
      break;
    }
    default: {
      if (!PyCArray_Check(target)) return absl::OkStatus();
      const Py_ssize_t i = values_.Index();
      Note("Array_item(<%s>, %d) slot %d", Py_TYPE(target)->tp_name, i, slot);
      result = Array_item(target, i);
      break;
    }
  }
  if (absl::Status s = CheckOutcome("get item", result == nullptr); !s.ok()) return s;
  if (result != nullptr) Put(slot, result);
  return absl::OkStatus();
}

absl::Status Interpreter::OpLengthAndTuple() {
  Object* target = SlotOrNone();
  if (in_->Bool()) {
    Note("len(<%s>)", Py_TYPE(target)->tp_name);
    const Py_ssize_t n = PySequence_Size(target);
    if (n < -1) return Violation("len", "negative length");
    return CheckOutcome("len", n == -1);
  }
  const int slot = Slot();
  Note("tuple(<%s>) slot %d", Py_TYPE(target)->tp_name, slot);
  Object* t = PySequence_Tuple(target);
  if (absl::Status s = CheckOutcome("tuple", t == nullptr); !s.ok()) return s;
  if (t != nullptr) {
    if (PyTuple_GET_SIZE(t) != PySequence_Size(target)) return Violation("tuple", "length differs");
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); ++i) {
      if (PyTuple_GET_ITEM(t, i) == nullptr) return Violation("tuple", "an empty slot");
    }
    Put(slot, t);
  }
  return absl::OkStatus();
}

absl::Status Interpreter::OpMemoryView() {
  static const char* const kFormats[] = {"B",  "b", "i", "l", "q", "d", "@i", "@B",
                                         "ii", "",  "c", "?", "P", "x", "H",  "f"};
  Object* target = SlotOrNone();
  if (!Py_IS_TYPE(target, &PyMemoryView_Type)) {
    const int slot = Slot();
    Note("memoryview(<%s>) slot %d", Py_TYPE(target)->tp_name, slot);
    Object* mv = PyMemoryView_FromObject(target);
    if (absl::Status s = CheckOutcome("memoryview", mv == nullptr); !s.ok()) return s;
    if (mv != nullptr) Put(slot, mv);
    return absl::OkStatus();
  }
  switch (in_->Below(3)) {
    case 0: {
      const char* format = kFormats[in_->Below(std::size(kFormats))];
      const int slot = Slot();
      Note("memoryview.cast('%s') slot %d", format, slot);
      Object* cast = MemoryView_Cast(target, format);
      if (absl::Status s = CheckOutcome("cast", cast == nullptr); !s.ok()) return s;
      if (cast != nullptr) Put(slot, cast);
      return absl::OkStatus();
    }
    case 1: {
      Object* key = values_.Key(slots_, kSlots);
      Object* value = in_->Below(8) == 0 ? nullptr : SlotOrNone();
      Note("memoryview[<%s>] = <%s>", Py_TYPE(key)->tp_name,
           value != nullptr ? Py_TYPE(value)->tp_name : "NULL");
      const int rc = MemoryView_AssSubscript(target, key, value);
      Py_DECREF(key);
      return CheckOutcome("memoryview store", rc < 0);
    }
    default:
      Note("memoryview.release()");
      MemoryView_Release(target);
      return CheckOutcome("release", false);
  }
}

absl::Status Interpreter::OpCall() {
  Object* callable = SlotOrNone();
  const Py_ssize_t nargs = in_->Below(4);
  Object* args[3];
  for (Py_ssize_t i = 0; i < nargs; ++i) args[i] = SlotOrNone();
  const int slot = Slot();
  Object* result = nullptr;
  if (in_->Bool()) {
    Note("vectorcall <%s> with %d args slot %d", Py_TYPE(callable)->tp_name, nargs, slot);
    result = PyObject_Vectorcall(callable, args, static_cast<size_t>(nargs), nullptr);
  } else {
    Note("call <%s> with a %d-tuple slot %d", Py_TYPE(callable)->tp_name, nargs, slot);
    Object* tuple = PyTuple_FromArray(args, nargs);
    if (tuple == nullptr) return CheckOutcome("call", true);
    result = PyObject_Call(callable, tuple, nullptr);
    Py_DECREF(tuple);
  }
  if (absl::Status s = CheckOutcome("call", result == nullptr); !s.ok()) return s;
  if (result != nullptr) Put(slot, result);
  return absl::OkStatus();
}

void Interpreter::Teardown() {
  for (Object*& o : slots_) {
    Py_XDECREF(o);
    o = nullptr;
  }
  for (auto it = edits_.rbegin(); it != edits_.rend(); ++it) {
    TypeDictSet(it->type, it->name, it->original);
    Py_XDECREF(it->original);
  }
  edits_.clear();
  // An array type made while a name was edited keeps the slots chosen then, in the type cache
  // (TypeDictSet changes no slot): give every array type a pristine one's slots, so inputs stay
  // independent (fuzz/runtime_state.h; RunOps checks the whole state afterwards).
  RestoreArrayTypes();
  for (InlineCache& c : inline_caches_) c = InlineCache();
}

absl::Status Interpreter::Run() {
  absl::Status status = absl::OkStatus();
  for (int step = 0; step < kMaxOps && !in_->empty() && status.ok(); ++step) {
    switch (in_->Below(13)) {
      case 0: {
        static_assert(kLayerCount <= 24, "a layer set is read as 24 bits (ByteReader::U24)");
        const LayerSet layers(in_->U24() & LayerSet::All().bits());
        Note("layers %s", layers.ToString());
        SetActiveLayers(layers);
        break;
      }
      case 1:
        status = OpNewValue();
        break;
      case 2: {
        const int slot = Slot();
        Note("release slot %d", slot);
        Put(slot, nullptr);
        status = CheckOutcome("release", false);
        break;
      }
      case 3:
        status = OpMakeArrayType();
        break;
      case 4:
        status = OpNewArray();
        break;
      case 5:
        status = OpSetItem();
        break;
      case 6:
        status = OpGetItem();
        break;
      case 7:
        status = OpLengthAndTuple();
        break;
      case 8:
        status = OpMemoryView();
        break;
      case 9:
        status = OpTypeDictSet();
        break;
      case 10:
        status = OpCall();
        break;
      case 11:
        status = OpLookup();
        break;
      default: {  // 12: the Array_init body (a build variant), or a differential get/store
        const uint8_t choice = in_->Byte();
        if (choice < 2) {
          Note("Array_init body: %s", choice == 1 ? "one slice" : "per element");
          SetArrayInitBody(choice == 1 ? ArrayInitBody::kOneSlice : ArrayInitBody::kPerElement);
        } else {
          status = OpDifferential();
        }
        break;
      }
    }
  }
  Teardown();
  return status;
}

}  // namespace internal

using internal::Interpreter;

absl::Status RunOps(const uint8_t* data, size_t size, std::string* trace) {
  InitRuntime();
  ReleaseCaches();
  if (PyErr_Occurred()) return absl::FailedPreconditionError("an error was pending before the run");
  if (absl::Status pristine = ResetToPristineRuntime(); !pristine.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the runtime was not pristine before the input: ", pristine.message()));
  }
  const Py_ssize_t live_before = LiveObjects();
  const LayerSet layers_before = ActiveLayers();

  ByteReader in(data, size);
  HeapOptions options;
  options.backend = in.Bool() ? Backend::kPrivate : Backend::kAnon;
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
  if (!heap.ok()) return heap.status();
  SetDefaultHeap(std::move(*heap));
  if (trace != nullptr) absl::StrAppend(trace, "heap ", BackendName(options.backend), "\n");

  absl::Status status = Interpreter(&in, trace).Run();
  SetActiveLayers(layers_before);
  SetArrayInitBody(ArrayInitBody::kPerElement);
  if (status.ok() && PyErr_Occurred()) {
    status = absl::InternalError(absl::StrCat("error left pending at the end: ", FormatCurrentError()));
  }
  PyErr_Clear();
  if (status.ok() && LiveObjects() != live_before) {
    status = absl::InternalError(absl::StrCat("unbalanced reference counts: ", LiveObjects() - live_before,
                                              " objects outlive the run (", DescribeLiveObjects(), ")"));
  }
  ReleaseCaches();
  if (status.ok() && live_before == 0) status = CheckNothingAlive();
  // The input must give back every piece of runtime state it changed (fuzz/runtime_state.h): the next
  // input then starts from the same state, and a crash never depends on what ran before it.
  if (absl::Status pristine = CheckPristineRuntime(); status.ok() && !pristine.ok()) {
    status = absl::InternalError(absl::StrCat("the input left runtime state behind: ", pristine.message()));
  }
  absl::StatusOr<std::unique_ptr<SharedHeap>> fresh = SharedHeap::Create(HeapOptions());
  if (fresh.ok()) SetDefaultHeap(std::move(*fresh));
  return status;
}

void SetTraceEcho(bool on) { internal::g_trace_echo = on; }

std::vector<NamedInput> ReadInputs(const std::string& dir) {
  std::vector<NamedInput> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream file(dir + "/" + e->d_name, std::ios::binary);
    if (!file) continue;
    out.push_back({e->d_name, std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {})});
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const NamedInput& a, const NamedInput& b) { return a.name < b.name; });
  return out;
}

}  // namespace dispatchlab::fuzz
