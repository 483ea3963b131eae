// Parsing `perf script` call-stack output into per-layer sample counts (experiments/profiling/perf_script.h).
#include <catch2/catch.hpp>

#include "experiments/profiling/perf_script.h"

namespace dispatchlab::profiling {
namespace {

// Shaped like `perf script -F comm,tid,period,event,ip,sym --no-inline` on a cpu-clock recording with
// --call-graph=fp, including a kernel stack on top of user frames and an unresolved frame.
constexpr char kScript[] =
    "dispatchlab  4184     250000 cpu-clock: \n"
    "\t            11a7 dispatchlab::core::TupleNew\n"
    "\t            1219 dispatchlab::layers::call_tuple::PackArgs\n"
    "\t            1269 dispatchlab::layers::call::WrapperDescrCall\n"
    "\t            12a4 dispatchlab::experiments::RunScenario\n"
    "\t            107c main\n"
    "\n"
    "dispatchlab  4184     250000 cpu-clock: \n"
    "\t            11ee dispatchlab::layers::lookup::LookupMaybeMethod\n"
    "\t            1279 dispatchlab::layers::call::WrapperDescrCall\n"
    "\t            107c main\n"
    "\n"
    "dispatchlab  4184     250000 cpu-clock: \n"
    "\tffffffff816a7a27 mod_memcg_lruvec_state\n"
    "\tffffffff81000c82 asm_exc_page_fault\n"
    "\t            11a7 dispatchlab::layers::call::WrapperDescrCall+0x1f (/build/dispatchlab)\n"
    "\t            107c main\n"
    "\n"
    "dispatchlab  4184     250000 cpu-clock: \n"
    "\t            12a4 dispatchlab::experiments::RunScenario\n"
    "\t               0 [unknown]\n"
    "\n"
    "dispatchlab  4184     250000 cpu-clock: \n"
    "\t            11a7 dispatchlab::core::TupleNew\n"
    "\t            1219 dispatchlab::layers::call_tuple::PackArgs\n";  // no trailing blank line

TEST_CASE("perf script samples are charged to their innermost layer", "[profiling]") {
  absl::StatusOr<PerfSamples> s = ParsePerfScript(std::string_view(kScript));
  REQUIRE(s.ok());
  CHECK(s->sample_count == 5);
  CHECK(s->event == "cpu-clock");
  CHECK(s->samples.Of(Layer::kCallTuple) == 2);
  CHECK(s->samples.Of(Layer::kLookup) == 1);
  CHECK(s->samples.Of(Layer::kCall) == 1);  // the page fault taken in call code counts for call
  CHECK(s->samples.unattributed == 1);
  CHECK(s->samples.Total() == 5);
}

TEST_CASE("perf frame lines lose address offset and dso", "[profiling]") {
  CHECK(PerfFrameSymbol("\t  11a7 ns::f(int)+0x1f (/usr/bin/x)") == "ns::f(int)");
  CHECK(PerfFrameSymbol("\t  11a7 ns::f") == "ns::f");
  CHECK(PerfFrameSymbol("\t     0 [unknown]") == "[unknown]");
  CHECK(PerfFrameSymbol("\t  11a7 [unknown] (/lib/x86_64-linux-gnu/libc.so.6)") == "[unknown]");
  CHECK(PerfFrameSymbol("not a frame").empty());
}

TEST_CASE("perf script event names drop modifiers", "[profiling]") {
  absl::StatusOr<PerfSamples> s =
      ParsePerfScript(std::string_view("x 1 1000 cycles:ppp: \n\t 10 dispatchlab::layers::boxing::Box\n"));
  REQUIRE(s.ok());
  CHECK(s->event == "cycles");
  CHECK(s->samples.Of(Layer::kBoxing) == 1);
}

TEST_CASE("perf script output that is not perf script output is rejected", "[profiling]") {
  CHECK_FALSE(ParsePerfScript(std::string_view("\t 11a7 frame before header\n")).ok());
  absl::StatusOr<PerfSamples> empty = ParsePerfScript(std::string_view(""));
  REQUIRE(empty.ok());
  CHECK(empty->sample_count == 0);
}

}  // namespace
}  // namespace dispatchlab::profiling
