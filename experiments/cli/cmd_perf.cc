// `dispatchlab perf`: the steady hot loop perf records (see cmd_perf.h and docs/perf.md).
#include "experiments/cli/cmd_perf.h"

#include <signal.h>
#include <sys/prctl.h>

#include <iostream>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/base/subprocess.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/profiling/child_loop.h"
#include "experiments/profiling/layer_reach.h"
#include "experiments/profiling/perf_binary.h"
#include "experiments/profiling/perf_runner.h"
#include "experiments/profiling/region.h"
#include "experiments/profiling/workload.h"

namespace dispatchlab::cli {

const CommandSpec& PerfCommandSpec() {
  static const CommandSpec spec = {
      "perf",
      "perf SCENARIO [--layers=SPEC] [--seconds=S] [--n=N] [--perf-ctl=FIFO --perf-ack=FIFO]",
      "Runs SCENARIO in a steady hot loop for S seconds, for perf to sample. The loop is a measured region: "
      "under `perf record --delay=-1 --control=fifo:CTL,ACK` (fifos given by --perf-ctl/--perf-ack or "
      "DISPATCHLAB_PERF_CTL/DISPATCHLAB_PERF_ACK) only the loop is recorded, not start-up. Without them it "
      "prints the perf record line to use. Layer functions are in namespace dispatchlab::layers::<layer>, "
      "so perf report names them; build with the `profile` preset for frame-pointer call stacks. See "
      "docs/perf.md.",
      {
          kFlagLayers,
          kFlagProfile,
          kFlagN,
          {"seconds", "S", "length of the measured loop, at most 3600", "10"},
          {"warmup", "W", "scenario runs before the measured loop, 0..1000000", "1"},
          {"perf-ctl", "FIFO", "perf's control fifo (--control=fifo:CTL,ACK); default $DISPATCHLAB_PERF_CTL",
           ""},
          {"perf-ack", "FIFO", "perf's ack fifo; default $DISPATCHLAB_PERF_ACK", ""},
          {"quiet", "", "print only `runs: K` (for dispatchlab profile)", ""},
      },
      "SCENARIO"};
  return spec;
}

int RunPerfCommand(const ParsedArgs& args) {
  if (args.Has("help")) {
    std::cout << HelpText(PerfCommandSpec());
    return kExitOk;
  }
  if (args.positionals().size() != 1) return UsageError("perf: give exactly one SCENARIO");
  const std::string& scenario = args.positionals()[0];
  absl::Status valid = profiling::ValidateScenarioName(scenario);
  if (!valid.ok()) return UsageError(absl::StrCat("perf: ", valid.message()));
  absl::StatusOr<ProfileAndLayers> profile_and_layers = ResolveProfileAndLayers(args);
  if (!profile_and_layers.ok())
    return UsageError(absl::StrCat("perf: ", profile_and_layers.status().message()));
  const LayerSet layers = profile_and_layers->layers;
  if (absl::Status reach = profiling::CheckNamedLayersReachable(args.Get("layers"), layers); !reach.ok()) {
    return UsageError(absl::StrCat("perf: ", reach.message()));
  }
  absl::StatusOr<int64_t> n = ResolveN(args);
  if (!n.ok()) return UsageError(absl::StrCat("perf: ", n.status().message()));
  absl::StatusOr<double> seconds = ParsePositiveDouble("seconds", args.Get("seconds", "10"));
  if (!seconds.ok()) return UsageError(absl::StrCat("perf: ", seconds.status().message()));
  absl::StatusOr<int64_t> warmup = ParseIntInRange("warmup", args.Get("warmup", "1"), 0, 1000000);
  if (!warmup.ok()) return UsageError(absl::StrCat("perf: ", warmup.status().message()));
  if (args.Has("perf-ack") && !args.Has("perf-ctl")) {
    return UsageError("perf: --perf-ack needs --perf-ctl");
  }
  const bool quiet = args.Has("quiet");

  std::optional<profiling::PerfControlPaths> paths;
  if (args.Has("perf-ctl")) {
    paths = profiling::PerfControlPaths{args.Get("perf-ctl"), args.Get("perf-ack")};
  } else {
    paths = profiling::PerfControlFromEnv();
  }
  std::optional<profiling::PerfControl> control;
  if (paths.has_value()) {
    absl::StatusOr<profiling::PerfControl> opened = profiling::PerfControl::Open(*paths);
    if (!opened.ok()) {
      const std::string message = absl::StrCat("perf: ", opened.status().message());
      return absl::IsInvalidArgument(opened.status()) ? UsageError(message) : Failure(message);
    }
    control.emplace(*std::move(opened));
    // Under perf control this process is perf record's workload: it dies with perf (even by SIGKILL),
    // so an interrupted `profile` leaves no loop running.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (!quiet && !profiling::BuiltWithFramePointers()) {
      std::cerr << "dispatchlab perf: WARNING: this binary was built without frame pointers: perf's call "
                   "stacks lose the layer frames and most samples will be 'unattributed'; record "
                   "build/profile/dispatchlab instead (cmake --preset profile && cmake --build --preset "
                   "profile; docs/perf.md)\n";
    }
  } else if (!quiet) {
    const std::string child =
        absl::StrFormat("perf %s --n=%d --layers=%s --seconds=%g", scenario, *n, layers.ToString(), *seconds);
    profiling::PerfProbe probe = profiling::ProbePerf();
    absl::StatusOr<std::string> self = profiling::SelfExecutable();
    const profiling::PerfBinary binary = profiling::ChoosePerfBinary(self.ok() ? *self : "dispatchlab");
    if (!binary.message.empty()) {
      std::cerr << "dispatchlab perf: " << (binary.frame_pointers ? "note: " : "WARNING: ") << binary.message
                << "\n";
    }
    std::cerr << "dispatchlab perf: not under perf control; the whole process would be recorded.\n"
              << "To record only the measured loop, run:\n  "
              << profiling::PerfRecordCommandLine(probe.permitted ? probe.event : "cpu-clock", binary.path,
                                                  child)
              << "\nthen: perf report --no-children --sort=symbol   (docs/perf.md)\n";
    if (!probe.permitted) {
      std::cerr << "note: " << probe.problem << "\n";
    } else if (!probe.hardware_events) {
      std::cerr << "note: this machine exposes no hardware events to perf (perf stat -e instructions "
                   "says <not supported>); use the software event cpu-clock\n";
    }
  }

  absl::StatusOr<profiling::RunOnce> run_once = profiling::ScenarioWorkloadFactory()(scenario, *n, layers);
  if (!run_once.ok()) return Failure(absl::StrCat("perf: ", run_once.status().message()));
  profiling::LoopOptions options;
  options.warmup = *warmup;
  options.seconds = *seconds;
  options.label = absl::StrCat("perf ", scenario);
  options.perf = control.has_value() ? &*control : nullptr;
  absl::StatusOr<int64_t> runs = profiling::RunForSeconds(*run_once, options);
  if (!runs.ok()) return Failure(absl::StrCat("perf: ", runs.status().message()));
  if (quiet) {
    std::cout << "runs: " << *runs << "\n";
  } else {
    std::cout << absl::StrFormat("ran %s (n=%d, layers=%s) %d times in %g s inside the measured region%s\n",
                                 scenario, *n, layers.ToString(), *runs, *seconds,
                                 control.has_value() ? " (perf enabled only there)" : "");
  }
  return kExitOk;
}

}  // namespace dispatchlab::cli
