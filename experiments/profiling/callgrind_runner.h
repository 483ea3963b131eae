// Counting instructions per layer with callgrind: runs this executable's hidden `profile-child`
// subcommand under
//   valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no --separate-callers=64
//            --callgrind-out-file=<scratch>/callgrind.out <self> profile-child SCENARIO ...
// The child marks each measured region (region.h), so callgrind writes one dump per region
// (callgrind.out.1, .2, ...) holding only the region's instructions. The counts are exact and repeatable:
// two runs of the same request give identical numbers.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_CALLGRIND_RUNNER_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_CALLGRIND_RUNNER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/layers.h"
#include "experiments/profiling/callgrind_format.h"
#include "experiments/profiling/layer_profile.h"

namespace dispatchlab::profiling {

inline constexpr char kProfileChildCommand[] = "profile-child";
// Callers kept in a callgrind context: deeper than any layer nesting in dispatchlab (docs/perf.md).
inline constexpr int kCallgrindContextDepth = 64;

// The words after the executable for a profile-child run of `configs` (one region per config, labelled
// "config <i>"): profile-child SCENARIO --n=N --configs=0x..,0x.. --iterations=K --warmup=W
std::vector<std::string> ProfileChildArgs(const ProfileRequest& request,
                                          const std::vector<LayerSet>& configs);

// Label of the region for config i.
std::string ConfigLabel(size_t i);

// Runs the request's child under callgrind for every config in `configs` and returns the dumps, one per
// config, in order. FailedPrecondition when valgrind is not installed; Internal when the child fails
// (with the last line of its error output); Cancelled when interrupted. When request.keep_output is set,
// the first dump is copied there (for callgrind_annotate / kcachegrind).
absl::StatusOr<std::vector<CallgrindDump>> RunCallgrindConfigs(const ProfileRequest& request,
                                                               const std::vector<LayerSet>& configs);

// callgrind's branch simulation (ProfileRequest::simulate_branches): the dumps gain the events Bc, Bcm, Bi
// and Bim. The executed counts (Bc, Bi) are exact; the misses are those of callgrind's own simple
// predictor, not of the machine's (docs/faithfulness.md, round 12).
inline constexpr char kBranchSimulation[] = "--branch-sim=yes";
// callgrind's cache simulation (ProfileRequest::simulate_cache): the dumps gain the events Dr, Dw (data reads
// and writes, exact), I1mr, D1mr, D1mw (first-level misses) and ILmr, DLmr, DLmw (last-level misses) of
// caches with the geometry valgrind reads from this machine's CPU, which the dumps' "desc:" lines give.
inline constexpr char kCacheSimulation[] = "--cache-sim=yes";

// Runs `argv` (argv[0] looked up in PATH) under callgrind from start to exit, environment plus `extra_env`,
// and returns its one dump (self cost per function; `separate_callers` > 0 adds caller contexts;
// `simulate_branches` adds the branch events, `simulate_cache` the cache events).
// FailedPrecondition when valgrind is not installed; Internal when the program fails (with the last line of
// its error output); Cancelled when interrupted. Used for programs that mark no region (a real python).
absl::StatusOr<CallgrindDump> RunCallgrindWholeProgram(
    const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& extra_env,
    int separate_callers = 0, bool simulate_branches = false, bool simulate_cache = false);

// Instructions per element per layer for request.layers (innermost-layer rule, symbol_layers.h).
absl::StatusOr<LayerProfile> ProfileWithCallgrind(const ProfileRequest& request);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_CALLGRIND_RUNNER_H_
