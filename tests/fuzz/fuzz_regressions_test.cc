// Replays every input of fuzz/corpus/ (the seeds) and fuzz/regressions/ (each crash the fuzzer found,
// docs/hardening.md) through the fuzzer's op interpreter: every invariant must hold on every compiler and
// under the asan-ubsan preset.
#include <catch2/catch.hpp>
#include <string>

#include "core/errors.h"
#include "fuzz/cpython_errors.h"
#include "fuzz/ops.h"

namespace dispatchlab::fuzz {
namespace {

void ReplayDirectory(const std::string& dir, bool must_exist) {
  const std::vector<NamedInput> inputs = ReadInputs(dir);
  if (must_exist) REQUIRE(!inputs.empty());
  for (const NamedInput& input : inputs) {
    std::string trace;
    const absl::Status status = RunOps(input.bytes.data(), input.bytes.size(), &trace);
    INFO(input.name << "\n" << trace);
    CHECK(status.ok());
    if (!status.ok()) UNSCOPED_INFO(status.ToString());
  }
}

TEST_CASE("every fuzz corpus seed keeps the invariants", "[fuzz]") {
  ReplayDirectory(std::string(DISPATCHLAB_SOURCE_DIR) + "/fuzz/corpus", true);
}

TEST_CASE("every crash the fuzzer found stays fixed", "[fuzz]") {
  ReplayDirectory(std::string(DISPATCHLAB_SOURCE_DIR) + "/fuzz/regressions", false);
}

TEST_CASE("the empty input is a complete program", "[fuzz]") { CHECK(RunOps(nullptr, 0).ok()); }

TEST_CASE("the error table accepts CPython's messages and nothing else", "[fuzz]") {
  CHECK(GlobMatch("'*' object is not callable", "'int' object is not callable"));
  CHECK_FALSE(GlobMatch("'*' object is not callable", "int object is not callable"));
  CHECK(GlobMatch("a*b*c", "abc"));
  CHECK_FALSE(GlobMatch("a*b", "abc"));
  CHECK(IsCPythonError({ExcKind::kOverflowError, "array too large"}));
  CHECK(IsCPythonError({ExcKind::kAttributeError, "__setitem__"}));
  CHECK(IsCPythonError(
      {ExcKind::kTypeError, "descriptor '__len__' for 'tuple' objects doesn't apply to a 'A' object"}));
  CHECK_FALSE(
      IsCPythonError({ExcKind::kSystemError, "method-wrapper returned NULL without setting an exception"}));
  CHECK_FALSE(IsCPythonError({ExcKind::kTypeError, ""}));
  CHECK_FALSE(IsCPythonError({ExcKind::kValueError, "array too large"}));
}

}  // namespace
}  // namespace dispatchlab::fuzz
