#include "experiments/scenarios/scenarios.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/buffer.h"
#include "core/counters.h"
#include "core/errors.h"
#include "core/list.h"
#include "core/long.h"
#include "core/name_lookup.h"
#include "core/ndarray.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/runtime.h"
#include "experiments/scenarios/scenario_runs.h"

namespace dispatchlab {

namespace {

namespace r = scenario_runs;
constexpr LayerSet kPatchA = LayerSet::None().With(Layer::kTrampoline);
constexpr ArrayInitBody kPatchB = ArrayInitBody::kOneSlice;
constexpr uint32_t kSeed = kSetSeedSuite;

// One row per scenario. Columns (scenarios.h, struct Scenario): name, expression (the Python it models),
// story (what it stands for), item_type, forced_off and array_init (the patched interpreter), run,
// reference (ratios are taken to it), sets (ScenarioSet bits: defaults, suites, the report's lists),
// cpython_case (cases.py runs the same Python), cpython (the ratio quoted from another machine),
// comparisons (the report's seed comparisons), mp (the path `dispatchlab mp` runs under this name).
const Scenario kScenarios[] = {
    {.name = "sct_init",
     .expression = "RawArray(c_int, l)",
     .story = "the seed's slow case: __init__(*l) stores each element through PySequence_SetItem",
     .run = r::SctInit,
     .sets = kSeed | kSetDefault | kSetReportAttribution | kSetReportSweep | kSetReportCounts,
     .cpython_case = true,
     .cpython = {2.00, "xeon-3.11"},
     .comparisons = {{.caption = "the puzzle", .seed = "3.0 to 3.2 (3.6a0); 3.6 to 3.7 (3.11, numpy source)"},
                     {.to = "ct_init", .caption = "shared vs private memory", .seed = "about 1.0"}},
     .mp = MpPath::kArrayInit},
    {.name = "sct_subscript",
     .expression = "sh = RawArray(c_int, n); sh[:] = l",
     .story = "the seed's fast case: one slice assignment calls the store function directly",
     .run = r::SctSubscript,
     .sets = kSeed | kSetDefault | kSetReportAttribution | kSetReportSweep | kSetReportCounts,
     .cpython_case = true,
     .cpython = {1.00, "xeon-3.11"},
     .mp = MpPath::kAssSubscript},
    {.name = "ct_init",
     .expression = "(c_int * n)(*l)",
     .story = "ct_init: private memory, tp_init called directly",
     .run = r::CtInit,
     .sets = kSeed | kSetReportAttribution | kSetReportSweep,
     .cpython_case = true,
     .cpython = {1.95, "xeon-3.11"}},
    {.name = "ct_subscript",
     .expression = "a = (c_int * n)(); a[:] = l",
     .story = "ct_subscript: private memory, slice assignment",
     .run = r::CtSubscript,
     .sets = kSeed | kSetReportSweep,
     .cpython_case = true,
     .cpython = {1.00, "xeon-3.11"}},
    {.name = "sct_init_direct",
     .expression = "RawArray(c_int, l), Array_init patched to call Array_ass_item",
     .story = "the seed's patch A: the trampoline removed",
     .forced_off = kPatchA,
     .run = r::SctInit,
     .sets = kSeed | kSetReportSweep,
     .cpython = {1.23, "seed-3.6"},
     .comparisons = {{.caption = "patch A"}}},
    {.name = "sct_init_setslice",
     .expression = "RawArray(c_int, l), Array_init patched to assign one slice",
     .story = "the seed's patch B: PySequence_SetSlice(self, 0, n, args) once",
     .array_init = kPatchB,
     .run = r::SctInit,
     .sets = kSeed | kSetReportAttribution,
     .cpython = {1.12, "seed-3.6"},
     .comparisons = {{.caption = "patch B"},
                     {.to = "sct_subscript_tuple", .caption = "patch B vs a tuple source", .seed = "1.05"}}},
    {.name = "sct_subscript_tuple",
     .expression = "sh = RawArray(c_int, n); sh[:] = tuple(l)",
     .story = "the answer's check: the tuple of n scalars is what patch B leaves",
     .run = r::SctSubscriptTuple,
     .sets = kSeed | kSetReportAttribution | kSetReportSweep,
     .cpython_case = true,
     .cpython = {1.19, "xeon-3.11"}},
    {.name = "sct_init_list",
     .expression = "RawArray(c_int, l.tolist())",
     .story = "a list source: no scalar per element",
     .run = r::SctInitList,
     .cpython_case = true,
     .cpython = {1.20, "xeon-3.11"},
     .sources = kListSource},
    {.name = "sct_subscript_list",
     .expression = "sh = RawArray(c_int, n); sh[:] = l.tolist()",
     .story = "a list source through slice assignment",
     .run = r::SctSubscriptList,
     .sets = kSeed | kSetCpythonListReference,
     .cpython_case = true,
     .cpython = {0.36, "xeon-3.11"},
     .sources = kListSource},
    {.name = "sct_init_tuple",
     .expression = "RawArray(c_int, tuple(l.tolist()))",
     .story = "a tuple source: __init__(*t) passes the exact tuple on, so only Array_init's loop is left",
     .run = r::SctInitTuple,
     .cpython_case = true,
     .sources = kListSource},
    {.name = "sct_buffer_copy",
     .expression = "sh = RawArray(c_int64, n); memoryview(sh).cast('B').cast('l')[:] = l",
     .story = "the second answer: the buffer protocol, same format, one memcpy",
     .item_type = "c_int64",
     .run = r::SctBufferCopy,
     .sets = kSeed | kSetReportSweep,
     .cpython_case = true,
     .cpython = {0.011, "epyc-3.11"},
     .comparisons = {{.caption = "memoryview, same format", .seed = "under 1%"}}},
    {.name = "sct_buffer_convert",
     .expression =
         "sh = RawArray(c_int, n); memoryview(sh).cast('B').cast('i')[:] = np.array(l, dtype=np.int32)",
     .story = "the second answer with a conversion from int64 to int32 first",
     .run = r::SctBufferConvert,
     .cpython_case = true,
     .cpython = {0.0097, "xeon-3.11"},
     .comparisons = {{.caption = "convert, then copy", .seed = "about 3%"}}},
    {.name = "sct_alloc",
     .expression = "RawArray(c_int, n)",
     .story = "allocation and zero-fill only",
     .run = r::SctAlloc,
     .cpython_case = true,
     .cpython = {0.0035, "xeon-3.11"},
     .sources = kNoSource},
    {.name = "sct_init_override",
     .expression = "class Hooked(c_int * n): def __setitem__(self, i, v): Array.__setitem__(self, i, v); "
                   "sh = _new_value(Hooked); sh.__init__(*l)",
     .story = "the answer's why: __init__ honours a Python __setitem__, called n times with an int index",
     .run = r::SctInitOverride},
    {.name = "sct_subscript_override",
     .expression = "sh = _new_value(Hooked); sh[:] = l  (Hooked as in sct_init_override)",
     .story = "slice assignment honours the override too: one call, with a slice",
     .run = r::SctSubscriptOverride},
    {.name = "sct_init_override_direct",
     .expression = "sct_init_override, Array_init patched to call Array_ass_item (patch A)",
     .story = "patch A loses the hook: the override is never called",
     .forced_off = kPatchA,
     .run = r::SctInitOverride},
    {.name = "sct_init_override_setslice",
     .expression = "sct_init_override, Array_init patched to assign one slice (patch B)",
     .story = "patch B keeps the hook: one call, with a slice",
     .array_init = kPatchB,
     .run = r::SctInitOverride},
    {.name = "plain_loop",
     .expression = "for i: buf[i] = (int32_t)src[i]  (C++)",
     .story = "reference: a hand-written loop into a block of the same heap",
     .run = r::PlainLoop,
     .sets = kSeed | kSetReportSweep},
    {.name = "memcpy",
     .expression = "memcpy(buf, src, 8 * n)  (C++)",
     .story = "reference: memcpy of the source into a block of the same heap",
     .item_type = "c_int64",
     .run = r::Memcpy,
     .mp = MpPath::kOneMemcpyPerSlice},
};

}  // namespace

const std::vector<Scenario>& ScenarioTable() {
  static const std::vector<Scenario> table(std::begin(kScenarios), std::end(kScenarios));
  return table;
}

std::vector<std::string> ScenariosIn(ScenarioSet set) {
  std::vector<std::string> names;
  for (const Scenario& s : ScenarioTable()) {
    if ((s.sets & set) != 0) names.emplace_back(s.name);
  }
  return names;
}

absl::string_view ReferenceScenario() {
  for (const Scenario& s : ScenarioTable()) {
    if ((s.sets & kSetDefault) != 0) return s.reference;
  }
  return ScenarioTable().front().name;
}

ScopedScenarioInterpreter::ScopedScenarioInterpreter(const Scenario& scenario, LayerSet requested)
    : layers_(EffectiveLayers(scenario, requested)), body_(scenario.array_init) {}

absl::StatusOr<const Scenario*> ScenarioFromName(absl::string_view name) {
  return LookupByName(ScenarioTable(), name, "scenario", "scenarios");
}

SourceSet SourcesOf(const std::vector<const Scenario*>& scenarios) {
  SourceSet sources = kNoSource;
  for (const Scenario* s : scenarios) sources |= s->sources;
  return sources;
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const Scenario& s : ScenarioTable()) names.emplace_back(s.name);
  return names;
}

