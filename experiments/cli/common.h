// Flags and argument resolution shared by the subcommands: --profile/--layers, scenario names, the heap
// backend, output formats. Every resolver returns InvalidArgument naming the bad input.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_COMMON_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_COMMON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "core/layers.h"
#include "experiments/base/progress.h"
#include "experiments/base/stability.h"
#include "experiments/cli/args.h"
#include "experiments/cli/heap_flags.h"
#include "experiments/measure/runner.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::cli {

inline const FlagSpec kFlagN{"n", "N", "elements per array (1e5 or 100000), 1..2^40 and within memory",
                             "1e5"};
inline const std::string kProfileHelp = absl::StrCat("CPython profile: ", ProfilesThisBuildRuns());
inline const FlagSpec kFlagProfile{"profile", "P", kProfileHelp, kDefaultProfile};
inline const FlagSpec kFlagLayers{"layers", "SPEC",
                                  "layer switches: all, none, a,b (exactly these), or edits +a,-b of the "
                                  "profile",
                                  ""};
inline const FlagSpec kFlagRepetitions{"repetitions", "R", "repetitions per measurement, 1..1000", "5"};
// Every timing command: stability warnings and progress (experiments/base/stability.h,
// experiments/base/progress.h).
inline const FlagSpec kFlagQuiet{
    "quiet", "", "no stability warnings and no progress on stderr (the data is the same)", ""};
inline const FlagSpec kFlagProgress{"progress", "",
                                    "progress with an ETA on stderr even when it is not a terminal", ""};
// The heap flags (--backend, --tempdir, --arenas) come from experiments/cli/heap_flags.h.
inline const FlagSpec& kFlagBackend = HeapFlagSpecs()[0];
inline const FlagSpec& kFlagTempdir = HeapFlagSpecs()[1];
inline const FlagSpec& kFlagArenas = HeapFlagSpecs()[2];

struct ProfileAndLayers {
  std::string profile;  // the profile name, or "<profile>+edits" when --layers changed it
  LayerSet layers;
  std::string profile_name;  // the --profile row's name alone
};
// --profile and --layers together. --layers errors always name the flag and its value (ParseLayersFlag);
// with `name_the_flag`, a --profile error starts "--profile: " too.
absl::StatusOr<ProfileAndLayers> ResolveProfileAndLayers(const ParsedArgs& args, bool name_the_flag = false);
// --layers=SPEC applied to `base` (core/layers.h's ParseLayerSpec); its errors name the flag:
// "--layers=SPEC: layer 'boxing' given twice".
absl::StatusOr<LayerSet> ParseLayersFlag(const ParsedArgs& args, LayerSet base);

// Scenario names to table rows; `fallback` when none are given. Repeated names are an error.
absl::StatusOr<std::vector<const Scenario*>> ResolveScenarios(const std::vector<std::string>& names,
                                                              const std::vector<std::string>& fallback);

// --n (default `fallback`).
absl::StatusOr<int64_t> ResolveN(const ParsedArgs& args, int64_t fallback = 100000);
// --repetitions in [min, 1000] (default `fallback`).
absl::StatusOr<int> ResolveRepetitions(const ParsedArgs& args, int fallback, int min = 1);
// --format among `choices` (default the first).
absl::StatusOr<std::string> ResolveFormat(const ParsedArgs& args,
                                          const std::vector<absl::string_view>& choices);

// The flags the timing commands (`run`, `sweep`) share, checked in this order: --profile and --layers,
// --repetitions (default `repetitions`), --format=table|json, --min-time (default `min_time`).
struct TimingFlags {
  ProfileAndLayers profile_and_layers;
  int repetitions = 0;
  std::string format;
  double min_time = 0;
};
absl::StatusOr<TimingFlags> ResolveTimingFlags(const ParsedArgs& args, int repetitions, double min_time);

// --progress and --quiet: the mode of a command's Progress.
inline ProgressMode ResolveProgress(const ParsedArgs& args) {
  return ChooseProgressMode(args.Has("progress"), args.Has("quiet"));
}

// One TimedSeries per scenario timing, labelled scenario name + `suffix`.
std::vector<TimedSeries> SeriesOf(const std::vector<ScenarioTiming>& timings, const std::string& suffix = "");

// Judges `series` on the machine as it is now and warns on stderr unless --quiet: every timing command's
// last step before it prints.
TimingStability JudgeAndWarn(const ParsedArgs& args, const std::vector<TimedSeries>& series, bool comparison,
                             const StabilityLimits& limits = {});

// --backend, --tempdir and --arenas: installs the default heap RawArray allocates from.
inline absl::Status InstallHeap(const ParsedArgs& args) { return InstallHeapFromArgs(args); }

// Checks that the scenario with the most alive at once fits in this machine's memory, or in what the
// address-space limit (ulimit -v, less what this process has mapped already) or the data limit leaves:
// kPeakBytesPerElement * n bytes.
inline constexpr double kPeakBytesPerElement = 52;
absl::Status CheckFitsInMemory(int64_t n);

// An output file flag (--out=FILE, --output=FILE), checked before any work so that bad input never leaves a
// partial file: InvalidArgument naming the flag when the path is a directory, its directory does not exist
// or is not writable, or the file exists and is not writable. Creates nothing.
absl::Status CheckOutputPath(absl::string_view flag, const std::string& path);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_COMMON_H_
