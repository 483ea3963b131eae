// A BatchSampler (experiments/measure/sampler.h) that counts instructions instead of timing: each layer set
// of the batch runs in its own measured region of ONE callgrind process (callgrind_runner.h), and the sample
// is the region's instructions per element. Used by `dispatchlab attribute --metric=instructions`.
//
// Deterministic: the same batch (same layer sets in the same order) gives the same numbers on every run
// with the same binary. Within one batch, a run depends slightly on the state the runs before it left
// (the allocator's free lists, which addresses objects get, hence method-cache slots): on sct_init at
// n=300 two regions of the same layer set differ by about 0.02%. Each config is warmed up right before
// its region to keep that small; `process_per_config` removes it entirely (one valgrind process per
// entry: about a second each instead of one start-up for the batch).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_INSTRUCTION_SAMPLER_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_INSTRUCTION_SAMPLER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "experiments/measure/sampler.h"

namespace dispatchlab::profiling {

struct InstructionSamplerOptions {
  int64_t iterations = 1;           // scenario runs per region (the count is exact; 1 is enough)
  int64_t warmup = 1;               // runs of the same config before its region
  std::string child_executable;     // the dispatchlab binary; empty = this executable
  bool process_per_config = false;  // one valgrind process per entry of the batch (order-independent)
};

// Fails (InvalidArgument) on a bad target (n <= 0, unknown scenario); the returned sampler fails with
// FailedPrecondition when valgrind is missing.
absl::StatusOr<BatchSampler> MakeInstructionSampler(const SampleTarget& target,
                                                    const InstructionSamplerOptions& options = {});

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_INSTRUCTION_SAMPLER_H_
