// Which binary perf records (experiments/profiling/perf_binary.h): this one when it keeps frame pointers,
// else the profile preset's binary of the same name beside it, else this one with a warning.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "experiments/profiling/perf_binary.h"

namespace fs = std::filesystem;
namespace profiling = dispatchlab::profiling;

TEST_CASE("perf records the profile preset's binary when this one has no frame pointers", "[perf_binary]") {
  char pattern[] = "/tmp/dispatchlab-perf-binary-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const fs::path root = pattern;
  fs::create_directories(root / "release");
  const std::string self = (root / "release" / "dispatchlab").string();
  std::ofstream(self) << "x";
  if (profiling::BuiltWithFramePointers()) {
    const profiling::PerfBinary b = profiling::ChoosePerfBinary(self);
    CHECK(b.path == self);
    CHECK(b.frame_pointers);
    CHECK(b.message.empty());
  } else {
    SECTION("no profile build: this binary, with a warning naming the fix") {
      const profiling::PerfBinary b = profiling::ChoosePerfBinary(self);
      CHECK(b.path == self);
      CHECK_FALSE(b.frame_pointers);
      CHECK(b.message.find("without frame pointers") != std::string::npos);
      CHECK(b.message.find("cmake --preset profile") != std::string::npos);
    }
    SECTION("a profile build beside it: that one") {
      fs::create_directories(root / "profile");
      const std::string sibling = (root / "profile" / "dispatchlab").string();
      std::ofstream(sibling) << "x";
      REQUIRE(chmod(sibling.c_str(), 0755) == 0);
      const profiling::PerfBinary b = profiling::ChoosePerfBinary(self);
      CHECK(b.path == sibling);
      CHECK(b.frame_pointers);
      CHECK(b.message.find(sibling) != std::string::npos);
    }
  }
  fs::remove_all(root);
}
