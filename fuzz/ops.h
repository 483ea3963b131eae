// The fuzzer's program interpreter: a byte string decoded as a sequence of object-model operations
// (make values, create ctypes array types and arrays on the shared heap or in private memory, get and set
// items and slices, memoryview casts and stores, calls, method lookups, type-dictionary edits that must
// invalidate the method cache, random layer switches), with the invariants checked after each step and
// at the end (docs/hardening.md lists them).
//
// The same interpreter runs under libFuzzer (fuzz/dispatch_fuzzer.cc, clang only) and in the Catch2 suite,
// which replays every file of fuzz/corpus/ and fuzz/regressions/ (tests/fuzz/), so a crash found once
// stays a test on every compiler.
#ifndef DISPATCHLAB_FUZZ_OPS_H_
#define DISPATCHLAB_FUZZ_OPS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dispatchlab::fuzz {

// Most operations one input may run (longer inputs are cut there, to keep each run short).
inline constexpr int kMaxOps = 200;

// Runs one input. OK when every invariant held; Internal naming the operation and the broken invariant
// otherwise; FailedPrecondition when the runtime was not pristine before the input (fuzz/runtime_state.h;
// an earlier input that leaked state has already failed). Leaves the interpreter as it found it (layers,
// array init body, type dictionaries, no live objects, no pending error; the default heap is a fresh anon
// heap), whatever the input. With `trace`, appends one line per operation run (for the regression notes and
// debugging).
absl::Status RunOps(const uint8_t* data, size_t size, std::string* trace = nullptr);

// When on, every operation is also printed to stderr as it starts (to see what ran before a sanitizer
// report; the fuzzer binary turns it on when DISPATCHLAB_FUZZ_TRACE=1).
void SetTraceEcho(bool on);

// Every file directly inside `dir`, sorted by name, as bytes.
struct NamedInput {
  std::string name;
  std::vector<uint8_t> bytes;
};
std::vector<NamedInput> ReadInputs(const std::string& dir);

}  // namespace dispatchlab::fuzz

#endif  // DISPATCHLAB_FUZZ_OPS_H_
