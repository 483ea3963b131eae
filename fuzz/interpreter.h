// The fuzzer's op interpreter, shared by its two source files: fuzz/ops.cc (decoding, values, items,
// memoryviews, calls, teardown) and fuzz/invariants.cc (the checks that need more than one operation: the
// method cache against the MRO walk, the trampoline after a dictionary edit, stored items, the same
// operation under two layer sets). Internal to fuzz/: the API is fuzz/ops.h.
#ifndef DISPATCHLAB_FUZZ_INTERPRETER_H_
#define DISPATCHLAB_FUZZ_INTERPRETER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/object.h"
#include "core/str.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/lookup.h"
#include "fuzz/byte_reader.h"
#include "fuzz/values.h"

namespace dispatchlab::fuzz::internal {

constexpr int kSlots = 12;
constexpr Py_ssize_t kMaxSavedLength = 64;  // array types the fuzzer instantiates (memory stays small)

extern bool g_trace_echo;  // SetTraceEcho

inline TypeObject* const kItemTypes[] = {&c_int_Type, &c_int64_Type, &c_double_Type};

// One type-dictionary entry the input changed, with what it held before (owned, or null when absent).
struct DictEdit {
  TypeObject* type;
  StrObject* name;
  Object* original;
};

class Interpreter {
 public:
  Interpreter(ByteReader* in, std::string* trace) : in_(in), values_(in), trace_(trace) {}
  absl::Status Run();

 private:
  template <typename... Args>
  void Note(const absl::FormatSpec<Args...>& format, const Args&... args) {
    if (trace_ == nullptr && !g_trace_echo) return;
    const std::string line = absl::StrFormat(format, args...);
    if (g_trace_echo) std::fprintf(stderr, "  op: %s\n", line.c_str());
    if (trace_ != nullptr) absl::StrAppend(trace_, line, "\n");
  }
  // The error indicator after an operation that reported `failed`: set exactly when it failed, and then
  // one of CPython's errors. Clears it.
  absl::Status CheckOutcome(absl::string_view op, bool failed);
  absl::Status Violation(absl::string_view op, absl::string_view what) {
    return absl::InternalError(absl::StrCat(op, ": ", what));
  }

  void Put(int slot, Object* o) {
    Py_XDECREF(slots_[slot]);
    slots_[slot] = o;
  }
  int Slot() { return static_cast<int>(in_->Below(kSlots)); }
  Object* SlotOrNone() {
    Object* o = slots_[Slot()];
    return o != nullptr ? o : Py_None;
  }
  TypeObject* ArrayType() {
    if (array_types_.empty()) return nullptr;
    return array_types_[in_->Below(static_cast<uint32_t>(array_types_.size()))];
  }
  bool EditedArrayTypes() const { return !edits_.empty(); }

  absl::Status OpNewValue();
  absl::Status OpMakeArrayType();
  absl::Status OpNewArray();
  absl::Status OpSetItem();
  absl::Status OpGetItem();
  absl::Status OpLengthAndTuple();
  absl::Status OpMemoryView();
  absl::Status OpTypeDictSet();
  absl::Status OpCall();
  absl::Status OpLookup();
  absl::Status OpDifferential();
  absl::Status CheckLookupsAgree(absl::string_view op);
  absl::Status CheckTrampolineAfterEdit(TypeObject* edited);
  absl::Status CheckStored(absl::string_view op, Object* array, Py_ssize_t index, Object* value,
                           const StoredValue& before, bool failed);
  void Teardown();

  ByteReader* in_;
  ValueMaker values_;
  std::string* trace_;
  Object* slots_[kSlots] = {};
  std::vector<TypeObject*> array_types_;
  std::vector<DictEdit> edits_;
  InlineCache inline_caches_[kDunderNames];  // one per call site, i.e. per name
};

}  // namespace dispatchlab::fuzz::internal

#endif  // DISPATCHLAB_FUZZ_INTERPRETER_H_
