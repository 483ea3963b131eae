// Warm-up and measured loops of a profiling child (see child_loop.h).
#include "experiments/profiling/child_loop.h"

#include <chrono>

#include "experiments/base/scratch_dir.h"

namespace dispatchlab::profiling {
namespace {

absl::Status WarmUp(const RunOnce& run_once, int64_t warmup) {
  for (int64_t i = 0; i < warmup; ++i) {
    absl::Status s = run_once();
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunIterations(const RunOnce& run_once, const LoopOptions& options) {
  absl::Status s = WarmUp(run_once, options.warmup);
  if (!s.ok()) return s;
  MeasuredRegion region(options.perf, options.label);
  if (!region.status().ok()) return region.status();
  for (int64_t i = 0; i < options.iterations && s.ok(); ++i) s = run_once();
  absl::Status end = region.End();
  return s.ok() ? end : s;
}

absl::StatusOr<int64_t> RunForSeconds(const RunOnce& run_once, const LoopOptions& options) {
  absl::Status s = WarmUp(run_once, options.warmup);
  if (!s.ok()) return s;
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options.seconds));
  int64_t runs = 0;
  MeasuredRegion region(options.perf, options.label);
  if (!region.status().ok()) return region.status();
  do {
    s = run_once();
    ++runs;
  } while (s.ok() && Clock::now() < deadline && InterruptSignal() == 0);
  absl::Status end = region.End();
  if (!s.ok()) return s;
  if (!end.ok()) return end;
  return runs;
}

}  // namespace dispatchlab::profiling
