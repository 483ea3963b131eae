// One measurement of one case on each side of `dispatchlab cpython`:
//   real side:  the interpreter runs experiments/cpython/cases.py (`time` or `count`);
//   model side: the counting-free build dispatchlab-nocount runs the scenario of the same name, timed through
//               `dispatchlab-nocount run` (Google Benchmark) and counted through `profile-child` under
//               callgrind.
// Both sides count instructions by the same marginal method (marginal.h) and are timed in their own process,
// one case per process, so each process's peak RSS belongs to one case.
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_SIDES_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_SIDES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "core/layers.h"
#include "experiments/cpython/interpreter.h"
#include "experiments/cpython/marginal.h"

namespace dispatchlab::cpython {

struct Timing {
  double ns_per_element = 0;  // mean over the calls of one process
  int64_t calls = 0;
  int64_t max_rss_kb = 0;  // the process's peak resident set
};

// The environment every real run gets: PYTHONHASHSEED=0 (deterministic dict and set layouts), then `env`.
Env RealEnv(const Env& env);

// One process of the interpreter timing `case_name` for at least `min_time` seconds.
absl::StatusOr<Timing> TimeReal(const Interpreter& python, const std::string& case_name, int64_t n,
                                double min_time, const Env& env);
// The marginal instructions of one call of `case_name` on the interpreter (two runs under callgrind, with
// the branch simulation, and with the cache simulation when `simulate_cache`).
absl::StatusOr<InstructionCount> CountReal(const Interpreter& python, const std::string& case_name, int64_t n,
                                           const Env& env, bool simulate_cache);

// The counting-free build: dispatchlab-nocount next to this executable (this executable when it is that).
absl::StatusOr<std::string> CountingFreeBinary();
// The build the model side of `layers` runs in: dispatchlab-untagged next to `counting_free` when it runs
// them (core/layers.h, UntaggedBuildRuns: CPython 3.6 to 3.11's profiles) and is built, dispatchlab-immortal
// likewise for ImmortalBuildRuns (3.12 and 3.13's); else `counting_free`. The untagged build's Py_INCREF,
// Py_DECREF and Py_TYPE have no test, as 3.11's; the immortal build's have 3.12's (docs/faithfulness.md).
std::string ModelBinaryFor(LayerSet layers, const std::string& counting_free);

// One process of `binary run SCENARIO --repetitions=1 --min-time=S --profile=P`.
absl::StatusOr<Timing> TimeModel(const std::string& binary, const std::string& scenario, int64_t n,
                                 const std::string& profile, double min_time);
// The marginal instructions of one call of the scenario under `layers` (profile-child regions of 1 and 3
// calls, no warm-up, so that the first call is in both, as on the real side; the same simulations).
absl::StatusOr<InstructionCount> CountModel(const std::string& binary, const std::string& scenario, int64_t n,
                                            LayerSet layers, bool simulate_cache);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_SIDES_H_
