// `dispatchlab mp`: see cmd_mp.h. With one W the JSON is {"scenario", "workers", "n", "wrong_elements", ...};
// with several (--workers=1,2,4) it is {"scenario", "n", "wrong_elements" (the sum), "runs": [one such
// object per W], ...}.
#include "experiments/cli/cmd_mp.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "core/layers.h"
#include "core/name_lookup.h"
#include "core/shm_arena.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/cli/heap_flags.h"
#include "experiments/cli/shm_output.h"
#include "experiments/shm/mp_run.h"

namespace dispatchlab::cli {
namespace {

// One W's object: {"scenario", "workers", "n", "wrong_elements", ...}.
Json RunJson(const MpResult& result, const MpRun& run, double base_median) {
  Spread wall = SpreadOf(run.wall_ns_per_element);
  Spread fill = SpreadOf(run.fill_ns_per_element);
  return {{"scenario", result.scenario},
          {"workers", run.workers},
          {"n", result.n},
          {"wrong_elements", run.wrong_elements},
          {"first_wrong_index", run.first_wrong_index},
          {"backend", BackendName(result.backend)},
          {"wall_ns_per_element", {{"median", wall.median}, {"min", wall.min}, {"max", wall.max}}},
          {"fill_ns_per_element", {{"median", fill.median}, {"min", fill.min}, {"max", fill.max}}},
          {"speedup", wall.median > 0 ? base_median / wall.median : 0},
          {"worker_faults_per_page", SpreadOf(run.worker_faults_per_page).median},
          {"wall_samples", run.wall_ns_per_element}};
}

void PrintJson(const MpConfig& config, const std::string& profile, const MpResult& result,
               const TimingStability& verdict) {
  double base = SpreadOf(result.runs.front().wall_ns_per_element).median;
  MetadataFields fields;
  fields.profile = profile;
  fields.layers = config.layers;
  fields.has_layers = true;
  fields.n = config.n;
  fields.repetitions = config.repetitions;
  Json doc;
  if (result.runs.size() == 1) {
    doc = RunJson(result, result.runs.front(), base);
  } else {
    Json runs = Json::array();
    for (const MpRun& run : result.runs) runs.push_back(RunJson(result, run, base));
    doc = {{"scenario", result.scenario},
           {"n", result.n},
           {"backend", BackendName(result.backend)},
           {"wrong_elements", result.wrong_elements},
           {"runs", runs}};
  }
  doc["layers"] = config.layers.ToString();
  doc["stability"] = StabilityToJson(verdict);
  doc["metadata"] = MetadataJson(fields);
  std::printf("%s\n", DumpJson(doc).c_str());
}

void PrintTable(const MpConfig& config, const MpResult& result) {
  std::printf(
      "mp %s: n=%lld, backend %s%s, layers %s; ns per element, median [min-max] of %d interleaved "
      "repetitions\n%s\n\n",
      result.scenario.c_str(), static_cast<long long>(result.n),
      std::string(BackendName(result.backend)).c_str(),
      result.backend == Backend::kFile ? absl::StrCat(" in ", shm::ArenaDirectory(config.heap)).c_str() : "",
      config.layers.ToString().c_str(), config.repetitions, MetadataLine().c_str());
  std::printf("%8s %15s %26s %26s %9s %14s\n", "workers", "wrong_elements", "wall (fork..wait)",
              "slowest worker's fill", "speedup", "faults/page");
  double base = SpreadOf(result.runs.front().wall_ns_per_element).median;
  for (const MpRun& run : result.runs) {
    Spread wall = SpreadOf(run.wall_ns_per_element);
    Spread fill = SpreadOf(run.fill_ns_per_element);
    std::printf("%8d %15lld %26s %26s %9s %14.2f\n", run.workers, static_cast<long long>(run.wrong_elements),
                absl::StrFormat("%.3g [%.3g-%.3g]", wall.median, wall.min, wall.max).c_str(),
                absl::StrFormat("%.3g [%.3g-%.3g]", fill.median, fill.min, fill.max).c_str(),
                absl::StrFormat("x%.2f", wall.median > 0 ? base / wall.median : 0).c_str(),
                SpreadOf(run.worker_faults_per_page).median);
  }
  std::printf(
      "\nspeedup: median wall time of %d worker(s) over that of each row. faults/page: minor page "
      "faults the workers' fills took per 4 KiB page of the array (median).\n",
      result.runs.front().workers);
  if (result.wrong_elements != 0) {
    std::printf(
        "%lld wrong element(s)%s\n", static_cast<long long>(result.wrong_elements),
        result.backend == Backend::kPrivate ? " (expected: private memory is not shared with workers)" : "");
  }
}

}  // namespace

const CommandSpec& MpCommandSpec() {
  static const CommandSpec spec = [] {
    CommandSpec spec = {
        "mp",
        "mp SCENARIO [--workers=W,...] [--n=N] [--backend=anon|shm|file|private] [--tempdir=DIR] "
        "[--arenas=V] [--profile=P] [--layers=L] [--repetitions=R] [--format=table|json]",
        "Forks W workers that fill disjoint slices of one shared array of n c_ints, allocated before fork "
        "from the chosen backend, through the scenario's path; the parent checks every element and reports "
        "wrong_elements (0 for a shared backend; every element with the private control) and the wall time "
        "against W.",
        {
            {"workers", "W,...", "worker counts, each 1..256, run interleaved", "1,2,4"},
            {"n", "N", "elements, 1..2^40 and within memory", "1e6"},
            {"profile", "P", "layer profile active in the workers", kDefaultProfile},
            {"layers", "L", "layer spec on top of the profile (see 'dispatchlab list')", ""},
            {"repetitions", "R", "interleaved repetitions per W, 1..1000", "5"},
            {"format", "F", "table or json", "table"},
            kFlagQuiet,
            kFlagProgress,
        },
        "SCENARIO",
    };
    // --backend (private is the control: not shared), --tempdir, --arenas
    spec.flags.insert(spec.flags.begin() + 2, HeapFlagSpecs().begin(), HeapFlagSpecs().end());
    return spec;
  }();
  return spec;
}

int RunMpCommand(const ParsedArgs& args) {
  if (args.Has("help")) {
    std::printf("%s", HelpText(MpCommandSpec()).c_str());
    return kExitOk;
  }
  if (args.positionals().size() != 1) {
    return UsageError(absl::StrCat("mp takes one SCENARIO (", JoinNames(MpScenarioTable()), ")"));
  }
  MpConfig config;
  config.scenario = args.positionals().front();
  if (absl::StatusOr<const MpScenarioInfo*> s = MpScenarioFromName(config.scenario); !s.ok()) {
    return UsageError(s.status().message());
  }
  config.workers.clear();
  std::string workers = args.Get("workers", "1,2,4");
  for (absl::string_view item : absl::StrSplit(absl::string_view(workers), ',')) {
    absl::StatusOr<int64_t> w = ParseIntInRange("workers", item, 1, 256);
    if (!w.ok()) return UsageError(w.status().message());
    if (std::find(config.workers.begin(), config.workers.end(), *w) != config.workers.end()) {
      return UsageError(absl::StrCat("--workers=", workers, ": ", *w, " given twice"));
    }
    config.workers.push_back(static_cast<int>(*w));
  }
  absl::StatusOr<int64_t> n = ResolveN(args, 1000000);
  if (!n.ok()) return UsageError(n.status().message());
  if (*n > (int64_t{1} << 32)) return UsageError(absl::StrCat("--n=", *n, " is more than 2^32 elements"));
  config.n = *n;
  absl::StatusOr<HeapOptions> heap = HeapOptionsFromArgs(args);
  if (!heap.ok()) return UsageError(heap.status().message());
  config.heap = *heap;
  absl::StatusOr<ProfileAndLayers> profile = ResolveProfileAndLayers(args, /*name_the_flag=*/true);
  if (!profile.ok()) return UsageError(profile.status().message());
  config.layers = profile->layers;
  absl::StatusOr<int> reps = ResolveRepetitions(args, 5);
  if (!reps.ok()) return UsageError(reps.status().message());
  config.repetitions = *reps;
  absl::StatusOr<std::string> format = ResolveFormat(args, {"table", "json"});
  if (!format.ok()) return UsageError(format.status().message());

  Progress progress("mp", static_cast<int64_t>(config.repetitions) * config.workers.size(),
                    ResolveProgress(args));
  config.progress = &progress;
  absl::StatusOr<MpResult> result = RunMp(config);
  progress.Finish();
  if (!result.ok()) {
    if (result.status().code() == absl::StatusCode::kInvalidArgument)
      return UsageError(result.status().message());
    return Failure(result.status().message());
  }
  // Each W's wall time is compared with the first W's (the speedup column).
  std::vector<TimedSeries> measured;
  for (const MpRun& run : result->runs) {
    measured.push_back({absl::StrCat("W=", run.workers, " wall"), run.wall_ns_per_element});
  }
  const TimingStability verdict = JudgeAndWarn(args, measured, result->runs.size() > 1);
  if (*format == "json") {
    PrintJson(config, profile->profile_name, *result, verdict);
  } else {
    PrintTable(config, *result);
    std::printf("stability: %s\n",
                verdict.stable ? "stable" : "UNSTABLE (reasons on stderr, in --format=json)");
  }
  // The private backend is the control: its workers' stores are lost by design, so wrong elements are
  // its expected result (and none would mean the control is broken). For a shared backend, any is a failure.
  if (result->backend == Backend::kPrivate) {
    if (result->wrong_elements > 0) return kExitOk;
    return Failure("mp: the private control lost no element (the workers' memory was shared)");
  }
  if (result->wrong_elements == 0) return kExitOk;
  return Failure(absl::StrCat("mp: ", result->wrong_elements, " wrong element(s) in shared memory"));
}

}  // namespace dispatchlab::cli
