#include "experiments/cli/common.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "experiments/base/output_file.h"

namespace dispatchlab::cli {

std::vector<TimedSeries> SeriesOf(const std::vector<ScenarioTiming>& timings, const std::string& suffix) {
  std::vector<TimedSeries> out;
  for (const ScenarioTiming& t : timings) out.push_back({t.scenario + suffix, t.samples});
  return out;
}

TimingStability JudgeAndWarn(const ParsedArgs& args, const std::vector<TimedSeries>& series, bool comparison,
                             const StabilityLimits& limits) {
  TimingStability verdict = JudgeTimings(series, comparison, ReadMachineState(), limits);
  WarnIfUnstable(verdict, args.Has("quiet"), std::cerr);
  return verdict;
}

absl::StatusOr<LayerSet> ParseLayersFlag(const ParsedArgs& args, LayerSet base) {
  const std::string spec = args.Get("layers");
  absl::StatusOr<LayerSet> layers = ParseLayerSpec(spec, base);
  if (!layers.ok()) {
    return absl::Status(layers.status().code(),
                        absl::StrCat("--layers=", spec, ": ", layers.status().message()));
  }
  return layers;
}

absl::StatusOr<ProfileAndLayers> ResolveProfileAndLayers(const ParsedArgs& args, bool name_the_flag) {
  const auto named = [name_the_flag](absl::string_view flag, const absl::Status& error) {
    if (!name_the_flag) return error;
    return absl::Status(error.code(), absl::StrCat("--", flag, ": ", error.message()));
  };
  absl::StatusOr<Profile> profile = ProfileFromName(args.Get("profile", kDefaultProfile));
  if (!profile.ok()) return named("profile", profile.status());
  ProfileAndLayers out{std::string(profile->name), profile->layers, std::string(profile->name)};
  if (args.Has("layers")) {
    absl::StatusOr<LayerSet> layers = ParseLayersFlag(args, profile->layers);
    if (!layers.ok()) return layers.status();
    out.layers = *layers;
    if (out.layers != profile->layers) out.profile = absl::StrCat(profile->name, "+edits");
  }
  if (absl::Status runs = CheckBuildRuns(out.layers); !runs.ok()) return runs;
  return out;
}

absl::StatusOr<std::vector<const Scenario*>> ResolveScenarios(const std::vector<std::string>& names,
                                                              const std::vector<std::string>& fallback) {
  const std::vector<std::string>& chosen = names.empty() ? fallback : names;
  std::vector<const Scenario*> out;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& name : chosen) {
    absl::StatusOr<const Scenario*> s = ScenarioFromName(name);
    if (!s.ok()) return s.status();
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat("scenario '", name, "' given twice"));
    }
    out.push_back(*s);
  }
  return out;
}

absl::StatusOr<int64_t> ResolveN(const ParsedArgs& args, int64_t fallback) {
  if (!args.Has("n")) return fallback;
  absl::StatusOr<int64_t> n = ParseCount("n", args.Get("n"));
  if (!n.ok()) return n.status();
  if (absl::Status fits = CheckFitsInMemory(*n); !fits.ok()) return fits;
  return n;
}

absl::StatusOr<int> ResolveRepetitions(const ParsedArgs& args, int fallback, int min) {
  if (!args.Has("repetitions")) return fallback;
  absl::StatusOr<int64_t> r = ParseIntInRange("repetitions", args.Get("repetitions"), min, 1000);
  if (!r.ok()) return r.status();
  return static_cast<int>(*r);
}

absl::StatusOr<std::string> ResolveFormat(const ParsedArgs& args,
                                          const std::vector<absl::string_view>& choices) {
  if (!args.Has("format")) return std::string(choices.front());
  return ParseChoice("format", args.Get("format"), choices);
}

