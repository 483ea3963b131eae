// The command lines the profilers build for their child (experiments/profiling/callgrind_runner.h,
// perf_runner.h): what the hidden profile-child and the perf command are asked to run.
#include <catch2/catch.hpp>

#include "experiments/profiling/callgrind_runner.h"
#include "experiments/profiling/perf_runner.h"

namespace dispatchlab::profiling {
namespace {

TEST_CASE("profile-child arguments carry one bitmask per config", "[profiling]") {
  ProfileRequest request;
  request.scenario = "sct_init";
  request.n = 300;
  request.iterations = 2;
  request.warmup = 1;
  LayerSet a = LayerSet::None().With(Layer::kCall).With(Layer::kLookup);
  std::vector<std::string> args = ProfileChildArgs(request, {a, LayerSet::None()});
  REQUIRE(args.size() == 6);
  CHECK(args[0] == "profile-child");
  CHECK(args[1] == "sct_init");
  CHECK(args[2] == "--n=300");
  char expected[64];
  std::snprintf(expected, sizeof(expected), "--configs=0x%x,0x0", a.bits());
  CHECK(args[3] == expected);
  CHECK(args[4] == "--iterations=2");
  CHECK(args[5] == "--warmup=1");
  CHECK(ConfigLabel(3) == "config 3");
}

TEST_CASE("The printed perf record line records only the measured region", "[profiling]") {
  std::string line = PerfRecordCommandLine("cpu-clock", "/b/dispatchlab", "perf sct_init --n=10");
  CHECK(line.find("perf record -e cpu-clock --call-graph=fp --delay=-1 --control=fifo:") !=
        std::string::npos);
  CHECK(line.find("-- /b/dispatchlab perf sct_init --n=10 --perf-ctl=") != std::string::npos);
  CHECK(line.find("d=$(mktemp -d) && mkfifo ") == 0);  // a private folder under $TMPDIR
  CHECK(line.find(R"(rm -rf "$d")") != std::string::npos);
}

}  // namespace
}  // namespace dispatchlab::profiling
