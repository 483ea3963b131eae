// The scenario table: every case dispatchlab times and counts, one row each (the seed's four cases, the
// two patches, the variants of the answers, and the references plain_loop and memcpy).
//
// A scenario is one call of the modeled Python expression: it allocates its array, fills it, and hands
// the result back in a ScenarioResult, whose destruction is the `del sh` (so the timing includes it, as
// timeit's loop does). Inputs are made once per run, outside the timed region (scenario_io.h).
//
// The table (kScenarios in scenarios.cc, designated-initialised rows) is the one place a scenario is
// named. Generated from it: the CLI's scenario names and `list`, the defaults and `--suite=seed` of the
// commands (the `sets` column), the report's scenario lists and its comparison table, the CPython ratios
// quoted beside `run` and the report, which scenarios have a real counterpart in
// experiments/cpython/cases.py, the `dispatchlab mp` choices, the benchmark names (runner.cc), and the list
// the docs test checks. Adding a scenario is one row (plus its run function in scenario_runs.cc when no
// existing one models its Python).
#ifndef DISPATCHLAB_EXPERIMENTS_SCENARIOS_H_
#define DISPATCHLAB_EXPERIMENTS_SCENARIOS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/layers.h"
#include "core/object.h"
#include "core/shared_heap.h"
#include "dispatch/ctypes_array.h"
#include "experiments/scenarios/scenario_io.h"

namespace dispatchlab {

// The named sets a scenario belongs to (the `sets` column, a bitmask).
enum ScenarioSet : uint32_t {
  kSetDefault = 1u << 0,            // run, counts, report and explore without scenario names
  kSetSeedSuite = 1u << 1,          // `run --suite=seed`
  kSetReportAttribution = 1u << 2,  // the report's attribution section
  kSetReportSweep = 1u << 3,        // the report's sweep over n
  kSetReportCounts = 1u << 4,       // the report's exact counts table
  // `dispatchlab cpython`'s reference on an interpreter without numpy (the list source of the reference).
  kSetCpythonListReference = 1u << 5,
};

// One row of the report's "seed's comparisons" table: this scenario's median divided by `to`'s (empty:
// the scenario's reference), beside what the seed or CPython measured (`seed`; empty: the quoted CPython
// ratio of the `cpython` column, printed as "%.2f").
struct ScenarioComparison {
  absl::string_view to = {};
  absl::string_view caption = {};  // "(the puzzle)"
  absl::string_view seed = {};
};

// What CPython showed for the scenario's ratio to its reference on another machine, with the id of where
// it was measured (the sources: experiments/cpython/reference_figures.def). ratio 0: none quoted.
struct QuotedCpythonRatio {
  double ratio = 0;
  absl::string_view source = {};
};

// The path `dispatchlab mp` runs in each worker for a scenario of the same name (experiments/shm/mp_run.h).
enum class MpPath { kNone, kOneMemcpyPerSlice, kArrayInit, kAssSubscript };

struct Scenario {
  absl::string_view name;
  absl::string_view expression;           // the Python it models
  absl::string_view story;                // what it stands for in the seed / CPython's history
  absl::string_view item_type = "c_int";  // c_int or c_int64
  // The patched interpreter it runs on: layers the scenario itself removes (patch A removes the
  // trampoline), and the body of Array_init (patch B assigns one slice).
  LayerSet forced_off = {};
  ArrayInitBody array_init = ArrayInitBody::kPerElement;
  // Runs one call. false with the interpreter's error indicator set on failure.
  bool (*run)(const ScenarioInput& input, ScenarioResult* out) = nullptr;
  // The scenario its ratios are taken to (`run`'s /subscr column, the report's ratios).
  absl::string_view reference = "sct_subscript";
  uint32_t sets = kSetSeedSuite;  // ScenarioSet bits
  bool cpython_case = false;      // experiments/cpython/cases.py has a case of this name, the same Python
  QuotedCpythonRatio cpython = {};
  ScenarioComparison comparisons[2] = {};  // the report's seed comparisons (empty `caption`: none)
  MpPath mp = MpPath::kNone;
  // The sources `run` reads (ScenarioInput::Make builds only these: scenario_io.h).
  SourceSet sources = kNumpySource;
};

const std::vector<Scenario>& ScenarioTable();
absl::StatusOr<const Scenario*> ScenarioFromName(absl::string_view name);
// All names, in table order.
std::vector<std::string> ScenarioNames();
// The names of the scenarios in `set`, in table order.
std::vector<std::string> ScenariosIn(ScenarioSet set);
// The union of the sources the scenarios read.
SourceSet SourcesOf(const std::vector<const Scenario*>& scenarios);
// The reference of the default scenarios (the seed's fast case): ratios are taken to it.
absl::string_view ReferenceScenario();

// The layers actually active for `scenario` when `requested` is asked for.
inline LayerSet EffectiveLayers(const Scenario& scenario, LayerSet requested) {
  return LayerSet(requested.bits() & ~scenario.forced_off.bits());
}

// The layers of `base` whose switching changes what the scenario does, found by counting: a layer is
// relevant when switching it off (from `base`) changes any exact counter of a small run.
LayerSet RelevantLayers(const Scenario& scenario, LayerSet base);

// The patched interpreter of `scenario` under `requested` for the guard's lifetime: the effective layers
// and the body of Array_init, both restored on destruction.
class ScopedScenarioInterpreter {
 public:
  ScopedScenarioInterpreter(const Scenario& scenario, LayerSet requested);

 private:
  ScopedLayers layers_;
  ScopedArrayInitBody body_;
};

// Runs a scenario once under `layers` (forced layers removed) and returns its error as a Status.
absl::Status RunOnce(const Scenario& scenario, const ScenarioInput& input, LayerSet layers,
                     ScenarioResult* out);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SCENARIOS_H_
