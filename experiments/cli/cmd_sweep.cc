#include "experiments/cli/cmd_sweep.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/measure/sweep.h"

namespace dispatchlab::cli {

const CommandSpec& SweepCommandSpec() {
  static const CommandSpec spec = {
      "sweep",
      "sweep SCENARIO... [--n=1e3,1e4,1e5,1e6] [--repetitions=R] [--format=table|json] [--profile=P] "
      "[--layers=SPEC]",
      "Times each scenario at every n and prints the cost per element against n. A point is flagged where "
      "the cost per element departs from the smallest n's by more than 15% (or three times the noise): "
      "there the cost is not linear in n -- for instance where n materialised scalars stop fitting in "
      "cache.",
      {{"n", "N,N,...", "element counts, each 1..2^40 and within memory", "1e3,1e4,1e5,1e6"},
       {"repetitions", "R", "repetitions per point, 1..1000", "3"},
       {"format", "F", "table or json", "table"},
       kFlagProfile,
       kFlagLayers,
       {"min-time", "SECONDS", "minimum time per repetition, at most 3600", "0.05"},
       kFlagBackend,
       kFlagTempdir,
       kFlagArenas,
       kFlagQuiet,
       kFlagProgress},
      "SCENARIO...",
  };
  return spec;
}

int RunSweepCommand(const ParsedArgs& args) {
  if (args.positionals().empty()) return UsageError("sweep: name at least one scenario");
  absl::StatusOr<std::vector<const Scenario*>> scenarios = ResolveScenarios(args.positionals(), {});
  if (!scenarios.ok()) return UsageError(scenarios.status().message());
  absl::StatusOr<std::vector<int64_t>> ns = ParseCountList("n", args.Get("n", "1e3,1e4,1e5,1e6"));
  if (!ns.ok()) return UsageError(ns.status().message());
  for (int64_t n : *ns) {
    if (absl::Status fits = CheckFitsInMemory(n); !fits.ok()) return UsageError(fits.message());
  }
  SweepRequest request;
  absl::StatusOr<TimingFlags> flags = ResolveTimingFlags(args, 3, request.min_time);
  if (!flags.ok()) return UsageError(flags.status().message());
  request.min_time = flags->min_time;
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageError(heap.message());
  request.scenarios = *scenarios;
  // Points in increasing n, whatever the order given: the first is the smallest, which the others are
  // compared with.
  std::sort(ns->begin(), ns->end());
  request.ns = *ns;
  request.layers = flags->profile_and_layers.layers;
  request.profile = flags->profile_and_layers.profile;
  request.repetitions = flags->repetitions;
  Progress progress("sweep", static_cast<int64_t>(ns->size() * scenarios->size()) * flags->repetitions,
                    ResolveProgress(args));
  request.progress = &progress;
  absl::StatusOr<std::vector<SweepSeries>> result = RunSweep(request);
  progress.Finish();
  if (!result.ok()) return Failure(result.status().message());
  // Every point is compared with its scenario's first (the departure flag).
  std::vector<TimedSeries> measured;
  for (const SweepSeries& s : *result) {
    for (const SweepPoint& p : s.points)
      measured.push_back({absl::StrCat(s.scenario, " n=", p.n), p.samples});
  }
  const TimingStability verdict = JudgeAndWarn(args, measured, /*comparison=*/true);

  if (flags->format == "json") {
    Json series = Json::array();
    for (const SweepSeries& s : *result) {
      Json points = Json::array();
      for (const SweepPoint& p : s.points) {
        points.push_back({{"n", p.n},
                          {"ns_per_element", p.median},
                          {"cv", p.cv},
                          {"min", p.min},
                          {"max", p.max},
                          {"relative", p.relative},
                          {"departure", p.departure},
                          {"samples", p.samples}});
      }
      series.push_back({{"scenario", s.scenario}, {"points", points}});
    }
    Json doc = {
        {"series", series},
        {"stability", StabilityToJson(verdict)},
        {"metadata", MetadataJson({flags->profile_and_layers.profile, flags->profile_and_layers.layers, true,
                                   0, flags->repetitions, /*max_rss=*/true})}};
    std::cout << DumpJson(doc) << "\n";
    return kExitOk;
  }
  std::cout << absl::StrFormat("dispatchlab sweep: profile %s (layers: %s), %d repetitions per point\n",
                               flags->profile_and_layers.profile, flags->profile_and_layers.layers.ToString(),
                               flags->repetitions);
  for (const SweepSeries& s : *result) {
    std::cout << "\n" << s.scenario << "\n";
    std::cout << absl::StrFormat("  %12s %10s %7s %9s\n", "n", "ns/elem", "cv", "vs first");
    for (const SweepPoint& p : s.points) {
      std::cout << absl::StrFormat("  %12d %10.2f %6.1f%% %8.2fx%s\n", p.n, p.median, 100 * p.cv, p.relative,
                                   p.departure ? "  <- departs from linear cost" : "");
    }
  }
  std::cout << "\nmachine: " << MetadataLine() << "\n";
  std::cout << "stability: " << (verdict.stable ? "stable" : "UNSTABLE (reasons on stderr, in --format=json)")
            << "\n";
  return kExitOk;
}

}  // namespace dispatchlab::cli
