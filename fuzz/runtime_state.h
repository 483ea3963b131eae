// The fuzzer's explicit runtime state: everything one input can change in the simulated interpreter and
// must give back before the next input runs (every type's slots, suites, flags, MRO, dictionary and live
// instances; the active layers; the Array_init body). RunOps (fuzz/ops.h) compares the state before and
// after each input with the state of a pristine runtime, so an input that leaks state fails by itself,
// and every input starts from the same state: a crash always reproduces alone.
//
// Array types are cached for the life of the process (PyCArrayType_from_ctype, like ctypes' cache), so
// the types an input creates stay; each must look exactly like an array type made in a pristine runtime
// (the first one this module sees), apart from its name, item type and length.
#ifndef DISPATCHLAB_FUZZ_RUNTIME_STATE_H_
#define DISPATCHLAB_FUZZ_RUNTIME_STATE_H_

#include "absl/status/status.h"

namespace dispatchlab::fuzz {

// OK when the runtime is in its pristine state (the state at the first call, which must come before any
// input ran); otherwise FailedPrecondition naming the first difference (a type and a field).
absl::Status CheckPristineRuntime();

// Gives every cached array type the slots of an array type made in a pristine runtime. The slots a type
// gets depend on its dictionaries when it was made, and TypeDictSet (core/type.h) changes no slot: an
// array type made while an input had edited Array's dictionary would keep slots no later input can
// predict. Called once the input's dictionary edits are undone; CheckPristineRuntime then verifies the
// rest (dictionaries, MROs, instances).
void RestoreArrayTypes();

// What every input starts with: RestoreArrayTypes (array types other code made or left in the cache get
// pristine slots too), then CheckPristineRuntime.
absl::Status ResetToPristineRuntime();

}  // namespace dispatchlab::fuzz

#endif  // DISPATCHLAB_FUZZ_RUNTIME_STATE_H_
