// Running callgrind on a profiling child and reading its dumps (see callgrind_runner.h).
#include "experiments/profiling/callgrind_runner.h"

#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "experiments/base/output_file.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/subprocess.h"

namespace dispatchlab::profiling {
namespace {

absl::Status RequireValgrind() {
  if (FindInPath("valgrind").has_value()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "valgrind is not installed (Debian/Ubuntu: apt-get install valgrind); --tool=callgrind needs it");
}

// Runs valgrind with `argv` (its options, the program and its words); the error quotes the program's
// last line of stderr.
absl::Status RunValgrind(const std::vector<std::string>& argv,
                         const std::vector<std::pair<std::string, std::string>>& extra_env,
                         const ScratchDir& dir) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.extra_env = extra_env;
  spec.stdout_path = dir.File("stdout");
  spec.stderr_path = dir.File("stderr");
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return absl::InternalError(absl::StrCat("the profiled child failed under callgrind (", result->Describe(),
                                            "): ", LastLine(ReadTextFile(spec.stderr_path))));
  }
  return absl::OkStatus();
}

}  // namespace

std::string ConfigLabel(size_t i) { return absl::StrCat("config ", i); }

std::vector<std::string> ProfileChildArgs(const ProfileRequest& request,
                                          const std::vector<LayerSet>& configs) {
  std::vector<std::string> bits;
  for (LayerSet c : configs) bits.push_back(absl::StrFormat("0x%x", c.bits()));
  return {kProfileChildCommand,
          request.scenario,
          absl::StrCat("--n=", request.n),
          absl::StrCat("--configs=", absl::StrJoin(bits, ",")),
          absl::StrCat("--iterations=", request.iterations),
          absl::StrCat("--warmup=", request.warmup)};
}

absl::StatusOr<std::vector<CallgrindDump>> RunCallgrindConfigs(const ProfileRequest& request,
                                                               const std::vector<LayerSet>& configs) {
  if (absl::Status valgrind = RequireValgrind(); !valgrind.ok()) return valgrind;
  std::string self = request.child_executable;
  if (self.empty()) {
    absl::StatusOr<std::string> exe = SelfExecutable();
    if (!exe.ok()) return exe.status();
    self = *exe;
  }
  absl::StatusOr<std::unique_ptr<ScratchDir>> dir = ScratchDir::Create("callgrind");
  if (!dir.ok()) return dir.status();
  const std::string out_file = (*dir)->File("callgrind.out");
  std::vector<std::string> argv = {"valgrind",
                                   "--tool=callgrind",
                                   "--instr-atstart=no",
                                   "--collect-atstart=no",
                                   absl::StrCat("--separate-callers=", kCallgrindContextDepth),
                                   absl::StrCat("--callgrind-out-file=", out_file)};
  if (request.simulate_branches) argv.push_back(kBranchSimulation);
  if (request.simulate_cache) argv.push_back(kCacheSimulation);
  argv.push_back(self);
  for (std::string& arg : ProfileChildArgs(request, configs)) argv.push_back(std::move(arg));
  if (absl::Status ran = RunValgrind(argv, {}, **dir); !ran.ok()) return ran;
  std::vector<CallgrindDump> dumps;
  for (size_t i = 0; i < configs.size(); ++i) {
    const std::string part = absl::StrCat(out_file, ".", i + 1);
    std::ifstream in(part);
    if (!in) {
      return absl::InternalError(absl::StrCat("callgrind wrote ", i, " region dumps, expected ",
                                              configs.size(), " (", part, " is missing)"));
    }
    absl::StatusOr<CallgrindDump> dump = ParseCallgrindDump(in);
    if (!dump.ok()) return dump.status();
    if (dump->ClientRequestLabel() != ConfigLabel(i)) {
      return absl::InternalError(absl::StrCat("callgrind dump ", part, " is '", dump->trigger,
                                              "', expected the region '", ConfigLabel(i), "'"));
    }
    if (i == 0 && !request.keep_output.empty()) {
      absl::Status copied = CopyFile(part, request.keep_output);
      if (!copied.ok()) return copied;
    }
    dumps.push_back(*std::move(dump));
  }
  return dumps;
}

absl::StatusOr<CallgrindDump> RunCallgrindWholeProgram(
    const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& extra_env,
    int separate_callers, bool simulate_branches, bool simulate_cache) {
  if (absl::Status valgrind = RequireValgrind(); !valgrind.ok()) return valgrind;
  absl::StatusOr<std::unique_ptr<ScratchDir>> dir = ScratchDir::Create("callgrind");
  if (!dir.ok()) return dir.status();
  const std::string out_file = (*dir)->File("callgrind.out");
  std::vector<std::string> full = {"valgrind", "--tool=callgrind",
                                   absl::StrCat("--callgrind-out-file=", out_file)};
  if (separate_callers > 0) full.push_back(absl::StrCat("--separate-callers=", separate_callers));
  if (simulate_branches) full.push_back(kBranchSimulation);
  if (simulate_cache) full.push_back(kCacheSimulation);
  full.insert(full.end(), argv.begin(), argv.end());
  if (absl::Status ran = RunValgrind(full, extra_env, **dir); !ran.ok()) return ran;
  std::ifstream in(out_file);
  if (!in) return absl::InternalError(absl::StrCat("callgrind wrote no dump (", out_file, " is missing)"));
  return ParseCallgrindDump(in);
}

absl::StatusOr<LayerProfile> ProfileWithCallgrind(const ProfileRequest& request) {
  absl::StatusOr<std::vector<CallgrindDump>> dumps = RunCallgrindConfigs(request, {request.layers});
  if (!dumps.ok()) return dumps.status();
  const CallgrindDump& dump = dumps->front();
  if (dump.SelfTotal() != dump.totals) {
    return absl::InternalError(absl::StrCat("callgrind dump is inconsistent: self costs add up to ",
                                            dump.SelfTotal(), ", totals say ", dump.totals));
  }
  LayerProfile profile;
  profile.scenario = request.scenario;
  profile.tool = "callgrind";
  profile.unit = "instructions per element";
  profile.event = "Ir";
  profile.layers = request.layers;
  profile.n = request.n;
  profile.runs = request.iterations;
  FillFromTally(AttributeCallgrindDump(dump), static_cast<double>(request.n * request.iterations), &profile);
  return profile;
}

}  // namespace dispatchlab::profiling
