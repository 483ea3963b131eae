// `dispatchlab cpython`'s pure parts: the CPython function -> layer map read from core/layers.def's mirrors
// column (experiments/cpython/mirrors.h), the marginal method (marginal.h), the quoted reference figures
// (reference_figures.h) and the verdicts (compare.h).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "experiments/cpython/compare.h"
#include "experiments/cpython/marginal.h"
#include "experiments/cpython/mirrors.h"
#include "experiments/cpython/reference_figures.h"
#include "experiments/cpython/render.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::cpython {
namespace {

using Names = std::vector<std::string>;

TEST_CASE("a mirrors text gives its C function names, not file names, words or the context after 'in'",
          "[cpython]") {
  CHECK(MirroredNames("PySequence_SetItem -> slot_sq_ass_item (Objects/abstract.c, Objects/typeobject.c)") ==
        Names{"PySequence_SetItem", "slot_sq_ass_item"});
  CHECK(MirroredNames("PyLong_FromSsize_t in slot_sq_ass_item; PyNumber_AsSsize_t in Array_ass_subscript") ==
        Names{"PyLong_FromSsize_t", "PyNumber_AsSsize_t"});
  CHECK(MirroredNames("numpy array_item -> PyArray_Scalar") == Names{"array_item", "PyArray_Scalar"});
  CHECK(MirroredNames("_PyType_Lookup's type cache, MCACHE_HASH (Objects/typeobject.c)") ==
        Names{"_PyType_Lookup", "MCACHE_HASH"});
  CHECK(MirroredNames("sharedctypes._new_value + ctypes.memset (Lib/multiprocessing/sharedctypes.py)") ==
        Names{"_new_value"});
  CHECK(MirroredNames("a -> b, c").empty());
}

TEST_CASE("CPython functions map to the layer whose mirrors column names them, the outermost first",
          "[cpython]") {
  auto layer = [](const char* f) {
    std::optional<Layer> l = LayerOfCPythonFunction(f);
    return l.has_value() ? std::string(InfoOf(*l).name) : std::string("none");
  };
  CHECK(layer("slot_sq_ass_item") == "trampoline");
  CHECK(layer("PySequence_SetItem") == "trampoline");
  CHECK(layer("PySequence_Tuple") == "args_tuple");
  CHECK(layer("PyLong_FromSsize_t") == "index_boxing");
  CHECK(layer("_PyType_Lookup") == "lookup");   // also in method_cache's text: the first row wins
  CHECK(layer("wrapperdescr_call") == "call");  // also in call_tuple's
  CHECK(layer("_PyTuple_FromArray") == "call_tuple");
  CHECK(layer("i_set") == "setfunc");
  CHECK(layer("i_set'2") == "setfunc");              // callgrind's recursion suffix
  CHECK(layer("_PyCData_set.isra.0") == "setfunc");  // a GCC clone
  CHECK(layer("_PyNumber_Index") == "conversion");
  CHECK(layer("PyStgInfo_FromType") == "type_data");
  CHECK(layer("_PyEval_EvalFrameDefault") == "eval");  // the `eval` row names the evaluation loop
  CHECK(layer("__tls_get_addr") == "thread_state");
  CHECK(layer("Objects") == "none");
}

TEST_CASE("model functions map to their layers:: namespace; the C library's the CPython side's way",
          "[cpython]") {
  CHECK(ModelFunctionLayer("dispatchlab::layers::thread_state::_PyInterpreterState_GET()") == "thread_state");
  CHECK(ModelFunctionLayer("__tls_get_addr") == "thread_state");  // called from that frame, as CPython's
  CHECK(ModelFunctionLayer("dispatchlab::PyTuple_GetSlice(dispatchlab::Object*, long, long)").empty());
  CHECK(ModelFunctionLayer("malloc").empty());
}

profiling::CallgrindDump Dump(uint64_t total, std::vector<std::pair<std::string, uint64_t>> self) {
  profiling::CallgrindDump d;
  d.totals = total;
  d.self_cost = std::move(self);
  return d;
}

TEST_CASE("the marginal method: (Ir[3 calls] - Ir[1 call]) / 2 / n, per function over its contexts",
          "[cpython]") {
  const profiling::CallgrindDump one =
      Dump(1000000, {{"main", 900000}, {"i_set'Array_ass_item", 60000}, {"i_set'other", 40000}});
  const profiling::CallgrindDump three = Dump(1400000, {{"main", 900010},
                                                        {"i_set'Array_ass_item", 180000},
                                                        {"i_set'other", 119990},
                                                        {"PyObject_Malloc'x", 200000}});
  const InstructionCount c = Marginal(one, three, 1000);
  CHECK(c.per_element == Approx(200.0));  // 400000 / 2 / 1000
  REQUIRE(c.functions.size() == 2);       // main's +10 is below 0.5 per element
  CHECK(c.functions[0].function == "PyObject_Malloc");
  CHECK(c.functions[0].per_element == Approx(100.0));
  CHECK(c.functions[1].function == "i_set");
  CHECK(c.functions[1].per_element == Approx(99.995));
}

TEST_CASE("the marginal method over callgrind's branch events: Bc and Bi per element, or none", "[cpython]") {
  profiling::CallgrindDump one = Dump(1000000, {{"main", 1000000}});
  profiling::CallgrindDump three = Dump(1400000, {{"main", 1400000}});
  InstructionCount plain = Marginal(one, three, 1000);
  for (const EventCountInfo& row : EventCountTable()) {
    CHECK_FALSE(plain.events[static_cast<size_t>(row.id)].has_value());  // run without a simulation
  }
  for (profiling::CallgrindDump* d : {&one, &three}) d->events = {"Ir", "Bc", "Bcm", "Bi", "Bim"};
  one.event_totals = {1000000, 90000, 500, 20000, 40};
  three.event_totals = {1400000, 310000, 900, 56000, 4040};
  const InstructionCount c = Marginal(one, three, 1000);
  REQUIRE(c.Event(EventCount::kConditionalBranches).has_value());
  REQUIRE(c.Event(EventCount::kIndirectBranches).has_value());
  CHECK(*c.Event(EventCount::kConditionalBranches) == Approx(110.0));  // 220000 / 2 / 1000
  CHECK(*c.Event(EventCount::kIndirectBranches) == Approx(18.0));      // 36000 / 2 / 1000
  CHECK_FALSE(c.Event(EventCount::kDataReads).has_value());            // no --cache-sim=yes
  CHECK(c.simulated_caches.empty());
}

TEST_CASE("the marginal method over callgrind's cache events: reads, writes and misses, summed per row",
          "[cpython]") {
  profiling::CallgrindDump one = Dump(1000000, {{"main", 1000000}});
  profiling::CallgrindDump three = Dump(1400000, {{"main", 1400000}});
  for (profiling::CallgrindDump* d : {&one, &three}) {
    d->events = {"Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"};
  }
  one.event_totals = {1000000, 300000, 200000, 50, 1000, 2000, 40, 300, 600};
  three.event_totals = {1400000, 670000, 408000, 52, 1250, 2350, 40, 310, 610};
  three.simulated_caches = {"I1 cache: 65536 B, 64 B, 16-way associative",
                            "D1 cache: 49152 B, 64 B, 12-way associative",
                            "LL cache: 503316480 B, 64 B, 30-way associative"};
  const InstructionCount c = Marginal(one, three, 1000);
  CHECK(*c.Event(EventCount::kDataReads) == Approx(185.0));         // 370000 / 2 / 1000
  CHECK(*c.Event(EventCount::kDataWrites) == Approx(104.0));        // 208000 / 2 / 1000
  CHECK(*c.Event(EventCount::kL1dMisses) == Approx(0.3));           // (250 + 350) / 2 / 1000
  CHECK(*c.Event(EventCount::kL1iMisses) == Approx(0.001));         // 2 / 2 / 1000
  CHECK(*c.Event(EventCount::kLastLevelMisses) == Approx(0.01));    // (0 + 10 + 10) / 2 / 1000
  CHECK_FALSE(c.Event(EventCount::kIndirectBranches).has_value());  // no --branch-sim=yes
  CHECK(c.simulated_caches == three.simulated_caches);
  // A row whose events a dump lacks in part is left out, not summed over what is there.
  for (profiling::CallgrindDump* d : {&one, &three}) d->events = {"Ir", "Dr", "Dw", "I1mr", "D1mr"};
  CHECK_FALSE(Marginal(one, three, 1000).Event(EventCount::kL1dMisses).has_value());
}

TEST_CASE("event_counts.def: one row per count, each with its own key, label and events", "[cpython]") {
  std::set<std::string_view> keys, labels;
  size_t i = 0;
  for (const EventCountInfo& row : EventCountTable()) {
    CHECK(static_cast<size_t>(row.id) == i++);  // the enum indexes the table
    CHECK(keys.insert(row.key).second);
    CHECK(labels.insert(row.label).second);
    CHECK(row.key.substr(row.key.size() - 12) == "_per_element");
    CHECK_FALSE(row.events.empty());
  }
  CHECK(i == kEventCountRows);
}

TEST_CASE("every quoted CPython figure names a scenario and a source with its machine and method",
          "[cpython]") {
  int quoted = 0;
  for (const Scenario& s : ScenarioTable()) {
    std::optional<ReferenceFigure> f = ReferenceRatio(s.name);
    if (!f.has_value()) continue;
    ++quoted;
    CHECK(f->ratio > 0);
    CHECK_FALSE(f->source->machine.empty());
    CHECK_FALSE(f->source->method.empty());
    CHECK(ReferenceRatioCell(s.name).find(std::string(f->source->id)) != std::string::npos);
  }
  CHECK(quoted >= 10);
  CHECK(ReferenceRatioCell("plain_loop") == "-");
  CHECK(ReferenceRatioCell("sct_init") == "2.00x [xeon-3.11]");
  const std::vector<std::string> notes = ReferenceFootnotes({"sct_init", "sct_subscript", "sct_init_direct"});
  REQUIRE(notes.size() == 2);
  CHECK(notes[0].find("Intel Xeon") != std::string::npos);
  CHECK(notes[1].find("3.6") != std::string::npos);
}

TEST_CASE("every quoted CPython figure is in the docs page its source names, as run prints it", "[cpython]") {
  int quoted = 0;
  for (const Scenario& s : ScenarioTable()) {
    std::optional<ReferenceFigure> f = ReferenceRatio(s.name);
    if (!f.has_value()) continue;
    ++quoted;
    // The page is in this repository (not the team's shared folder, which a reader does not have).
    const std::filesystem::path page =
        std::filesystem::path(DISPATCHLAB_SOURCE_DIR) / std::string(f->source->where);
    INFO(s.name << " -> " << page);
    std::ifstream in(page);
    REQUIRE(in.good());
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string row = absl::StrCat("| `", s.name, "` | ", ReferenceRatioCell(s.name), " |");
    CHECK(text.find(row) != std::string::npos);
    CHECK(text.find(absl::StrCat("| `", f->source->id, "` |")) != std::string::npos);
  }
  CHECK(quoted >= 10);
}

TEST_CASE("verdicts: within the tolerance agrees, otherwise the model is higher or lower", "[cpython]") {
  InterpreterRun run;
  run.reference = "sct_subscript";
  CaseResult r;
  r.scenario = "sct_init";
  r.model.measured = r.cpython.measured = true;
  r.ratio_delta = 0.10;
  CHECK(Verdict(r, run, Metric::kInstructions) == "agrees");
  r.ratio_delta = 0.99;
  CHECK(Verdict(r, run, Metric::kInstructions) == "model higher");
  r.ratio_delta = -0.5;
  CHECK(Verdict(r, run, Metric::kInstructions) == "model lower");
  r.cpython.rounds = {10, 10.2, 10.1};
  r.model.rounds = {5, 9, 9};
  CHECK(Verdict(r, run, Metric::kTime) == "model lower (noisy)");
  r.model.measured = false;
  CHECK(Verdict(r, run, Metric::kTime) == "no profile");
  CHECK(StableRounds({1.0, 1.05, 1.08}));
  CHECK_FALSE(StableRounds({1.0, 1.2, 1.3}));
}

}  // namespace
}  // namespace dispatchlab::cpython
