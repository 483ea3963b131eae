// The errors CPython itself raises on the paths dispatchlab models: one table of (exception, message
// pattern), so the fuzzer can check that whatever the simulated interpreter raised is an error CPython
// would raise there -- never a SystemError, never an empty or invented message (CPython's messages are in
// /work/shared/reference/cpython-chain.md and in Objects/abstract.c, memoryobject.c, _ctypes.c).
#ifndef DISPATCHLAB_FUZZ_CPYTHON_ERRORS_H_
#define DISPATCHLAB_FUZZ_CPYTHON_ERRORS_H_

#include "absl/strings/string_view.h"
#include "core/errors.h"

namespace dispatchlab::fuzz {

// True when `error` is one of CPython's errors: its kind and message match a row of the table. Patterns
// use '*' for "any text" (a type name, a number, a format character).
bool IsCPythonError(const ErrorState& error);

// Glob match with '*' (any run of characters, possibly empty). Exposed for tests.
bool GlobMatch(absl::string_view pattern, absl::string_view text);

}  // namespace dispatchlab::fuzz

#endif  // DISPATCHLAB_FUZZ_CPYTHON_ERRORS_H_