absl::Status RunOnce(const Scenario& scenario, const ScenarioInput& input, LayerSet layers,
                     ScenarioResult* out) {
  ScopedScenarioInterpreter patched(scenario, layers);
  if (!scenario.run(input, out)) {
    absl::Status status = FetchErrorAsStatus();
    if (status.ok()) status = absl::InternalError("scenario failed without an error");
    return status;
  }
  return absl::OkStatus();
}

LayerSet RelevantLayers(const Scenario& scenario, LayerSet base) {
  if (!kCountingCompiledIn) return EffectiveLayers(scenario, base);
  absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(300, scenario.sources);
  if (!input.ok()) return EffectiveLayers(scenario, base);
  auto counts_of = [&](LayerSet layers) {
    ScenarioResult warm;
    (void)RunOnce(scenario, *input, layers, &warm);  // fills caches, so the counted run is steady
    warm.Reset();
    const Counts before = SnapshotCounts();
    ScenarioResult result;
    (void)RunOnce(scenario, *input, layers, &result);
    result.Reset();
    return SnapshotCounts() - before;
  };
  const LayerSet effective = EffectiveLayers(scenario, base);
  const Counts reference = counts_of(effective);
  LayerSet relevant;
  for (Layer layer : effective.Members()) {
    const Counts without = counts_of(effective.Without(layer));
    if (without.value != reference.value) relevant = relevant.With(layer);
  }
  return relevant;
}

}  // namespace dispatchlab
