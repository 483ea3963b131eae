#include "experiments/cli/cmd_sweep.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/json.h"
#include "experiments/metadata.h"
#include "experiments/sweep.h"

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
  absl::StatusOr<ProfileAndLayers> pl = ResolveProfileAndLayers(args);
  if (!pl.ok()) return UsageError(pl.status().message());
  absl::StatusOr<int> reps = ResolveRepetitions(args, 3);
  if (!reps.ok()) return UsageError(reps.status().message());
  absl::StatusOr<std::string> format = ResolveFormat(args, {"table", "json"});
  if (!format.ok()) return UsageError(format.status().message());
  SweepRequest request;
  if (args.Has("min-time")) {
    absl::StatusOr<double> t = ParsePositiveDouble("min-time", args.Get("min-time"));
    if (!t.ok()) return UsageError(t.status().message());
    request.min_time = *t;
  }
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageError(heap.message());
  request.scenarios = *scenarios;
  request.ns = *ns;
  request.layers = pl->layers;
  request.profile = pl->profile;
  request.repetitions = *reps;
  Progress progress("sweep", static_cast<int64_t>(ns->size() * scenarios->size()) * *reps,
                    ResolveProgress(args));
  request.progress = &progress;
  absl::StatusOr<std::vector<SweepSeries>> result = RunSweep(request);
  progress.Finish();
  if (!result.ok()) return Failure(result.status().message());
  // Every point is compared with its scenario's first (the departure flag).
  std::vector<TimedSeries> measured;
  for (const SweepSeries& s : *result) {
    for (const SweepPoint& p : s.points)
      measured.push_back({absl::StrCat(s.scenario, " n=", p.n), p.timing.samples});
  }
  const TimingStability verdict = JudgeAndWarn(args, measured, /*comparison=*/true);

  if (*format == "json") {
    Json series = Json::array();
    for (const SweepSeries& s : *result) {
      Json points = Json::array();
      for (const SweepPoint& p : s.points) {
        points.push_back({{"n", p.n},
                          {"ns_per_element", p.timing.median},
                          {"cv", p.timing.cv},
                          {"min", p.timing.min},
                          {"max", p.timing.max},
                          {"relative", p.relative},
                          {"departure", p.departure},
                          {"samples", p.timing.samples}});
      }
      series.push_back({{"scenario", s.scenario}, {"points", points}});
    }
    Json doc = {{"series", series},
                {"stability", StabilityToJson(verdict)},
                {"metadata", MetadataJson({pl->profile, pl->layers, true, 0, *reps, /*max_rss=*/true})}};
    std::cout << DumpJson(doc) << "\n";
    return kExitOk;
  }
  std::cout << absl::StrFormat("dispatchlab sweep: profile %s (layers: %s), %d repetitions per point\n",
                               pl->profile, pl->layers.ToString(), *reps);
  for (const SweepSeries& s : *result) {
    std::cout << "\n" << s.scenario << "\n";
    std::cout << absl::StrFormat("  %12s %10s %7s %9s\n", "n", "ns/elem", "cv", "vs first");
    for (const SweepPoint& p : s.points) {
      std::cout << absl::StrFormat("  %12d %10.2f %6.1f%% %8.2fx%s\n", p.n, p.timing.median, 100 * p.timing.cv,
                                   p.relative, p.departure ? "  <- departs from linear cost" : "");
    }
  }
  std::cout << "\nmachine: " << MetadataLine() << "\n";
  std::cout << "stability: " << (verdict.stable ? "stable" : "UNSTABLE (reasons on stderr, in --format=json)")
            << "\n";
  return kExitOk;
}

}  // namespace dispatchlab::cli
