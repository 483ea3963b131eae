// Parsing callgrind dumps and charging self cost per context to layers
// (experiments/profiling/callgrind_format.h).
#include <catch2/catch.hpp>

#include "experiments/profiling/callgrind_format.h"

namespace dispatchlab::profiling {
namespace {

// A region dump as callgrind 3.19 writes it with --separate-callers (contexts "f'caller'..."), name
// compression, position compression, and the cost line after each calls= being the call's inclusive
// cost. Self costs: call_tuple Pack 900 + its Alloc 400; lookup Find 700 + its Alloc 200; call 13400;
// Loop 611 and main 14 are outside every layer. Total 16225.
constexpr char kDump[] = R"(# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4157
cmd:  /build/dispatchlab profile-child sct_init --n=100 --configs=0x1bff --iterations=1 --warmup=1
part: 1


desc: I1 cache: 
desc: D1 cache: 
desc: LL cache: 

desc: Timerange: Basic block 0 - 3306
desc: Trigger: Client Request: config 0

positions: line
events: Ir
summary: 16225


ob=(1) /build/dispatchlab
fl=(1) /src/dispatch/call.cc
fn=(12) dispatchlab::layers::call_tuple::Pack(long)'dispatchlab::layers::call::Call(long)'Loop(long)'main
7 300
cfn=(16) dispatchlab::core::Alloc(long)'dispatchlab::layers::call_tuple::Pack(long)'dispatchlab::layers::call::Call(long)'Loop(long)'main
calls=100 -2 
* 200
* 300
cfn=(16)
calls=100 -2 
* 200
* 300

fn=(20) dispatchlab::layers::lookup::Find(long)'dispatchlab::layers::call::Call(long)'Loop(long)'main
6 300
cfn=(22) dispatchlab::core::Alloc(long)'dispatchlab::layers::lookup::Find(long)'dispatchlab::layers::call::Call(long)'Loop(long)'main
calls=100 -1 
* 200
* 400

fn=(4) Loop(long)'main
9 11
cfn=(8) dispatchlab::layers::call::Call(long)'Loop(long)'main
calls=1 -1 
* 156
* 297
cfn=(8)
calls=99 -1 
* 15444
* 303

fn=(8)
8 12800
fi=(2) /src/core/object.h
cfn=(12)
calls=100 -1 
* 1300
fe=(1)
* 300
cfn=(20)
calls=100 -2 
* 900
* 300

fn=(0) main
13 13
+1 1
cfn=(4)
calls=1 -5 
* 16211

fn=(16)
5 400

fn=(22)
5 200

totals: 16225
)";

TEST_CASE("callgrind dump: header, trigger and totals", "[profiling]") {
  absl::StatusOr<CallgrindDump> d = ParseCallgrindDump(std::string_view(kDump));
  REQUIRE(d.ok());
  CHECK(d->events == std::vector<std::string>{"Ir"});
  CHECK(d->totals == 16225);
  CHECK(d->trigger == "Client Request: config 0");
  CHECK(d->ClientRequestLabel() == "config 0");
  CHECK(d->self_cost.size() == 7);
  // Self costs only: every calls= cost line is skipped, so they add up to the totals exactly.
  CHECK(d->SelfTotal() == 16225);
  // The calls made: the counts of the eight calls= lines (100 + 100 + 100 + 1 + 99 + 100 + 100 + 1).
  CHECK(d->calls == 601);
}

TEST_CASE("callgrind dump: self cost per context, names resolved", "[profiling]") {
  absl::StatusOr<CallgrindDump> d = ParseCallgrindDump(std::string_view(kDump));
  REQUIRE(d.ok());
  auto self_of = [&](std::string_view prefix) {
    uint64_t sum = 0;
    for (const auto& [name, cost] : d->self_cost) {
      if (name.rfind(prefix, 0) == 0) sum += cost;
    }
    return sum;
  };
  CHECK(self_of("dispatchlab::layers::call::Call(long)'Loop") == 13400);
  CHECK(self_of("dispatchlab::layers::call_tuple::Pack") == 900);
  CHECK(self_of("dispatchlab::core::Alloc(long)'dispatchlab::layers::call_tuple") == 400);
  CHECK(self_of("dispatchlab::core::Alloc(long)'dispatchlab::layers::lookup") == 200);
  CHECK(self_of("Loop(long)'main") == 611);
  CHECK(self_of("main") == 14);
}

TEST_CASE("callgrind dump: contexts charged to the innermost layer", "[profiling]") {
  absl::StatusOr<CallgrindDump> d = ParseCallgrindDump(std::string_view(kDump));
  REQUIRE(d.ok());
  LayerTally t = AttributeCallgrindDump(*d);
  CHECK(t.Of(Layer::kCallTuple) == 1300);
  CHECK(t.Of(Layer::kLookup) == 900);
  CHECK(t.Of(Layer::kCall) == 13400);
  CHECK(t.unattributed == 625);
  CHECK(t.Of(Layer::kSetfunc) == 0);
  CHECK(t.Total() == d->totals);
}

TEST_CASE("callgrind contexts split innermost first", "[profiling]") {
  CHECK(SplitCallgrindContext("a'b'c") == std::vector<std::string_view>{"a", "b", "c"});
  CHECK(SplitCallgrindContext("main") == std::vector<std::string_view>{"main"});
}

TEST_CASE("callgrind dump: several events, two position columns, omitted costs", "[profiling]") {
  constexpr char kText[] =
      "events: Dr Ir\n"
      "positions: instr line\n"
      "fn=dispatchlab::layers::boxing::Box()'main\n"
      "0x4011a0 10 3 25\n"
      "+4 * 1\n"  // Ir column omitted: 0
      "cfn=helper\n"
      "calls=2 0x401200 20\n"
      "+2 * 0 999\n"  // inclusive cost of the call: not self cost
      "fn=main\n"
      "0x401000 1 0 5\n"
      "jump=1 0x401010 1\n"
      "totals: 1 30\n";
  absl::StatusOr<CallgrindDump> d = ParseCallgrindDump(std::string_view(kText));
  REQUIRE(d.ok());
  CHECK(d->totals == 30);
  CHECK(d->SelfTotal() == 30);
  CHECK(d->calls == 2);  // jump= lines are jumps within a function, not calls
  LayerTally t = AttributeCallgrindDump(*d);
  CHECK(t.Of(Layer::kBoxing) == 25);
  CHECK(t.unattributed == 5);
}

TEST_CASE("callgrind dump: every event's total, as --branch-sim=yes adds them", "[profiling]") {
  constexpr char kText[] =
      "events: Ir Bc Bcm Bi Bim\n"
      "fn=f\n"
      "1 70 12 3 5 1\n"
      "totals: 70 12 3 5\n";  // the last column left out: 0
  absl::StatusOr<CallgrindDump> d = ParseCallgrindDump(std::string_view(kText));
  REQUIRE(d.ok());
  CHECK(d->totals == 70);
  CHECK(d->event_totals == std::vector<uint64_t>{70, 12, 3, 5, 0});
  CHECK(d->EventTotal("Bc") == std::optional<uint64_t>(12));
  CHECK(d->EventTotal("Bi") == std::optional<uint64_t>(5));
  CHECK(d->EventTotal("Bim") == std::optional<uint64_t>(0));
  CHECK_FALSE(d->EventTotal("Dr").has_value());  // not recorded
  absl::StatusOr<CallgrindDump> extra =
      ParseCallgrindDump(std::string_view("events: Ir Bi\nfn=f\n1 3 1\ntotals: 3 1 4\n"));
  REQUIRE_FALSE(extra.ok());
  CHECK(std::string(extra.status().message()) ==
        "callgrind output, line 4: more totals columns than events: '3 1 4'");
}

TEST_CASE("callgrind dump: the caches --cache-sim=yes simulated, from its desc: lines", "[profiling]") {
  // The header callgrind 3.19 writes under --cache-sim=yes (valgrind's callgrind/sim.c, cachesim_dump_desc).
  constexpr char kText[] =
      "version: 1\n"
      "creator: callgrind-3.19.0\n"
      "\n"
      "desc: I1 cache: 65536 B, 64 B, 16-way associative\n"
      "desc: D1 cache: 49152 B, 64 B, 12-way associative\n"
      "desc: LL cache: 503316480 B, 64 B, 30-way associative\n"
      "desc: Timerange: Basic block 0 - 15400961\n"
      "desc: Trigger: Client Request: config 0\n"
      "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\n"
      "fn=f\n"
      "1 70 20 10 1 2 3 1 1 1\n"
      "totals: 70 20 10 1 2 3 1 1 1\n";
  absl::StatusOr<CallgrindDump> d = ParseCallgrindDump(std::string_view(kText));
  REQUIRE(d.ok());
  CHECK(d->simulated_caches == std::vector<std::string>{"I1 cache: 65536 B, 64 B, 16-way associative",
                                                        "D1 cache: 49152 B, 64 B, 12-way associative",
                                                        "LL cache: 503316480 B, 64 B, 30-way associative"});
  CHECK(d->trigger == "Client Request: config 0");
  CHECK(d->EventTotal("Dr") == std::optional<uint64_t>(20));
  CHECK(d->EventTotal("D1mw") == std::optional<uint64_t>(3));
  // Without the simulation callgrind writes the three lines with nothing after the colon.
  absl::StatusOr<CallgrindDump> plain = ParseCallgrindDump(
      std::string_view("desc: I1 cache: \ndesc: D1 cache: \ndesc: LL cache: \nevents: Ir\nfn=f\n1 3\n"));
  REQUIRE(plain.ok());
  CHECK(plain->simulated_caches.empty());
}

TEST_CASE("callgrind dump: malformed input is rejected with the line", "[profiling]") {
  CHECK_FALSE(ParseCallgrindDump(std::string_view("hello world\n")).ok());
  CHECK_FALSE(ParseCallgrindDump(std::string_view("events: Ir\n5 10\n")).ok());         // cost before fn=
  CHECK_FALSE(ParseCallgrindDump(std::string_view("events: Ir\nfn=(3)\n5 1\n")).ok());  // undefined id
  absl::StatusOr<CallgrindDump> bad = ParseCallgrindDump(std::string_view("events: Ir\nfn=f\n5 x1\n"));
  REQUIRE_FALSE(bad.ok());
  CHECK(std::string(bad.status().message()).find("line 3") != std::string::npos);
  CHECK_FALSE(ParseCallgrindDump(std::string_view("")).ok());
  absl::StatusOr<CallgrindDump> bad_calls =
      ParseCallgrindDump(std::string_view("events: Ir\nfn=f\ncfn=g\ncalls=x 3\n3 10\n"));
  REQUIRE_FALSE(bad_calls.ok());
  CHECK(std::string(bad_calls.status().message()) == "callgrind output, line 4: bad call count 'x 3'");
}

}  // namespace
}  // namespace dispatchlab::profiling
