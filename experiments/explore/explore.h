// `dispatchlab explore`: the data behind the explorable page (experiments/explore/page.h) -- every
// configuration of k chosen layers, for each scenario, timed and counted.
//
// For each scenario, the exact counts of all 2^k configurations come from CountScenario (experiments/
// counts.h). Configurations with equal counts do identical work (a layer off the scenario's path, e.g.
// `trampoline` for a slice assignment, or one nested inside a switched-off layer), so they share one
// measurement (experiments/attribution/sharing.h, the grouping `attribute` uses too). The distinct ones are
// timed through the attribution library (experiments/attribution/attribute.h: every configuration R
// times, in a seeded random interleaved order, through a BatchSampler), which also gives each layer's
// exact Shapley value. A layer off the path has Shapley value 0, exactly. The reference scenario
// (the scenario table's, sct_subscript: the seed's fast answer) is always measured, so the page can show
// every configuration's ratio to it under the same switches. docs/explore.md is the teacher's chapter;
// docs/cli.md has the JSON schema.
#ifndef DISPATCHLAB_EXPERIMENTS_EXPLORE_EXPLORE_H_
#define DISPATCHLAB_EXPERIMENTS_EXPLORE_EXPLORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/counters.h"
#include "core/layers.h"
#include "experiments/attribution/design.h"
#include "experiments/measure/sampler.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::explore {

// The seed's story: the layers between `RawArray(c_int, l)` and the store, in call-chain order.
inline constexpr const char* kDefaultLayers = "trampoline,args_tuple,boxing,lookup,call,call_tuple";
// The page precomputes 2^k configurations: at most 2^8 (exact Shapley's limit).
inline constexpr int kMaxLayers = 8;

// Makes the sampler of one scenario (time: experiments/measure/runner.h's MakeTimeSampler; tests pass a
// synthetic one).
using SamplerFactory = std::function<absl::StatusOr<BatchSampler>(const SampleTarget& target)>;

struct ExploreOptions {
  // The scenario table's defaults; the reference (ReferenceScenario()) is added if missing.
  std::vector<std::string> scenarios = ScenariosIn(kSetDefault);
  std::string profile = "cpython311";
  LayerSet base;    // the profile's layers (the layers not chosen stay as here)
  LayerSet chosen;  // 1..kMaxLayers layers, one switch each on the page
  int64_t n = 100000;
  int repetitions = 5;  // samples per measured configuration (>= 2)
  double confidence = 0.95;
  uint64_t seed = 1;  // run order seed (scenario i uses seed + i)
  // Called with a line of progress (may be empty).
  std::function<void(const std::string&)> progress;
};

// One configuration of one scenario. mask bit i = chosen layer i on.
struct ConfigResult {
  attribution::ConfigMask mask = 0;
  attribution::ConfigMask measured_mask = 0;  // the configuration actually timed (do-nothing layers cleared)
  std::vector<double> samples;                // ns per element
  double mean = 0, stddev = 0, low = 0, high = 0;  // low/high: the confidence interval of the mean
  Counts totals;                                   // exact counts of one steady-state call
};

struct ScenarioExplore {
  std::string name;
  std::string expression;
  std::string story;
  std::string
      cpython_ratio;  // reference_figures.def's figure with its source tag (another machine), may be empty
  std::vector<bool> on_path;          // per chosen layer: does switching it ever change a count?
  std::vector<ConfigResult> configs;  // 2^k, indexed by mask
  std::vector<double> shapley;        // per chosen layer, ns per element (0 off the path)
  std::vector<double> shapley_se;     // its standard error from measurement noise
  uint64_t seed = 0;
};

struct ExploreData {
  ExploreOptions options;
  attribution::LayerSpace space;  // base + chosen, in call-chain order
  std::vector<ScenarioExplore> scenarios;
  std::string reference = std::string(ReferenceScenario());
};

// Counts and times every configuration. Errors: InvalidArgument for a bad request (unknown scenario,
// no layers or more than kMaxLayers, repetitions < 2); FailedPrecondition when counting is compiled out;
// the sampler's status when it fails.
absl::StatusOr<ExploreData> Explore(const ExploreOptions& options, const SamplerFactory& make_sampler);

// The time sampler of `dispatchlab explore`: Google Benchmark runs of about `seconds_per_sample` each.
SamplerFactory TimeSamplerFactory(double seconds_per_sample);

// The real interpreter's figures, from the JSON `dispatchlab cpython --format=json` writes
// ({"results":[{"scenario":S,"cpython":{"ns_per_element":X,...},...}],"metadata":{...}}; see docs/cli.md).
struct CpythonFigure {
  std::string scenario;
  double ns_per_element = 0;
  std::string version;  // the interpreter's version, when the result names it
};
struct CpythonFigures {
  std::string source;         // the file it came from
  std::string metadata_json;  // the file's "metadata" object, verbatim ("{}" when absent)
  std::vector<CpythonFigure> figures;
};
// Parses that JSON strictly: InvalidArgument naming what is wrong. Results without a time figure
// ("instructions_per_element", or "cpython": null) are skipped, but at least one must have one; with several
// interpreters for a scenario the first listed is kept.
absl::StatusOr<CpythonFigures> ParseCpythonFigures(const std::string& text, const std::string& source);

// The page's data as JSON (schema "dispatchlab-explore/1", docs/cli.md): layers (from core/layers.def),
// counters (from core/counters.def), scenarios with their 2^k configurations, Shapley values, metadata.
std::string ExploreJson(const ExploreData& data, const std::optional<CpythonFigures>& cpython,
                        const std::string& metadata_json);

}  // namespace dispatchlab::explore

#endif  // DISPATCHLAB_EXPERIMENTS_EXPLORE_EXPLORE_H_
