#include "experiments/cli/cmd_run.h"

#include <algorithm>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/counters.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/base/stats.h"
#include "experiments/base/subprocess.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/cpython/reference_figures.h"
#include "experiments/measure/runner.h"
#include "experiments/measure/sibling.h"

namespace dispatchlab::cli {

namespace {

void PrintTable(const std::vector<const Scenario*>& scenarios, const std::vector<ScenarioTiming>& timings,
                const RunRequest& request) {
  // Each scenario's ratio is to its reference (the table's `reference` column), when that was timed too.
  auto median_of = [&](absl::string_view name) {
    for (const ScenarioTiming& t : timings) {
      if (t.scenario == name) return t.median;
    }
    return 0.0;
  };
  std::cout << absl::StrFormat("dispatchlab run: n = %d, profile %s (layers: %s), %d repetitions\n",
                               request.n, request.profile, request.layers.ToString(), request.repetitions);
  int name_width = 20;  // the longest name's, when it is longer (sct_init_override_setslice)
  for (const ScenarioTiming& t : timings)
    name_width = std::max(name_width, static_cast<int>(t.scenario.size()));
  std::cout << absl::StrFormat("%-*s %11s %10s %8s %9s %22s  %s\n", name_width, "scenario", "ms/call",
                               "ns/elem", "cv", "/subscr", "CPython /subscr [where]", "stands for");
  for (size_t i = 0; i < timings.size(); ++i) {
    const ScenarioTiming& t = timings[i];
    const double ms = t.median * static_cast<double>(request.n) * 1e-6;
    const double reference = median_of(scenarios[i]->reference);
    std::string ratio = reference > 0 ? absl::StrFormat("%8.2fx", t.median / reference) : "        -";
    std::cout << absl::StrFormat("%-*s %11.3f %10.2f %7.1f%% %s %22s  %s\n", name_width, t.scenario, ms,
                                 t.median, 100.0 * t.cv, ratio, cpython::ReferenceRatioCell(t.scenario),
                                 scenarios[i]->story);
  }
  std::cout
      << "ns/elem: median over repetitions; cv: coefficient of variation; /subscr: ratio of medians to "
         "sct_subscript, measured in this run;\nCPython /subscr: what CPython showed on ANOTHER machine, "
         "not this one (wall ratios differ between machines;\n'dispatchlab cpython' measures your "
         "interpreters side by side with the model):\n";
  std::vector<absl::string_view> names;
  for (const ScenarioTiming& t : timings) names.emplace_back(t.scenario);
  for (const std::string& line : cpython::ReferenceFootnotes(names)) std::cout << "  " << line << "\n";
  std::cout << "machine: " << MetadataLine() << "\n";
}

void PrintStabilityLine(const TimingStability& verdict) {
  std::cout << "stability: "
            << (verdict.stable ? "stable"
                               : absl::StrCat("UNSTABLE (", verdict.reasons.size(),
                                              " reasons; on stderr without --quiet, in --format=json)"))
            << "\n";
}

// Times the same request in the sibling build and prints both columns.
int CompareCounting(const ParsedArgs& args, const RunRequest& request,
                    const std::vector<ScenarioTiming>& mine) {
  absl::StatusOr<std::string> sibling = SiblingBinary();
  if (!sibling.ok()) return Failure(sibling.status().message());
  std::vector<std::string> words = {*sibling, "run"};
  for (const Scenario* s : request.scenarios) words.emplace_back(s->name);
  words.push_back(absl::StrCat("--n=", request.n));
  words.push_back(absl::StrCat("--repetitions=", request.repetitions));
  words.push_back(absl::StrCat("--min-time=", request.min_time));
  words.push_back(absl::StrCat("--profile=", args.Get("profile", kDefaultProfile)));
  if (args.Has("layers")) words.push_back(absl::StrCat("--layers=", args.Get("layers")));
  for (const char* flag : {"backend", "tempdir"}) {
    if (args.Has(flag)) words.push_back(absl::StrCat("--", flag, "=", args.Get(flag)));
  }
  words.push_back("--format=json");
  words.push_back("--quiet");
  if (!args.Has("quiet")) std::cerr << "timing again in " << *sibling << "\n";
  absl::StatusOr<std::string> json = profiling::RunAndCapture(words);
  if (!json.ok()) return Failure(json.status().message());
  absl::StatusOr<std::map<std::string, std::vector<double>>> other = NsPerElementByRun(*json);
  if (!other.ok()) return Failure(absl::StrCat(*sibling, ": ", other.status().message()));
  // Every scenario must come back timed: output that is not the sibling's JSON is an error, never an
  // empty comparison.
  for (const ScenarioTiming& t : mine) {
    auto it = other->find(BenchmarkName(t.scenario, request.n));
    if (it == other->end() || it->second.empty()) {
      return Failure(
          absl::StrCat("run --compare-counting: ", *sibling, " printed no timing of ", t.scenario));
    }
  }
  const char* here = kCountingCompiledIn ? "counted" : "uncounted";
  const char* there = kCountingCompiledIn ? "uncounted" : "counted";
  std::cout << absl::StrFormat("\ncounting compiled in and out (ns/elem, medians):\n%-20s %10s %10s %8s\n",
                               "scenario", here, there, "ratio");
  for (const ScenarioTiming& t : mine) {
    auto it = other->find(BenchmarkName(t.scenario, request.n));
    if (it == other->end() || it->second.empty()) continue;
    const double median = stats::Median(it->second);
    std::cout << absl::StrFormat("%-20s %10.2f %10.2f %7.3fx\n", t.scenario, t.median, median,
                                 t.median / median);
  }
  return kExitOk;
}

}  // namespace

const CommandSpec& RunCommandSpec() {
  static const CommandSpec spec = {
      "run",
      "run [SCENARIO...] [--suite=seed] [--n=N] [--repetitions=R] [--format=table|json] [--profile=P] "
      "[--layers=SPEC]",
      "Times scenarios through Google Benchmark, side by side in one run, and prints ns per element and the "
      "ratio to sct_subscript. Without scenarios: sct_init and sct_subscript (the seed's comparison). "
      "--format=json prints Google Benchmark's own JSON (compare two runs with "
      "/usr/share/benchmark/compare.py).",
      {kFlagN,
       kFlagRepetitions,
       {"format", "F", "table or json", "table"},
       {"suite", "NAME", "a named set of scenarios: seed (every scenario of the table)", ""},
       kFlagProfile,
       kFlagLayers,
       {"min-time", "SECONDS", "minimum time per repetition, at most 3600", "0.1; 0.05 with --suite"},
       kFlagBackend,
       kFlagTempdir,
       kFlagArenas,
       {"no-interleave", "", "run repetitions of one scenario back to back", ""},
       {"compare-counting", "", "also time the same scenarios in the other build (counters compiled in/out)",
        ""},
       kFlagQuiet,
       kFlagProgress},
      "SCENARIO...",
  };
  return spec;
}

int RunRunCommand(const ParsedArgs& args) {
  if (args.Has("suite")) {
    if (args.Get("suite") != "seed")
      return UsageError("--suite: unknown suite '" + args.Get("suite") + "' (suites: seed)");
    if (!args.positionals().empty())
      return UsageError("--suite and scenario names conflict: give one or the other");
  }
  absl::StatusOr<std::vector<const Scenario*>> scenarios =
      ResolveScenarios(args.positionals(), ScenariosIn(args.Has("suite") ? kSetSeedSuite : kSetDefault));
  if (!scenarios.ok()) return UsageError(scenarios.status().message());
  absl::StatusOr<int64_t> n = ResolveN(args);
  if (!n.ok()) return UsageError(n.status().message());
  // The seed suite runs every scenario of the table: a shorter minimum per repetition keeps it near ten
  // seconds.
  absl::StatusOr<TimingFlags> flags = ResolveTimingFlags(args, 5, args.Has("suite") ? 0.05 : 0.1);
  if (!flags.ok()) return UsageError(flags.status().message());
  if (args.Has("compare-counting") && flags->format == "json") {
    return UsageError("--compare-counting goes with --format=table");
  }
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageError(heap.message());

  RunRequest request;
  request.scenarios = *scenarios;
  request.n = *n;
  request.layers = flags->profile_and_layers.layers;
  request.profile = flags->profile_and_layers.profile;
  request.repetitions = flags->repetitions;
  request.min_time = flags->min_time;
  request.random_interleaving = !args.Has("no-interleave");
  Json json;
  if (flags->format == "json") request.benchmark_json = &json;
  Progress progress("run", static_cast<int64_t>(scenarios->size()) * flags->repetitions,
                    ResolveProgress(args));
  request.progress = &progress;
  absl::StatusOr<std::vector<ScenarioTiming>> timings = RunTimings(request);
  progress.Finish();
  if (!timings.ok()) return Failure(timings.status().message());
  // Two or more scenarios are compared (the /subscr column, compare.py).
  const TimingStability verdict = JudgeAndWarn(args, SeriesOf(*timings), scenarios->size() > 1);
  if (flags->format == "json") {
    json["context"]["dispatchlab_stability"] = StabilityToJson(verdict);
    // The run's peak resident set, taken now that every benchmark has run (this process only).
    json["context"]["dispatchlab_metadata"]["max_rss_bytes"] = PeakRssBytes();
    std::cout << DumpJson(json, 2) << "\n";
    return kExitOk;
  }
  PrintTable(*scenarios, *timings, request);
  PrintStabilityLine(verdict);
  if (args.Has("compare-counting")) return CompareCounting(args, request, *timings);
  return kExitOk;
}

}  // namespace dispatchlab::cli
