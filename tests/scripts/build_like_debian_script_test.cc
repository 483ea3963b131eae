// scripts/build_like_debian.sh's bad input: one line on stderr, exit 2, before it installs or builds
// anything (its builds themselves take minutes and are not run here;
// tests/cmake/debian_like_preset_test.cmake checks the preset they configure).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

TEST_CASE("build_like_debian.sh rejects bad input with one line and exit 2", "[scripts]") {
  const std::string script = std::string(DISPATCHLAB_SOURCE_DIR) + "/scripts/build_like_debian.sh";
  for (const std::string arg : {"--bogus", "--extension-modules=dynamic", "--extension-modules="}) {
    INFO(arg);
    TempDir tmp;
    const ChildResult r = RunChild({script, arg}, 60, tmp.path);
    CHECK(r.exit_status == 2);
    CHECK(r.out.empty());  // scripts/setup.sh did not run
    CHECK(LineCount(r.err) == 1);
    CHECK(r.err.rfind("build_like_debian: unknown argument '" + arg + "'", 0) == 0);
    CHECK(EntriesOf(tmp.path).empty());
  }
}

}  // namespace
}  // namespace dispatchlab::testing
