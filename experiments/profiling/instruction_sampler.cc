// Instruction counts per layer set through callgrind (see instruction_sampler.h).
#include "experiments/profiling/instruction_sampler.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "experiments/profiling/callgrind_runner.h"
#include "experiments/profiling/workload.h"

namespace dispatchlab::profiling {

absl::StatusOr<BatchSampler> MakeInstructionSampler(const SampleTarget& target,
                                                    const InstructionSamplerOptions& options) {
  if (target.n <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("instruction sampler: n must be positive, got ", target.n));
  }
  if (options.iterations <= 0 || options.warmup < 0) {
    return absl::InvalidArgumentError("instruction sampler: iterations must be positive, warmup >= 0");
  }
  absl::Status valid = ValidateScenarioName(target.scenario);
  if (!valid.ok()) return valid;
  ProfileRequest request;
  request.scenario = target.scenario;
  request.n = target.n;
  request.iterations = options.iterations;
  request.warmup = options.warmup;
  request.child_executable = options.child_executable;
  const bool per_config = options.process_per_config;
  return BatchSampler(
      [request, per_config](const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
        std::vector<CallgrindDump> dumps;
        if (per_config) {
          for (LayerSet config : order) {
            absl::StatusOr<std::vector<CallgrindDump>> one = RunCallgrindConfigs(request, {config});
            if (!one.ok()) return one.status();
            dumps.push_back(std::move(one->front()));
          }
        } else if (!order.empty()) {
          absl::StatusOr<std::vector<CallgrindDump>> all = RunCallgrindConfigs(request, order);
          if (!all.ok()) return all.status();
          dumps = *std::move(all);
        }
        std::vector<double> samples;
        samples.reserve(order.size());
        const double elements = static_cast<double>(request.n * request.iterations);
        for (const CallgrindDump& dump : dumps)
          samples.push_back(static_cast<double>(dump.totals) / elements);
        return samples;
      });
}

}  // namespace dispatchlab::profiling
