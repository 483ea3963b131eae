// `dispatchlab profile` and the hidden `dispatchlab profile-child` (see cmd_profile.h, docs/perf.md).
#include "experiments/cli/cmd_profile.h"

#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/text.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/profiling/callgrind_runner.h"
#include "experiments/profiling/child_loop.h"
#include "experiments/profiling/layer_reach.h"
#include "experiments/profiling/perf_runner.h"
#include "experiments/profiling/profile_report.h"
#include "experiments/profiling/workload.h"

namespace dispatchlab::cli {
const CommandSpec& ProfileCommandSpec() {
  static const CommandSpec spec = {
      "profile",
      "profile SCENARIO --tool=perf|callgrind [--n=N] [--layers=SPEC] [--format=table|json]",
      "Runs the profiler on SCENARIO and maps the profile back to layers. A sample or an instruction "
      "belongs to the innermost dispatchlab::layers::<layer> function on its call stack; the rest is "
      "'unattributed'. --tool=perf gives each layer's share of the samples of a steady loop (cpu-clock "
      "where the machine has no hardware events); --tool=callgrind gives exact instructions per element, "
      "identical on every run. Needs perf or valgrind installed. See docs/perf.md.",
      {
          {"tool", "TOOL", "perf or callgrind", ""},
          {"n", "N", "elements per array (1e5 or 100000), 1..2^40 and within memory",
           "100000 (perf), 10000 (callgrind)"},
          kFlagProfile,
          kFlagLayers,
          {"seconds", "S", "perf: length of the recorded loop, at most 3600", "5"},
          {"call-graph", "MODE", "perf: dwarf (unwind tables, 1000 Hz) or fp (frame pointers, 4000 Hz)",
           "dwarf"},
          {"iterations", "K", "callgrind: scenario runs inside the counted region, 1..1000000", "1"},
          {"format", "FORMAT", "table or json", "table"},
          {"output", "FILE", "also keep the raw profile: perf.data (perf) or the region's callgrind dump",
           ""},
      },
      "SCENARIO"};
  return spec;
}

int RunProfileCommand(const ParsedArgs& args) {
  if (args.Has("help")) {
    std::cout << HelpText(ProfileCommandSpec());
    return kExitOk;
  }
  if (args.positionals().size() != 1) return UsageError("profile: give exactly one SCENARIO");
  if (!args.Has("tool")) return UsageError("profile: --tool=perf or --tool=callgrind is required");
  absl::StatusOr<std::string> tool = ParseChoice("tool", args.Get("tool"), {"perf", "callgrind"});
  if (!tool.ok()) return UsageError(absl::StrCat("profile: ", tool.status().message()));
  absl::StatusOr<std::string> format = ParseChoice("format", args.Get("format", "table"), {"table", "json"});
  if (!format.ok()) return UsageError(absl::StrCat("profile: ", format.status().message()));
  if (*tool == "perf" && args.Has("iterations"))
    return UsageError("profile: --iterations is for --tool=callgrind");
  if (*tool == "callgrind" && args.Has("seconds")) return UsageError("profile: --seconds is for --tool=perf");
  if (*tool == "callgrind" && args.Has("call-graph"))
    return UsageError("profile: --call-graph is for --tool=perf");
  absl::StatusOr<std::string> call_graph =
      ParseChoice("call-graph", args.Get("call-graph", "dwarf"), {"dwarf", "fp"});
  if (!call_graph.ok()) return UsageError(absl::StrCat("profile: ", call_graph.status().message()));

  profiling::ProfileRequest request;
  request.scenario = args.positionals()[0];
  absl::Status valid = profiling::ValidateScenarioName(request.scenario);
  if (!valid.ok()) return UsageError(absl::StrCat("profile: ", valid.message()));
  absl::StatusOr<ProfileAndLayers> profile_and_layers = ResolveProfileAndLayers(args);
  if (!profile_and_layers.ok()) {
    return UsageError(absl::StrCat("profile: ", profile_and_layers.status().message()));
  }
  request.layers = profile_and_layers->layers;
  if (absl::Status reach = profiling::CheckNamedLayersReachable(args.Get("layers"), request.layers);
      !reach.ok()) {
    return UsageError(absl::StrCat("profile: ", reach.message()));
  }
  absl::StatusOr<int64_t> n = ResolveN(args, *tool == "perf" ? 100000 : 10000);
  if (!n.ok()) return UsageError(absl::StrCat("profile: ", n.status().message()));
  request.n = *n;
  absl::StatusOr<int64_t> iterations = ParseIntInRange("iterations", args.Get("iterations", "1"), 1, 1000000);
  if (!iterations.ok()) return UsageError(absl::StrCat("profile: ", iterations.status().message()));
  request.iterations = *iterations;
  absl::StatusOr<double> seconds = ParsePositiveDouble("seconds", args.Get("seconds", "5"));
  if (!seconds.ok()) return UsageError(absl::StrCat("profile: ", seconds.status().message()));
  request.seconds = *seconds;
  request.call_graph = *call_graph;
  request.keep_output = args.Get("output");
  if (args.Has("output")) {
    if (absl::Status out = CheckOutputPath("output", request.keep_output); !out.ok()) {
      return UsageError(absl::StrCat("profile: ", out.message()));
    }
  }

  absl::StatusOr<profiling::LayerProfile> profile =
      *tool == "perf" ? profiling::ProfileWithPerf(request) : profiling::ProfileWithCallgrind(request);
  if (!profile.ok()) {
    if (profiling::InterruptSignal() != 0) return Interrupted("profile");
    return Failure(absl::StrCat("profile: ", profile.status().message()));
  }
  for (const std::string& note : profile->notes) {
    if (absl::StartsWith(note, "WARNING: ")) std::cerr << "dispatchlab profile: " << note << "\n";
  }
  if (*format == "json") {
    std::cout << profiling::ProfileJson(*profile, MetadataJson({profile_and_layers->profile, profile->layers,
                                                                true, profile->n, profile->runs}));
  } else {
    std::cout << profiling::ProfileTable(*profile);
    if (!request.keep_output.empty()) {
      std::cout << "\nraw profile kept in " << request.keep_output
                << (*tool == "perf" ? " (perf report -i FILE --no-children)" : " (callgrind_annotate FILE)")
                << "\n";
    }
  }
  return kExitOk;
}

const CommandSpec& ProfileChildCommandSpec() {
  static const CommandSpec spec = {
      "profile-child",
      "profile-child SCENARIO --n=N --configs=0xBITS[,0xBITS...] [--iterations=K] [--warmup=W]",
      "Internal: the process `profile --tool=callgrind` and the instruction sampler run under valgrind. "
      "Runs SCENARIO once per layer set (a LayerSet bitmask), each in a measured region labelled "
      "'config <i>'.",
      {
          {"n", "N", "elements per scenario run, 1..2^40 and within memory", ""},
          {"configs", "LIST", "comma-separated layer-set bitmasks (0x...)", ""},
          {"iterations", "K", "scenario runs inside each region, 1..1000000", "1"},
          {"warmup", "W", "runs of the same layer set before its region, 0..1000000", "1"},
      },
      "SCENARIO"};
  return spec;
}

int RunProfileChildCommand(const ParsedArgs& args) {
  if (args.Has("help")) {
    std::cout << HelpText(ProfileChildCommandSpec());
    return kExitOk;
  }
  if (args.positionals().size() != 1) return UsageError("profile-child: give exactly one SCENARIO");
  if (!args.Has("n") || !args.Has("configs"))
    return UsageError("profile-child: --n and --configs are required");
  const std::string& scenario = args.positionals()[0];
  absl::StatusOr<int64_t> n = ResolveN(args);  // --n is required (above)
  if (!n.ok()) return UsageError(absl::StrCat("profile-child: ", n.status().message()));
  absl::StatusOr<int64_t> iterations = ParseIntInRange("iterations", args.Get("iterations", "1"), 1, 1000000);
  if (!iterations.ok()) return UsageError(absl::StrCat("profile-child: ", iterations.status().message()));
  absl::StatusOr<int64_t> warmup = ParseIntInRange("warmup", args.Get("warmup", "1"), 0, 1000000);
  if (!warmup.ok()) return UsageError(absl::StrCat("profile-child: ", warmup.status().message()));
  std::vector<LayerSet> configs;
  const std::string config_list = args.Get("configs");
  for (std::string_view item : profiling::Split(config_list, ',', /*skip_empty=*/false)) {
    std::optional<uint64_t> bits;
    if (item.rfind("0x", 0) == 0) bits = profiling::ParseHex(item.substr(2));
    if (!bits.has_value() || (*bits & ~uint64_t{LayerSet::All().bits()}) != 0) {
      return UsageError(profiling::Cat("profile-child: --configs: '", item, "' is not a layer-set bitmask"));
    }
    const LayerSet config(static_cast<uint32_t>(*bits));
    if (absl::Status runs = CheckBuildRuns(config); !runs.ok()) {
      return UsageError(absl::StrCat("profile-child: ", runs.message()));
    }
    configs.push_back(config);
  }
  profiling::WorkloadFactory factory = profiling::ScenarioWorkloadFactory();
  for (size_t i = 0; i < configs.size(); ++i) {
    absl::StatusOr<profiling::RunOnce> run_once = factory(scenario, *n, configs[i]);
    if (!run_once.ok()) return Failure(absl::StrCat("profile-child: ", run_once.status().message()));
    profiling::LoopOptions options;
    options.warmup = *warmup;
    options.iterations = *iterations;
    options.label = profiling::ConfigLabel(i);
    absl::Status s = profiling::RunIterations(*run_once, options);
    if (!s.ok()) return Failure(absl::StrCat("profile-child: ", s.message()));
  }
  return kExitOk;
}

}  // namespace dispatchlab::cli
