// valgrind's memcheck on one small run of each scenario (issue 8): no invalid access, no use of
// uninitialized memory, no leak. Skipped, with a message, when valgrind is not installed or when the CLI is
// built with AddressSanitizer (the asan-ubsan preset: ASan and valgrind cannot share a process).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "experiments/scenarios/scenarios.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

std::string FindValgrind() {
  for (const char* path : {"/usr/bin/valgrind", "/usr/local/bin/valgrind"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

TEST_CASE("memcheck is clean on a small counts run of every scenario", "[memcheck]") {
  const std::string valgrind = FindValgrind();
  if (valgrind.empty() || kSanitized) {
    WARN("memcheck skipped: " << (kSanitized ? "the CLI is built with AddressSanitizer"
                                             : "valgrind not found"));
    return;
  }
  for (const std::string& scenario : ScenarioNames()) {
    const ChildResult r = RunChild(
        {valgrind, "--quiet", "--error-exitcode=1", "--leak-check=full",
         "--errors-for-leak-kinds=definite,indirect", DISPATCHLAB_CLI, "counts", scenario, "--n=300"},
        300);
    INFO(scenario << "\n" << r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_status == 0);
  }
}

}  // namespace
}  // namespace dispatchlab::testing
