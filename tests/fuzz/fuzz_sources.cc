// Compiles the fuzzer's op interpreter into the test binary, so every compiler replays the fuzz corpus and
// the crash regressions (tests/CMakeLists.txt globs tests/ only; fuzz/CMakeLists.txt builds the libFuzzer
// binary with clang). Nothing else may include these files.
#include "fuzz/cpython_errors.cc"  // NOLINT(build/include)
#include "fuzz/invariants.cc"      // NOLINT(build/include)
#include "fuzz/ops.cc"             // NOLINT(build/include)
#include "fuzz/values.cc"          // NOLINT(build/include)