absl::StatusOr<TimingFlags> ResolveTimingFlags(const ParsedArgs& args, int repetitions, double min_time) {
  TimingFlags flags;
  absl::StatusOr<ProfileAndLayers> pl = ResolveProfileAndLayers(args);
  if (!pl.ok()) return pl.status();
  flags.profile_and_layers = *pl;
  absl::StatusOr<int> reps = ResolveRepetitions(args, repetitions);
  if (!reps.ok()) return reps.status();
  flags.repetitions = *reps;
  absl::StatusOr<std::string> format = ResolveFormat(args, {"table", "json"});
  if (!format.ok()) return format.status();
  flags.format = *format;
  flags.min_time = min_time;
  if (args.Has("min-time")) {
    absl::StatusOr<double> t = ParsePositiveDouble("min-time", args.Get("min-time"));
    if (!t.ok()) return t.status();
    flags.min_time = *t;
  }
  return flags;
}

namespace {
// This process's mapped address space (/proc/self/statm's first field), which counts against ulimit -v.
double MappedBytes() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0;
  if (!(statm >> pages)) return 0;
  return pages * static_cast<double>(sysconf(_SC_PAGE_SIZE));
}
}  // namespace

// kPeakBytesPerElement: `*l` and `tuple(l)` (sct_init, sct_subscript_tuple, ct_init, ...) keep n numpy
// scalars alive, 32 bytes each in pymalloc's 32-byte class, in a tuple of n 8-byte pointers, beside the
// int64 source (8 bytes) and the c_int array (4): 52 bytes per element, which is what their peak resident
// set grows by (2e6 elements: 99.5 MiB above n = 1, 52.1 bytes each).
absl::Status CheckFitsInMemory(int64_t n) {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGE_SIZE);
  double memory = pages > 0 ? static_cast<double>(pages) * static_cast<double>(page_size) : 0;
  const char* what = "this machine's";
  // The address-space and data limits (ulimit -v, ulimit -d) bound what this process may allocate too:
  // without this check a limited process would pass and then die of std::bad_alloc half way.
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit limit;
    if (getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) continue;
    const double bytes = static_cast<double>(limit.rlim_cur) - (resource == RLIMIT_AS ? MappedBytes() : 0.0);
    if (memory == 0 || bytes < memory) {
      memory = bytes;
      what = resource == RLIMIT_AS ? "what the address-space limit (ulimit -v) leaves:"
                                   : "the data limit's (ulimit -d)";
    }
  }
  const double needed = kPeakBytesPerElement * static_cast<double>(n);
  if (memory > 0 && needed > memory) {
    return absl::InvalidArgumentError(absl::StrCat("--n=", n, ": needs about ",
                                                   static_cast<int64_t>(needed / 1e6), " MB, more than ",
                                                   what, " ", static_cast<int64_t>(memory / 1e6), " MB"));
  }
  return absl::OkStatus();
}

absl::Status CheckOutputPath(absl::string_view flag, const std::string& path) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": ", why));
  };
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return bad("is a directory");
    if (access(path.c_str(), W_OK) != 0) return bad("not writable");
    if (!S_ISREG(st.st_mode)) return absl::OkStatus();  // a device or fifo is written in place
  }
  const std::string dir = ParentDirectory(path);
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return bad("its directory does not exist");
  if (access(dir.c_str(), W_OK | X_OK) != 0) return bad("its directory is not writable");
  // What WriteFile will do (experiments/base/output_file.h), tried now rather than after the run: create
  // a file beside the target. access() says yes to root everywhere, and /proc or /sys refuse only the
  // create itself.
  std::string probe = absl::StrCat(dir, "/.dispatchlab-write-XXXXXX");
  const int fd = mkostemp(probe.data(), O_CLOEXEC);
  if (fd < 0) return bad(absl::StrCat("its directory takes no new file (", std::strerror(errno), ")"));
  close(fd);
  unlink(probe.c_str());
  return absl::OkStatus();
}

}  // namespace dispatchlab::cli
