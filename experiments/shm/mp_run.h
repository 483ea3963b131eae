// Many processes, one shared array: what multiprocessing users actually do with a RawArray.
//
// The parent allocates one array of n c_ints from a SharedHeap (anon, shm or file backend) before fork,
// fills it with a sentinel, forks W workers; worker k stores its disjoint slice [n*k/W, n*(k+1)/W) through
// the chosen path (an MpWorkload); the parent waits for all of them and checks every element against the
// source. wrong_elements must be 0 for a shared backend; with the private backend every element is wrong
// (the children write their own copy-on-write pages), which is the control that the check can fail.
//
// A workload is a plug-in (MpScenarioTable() in mp_workloads.cc): "store" and "memcpy" need no object
// model (element-by-element stores; one memcpy per slice); "sct_init" and "sct_subscript" run the
// simulated interpreter's paths in each worker with the active layers (mp_sct_workloads.cc).
#ifndef DISPATCHLAB_EXPERIMENTS_MP_RUN_H_
#define DISPATCHLAB_EXPERIMENTS_MP_RUN_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/layers.h"
#include "core/shared_heap.h"
#include "experiments/base/progress.h"

namespace dispatchlab {

// The array and its filling path. Created in the parent before fork; FillSlice runs in a worker.
class MpWorkload {
 public:
  virtual ~MpWorkload() = default;
  // The shared array of n() c_int elements the workers write and the parent checks.
  virtual const int32_t* data() const = 0;
  virtual int64_t n() const = 0;
  // Sets every element to a value no source element has (called by the parent before each run).
  virtual void Poison() = 0;
  // Makes what the path takes as given before it starts, in the worker and outside its timed fill: e.g.
  // the source slice l[lo:hi], which numpy makes as an O(1) view. Default: nothing.
  virtual absl::Status PrepareSlice(int64_t lo, int64_t hi) {
    (void)lo;
    (void)hi;
    return absl::OkStatus();
  }
  // Stores source[lo, hi) into the array through this workload's path. Runs in a forked worker (timed).
  virtual absl::Status FillSlice(int64_t lo, int64_t hi) = 0;
  // The value element i must hold after every worker has run.
  virtual int32_t Expected(int64_t i) const = 0;
};

// Builds a workload whose array lives in `heap` (which outlives it), with `layers` active in workers.
using MpWorkloadFactory =
    std::function<absl::StatusOr<std::unique_ptr<MpWorkload>>(SharedHeap& heap, int64_t n, LayerSet layers)>;

struct MpScenarioInfo {
  absl::string_view name;
  absl::string_view what;
  MpWorkloadFactory make;
};
// The scenarios `dispatchlab mp` accepts (mp_workloads.cc).
const std::vector<MpScenarioInfo>& MpScenarioTable();
absl::StatusOr<const MpScenarioInfo*> MpScenarioFromName(absl::string_view name);

// The source value of element i shared by the built-in workloads: deterministic, never the poison value.
int32_t MpSourceValue(int64_t i);
inline constexpr int32_t kMpPoison = -1;

struct MpConfig {
  std::string scenario;
  HeapOptions heap;
  int64_t n = 1000000;
  std::vector<int> workers = {1, 2, 4};
  int repetitions = 5;
  LayerSet layers;
  Progress* progress = nullptr;  // when set: one Update per (repetition, W)
};

struct MpRun {  // one W, all repetitions
  int workers = 0;
  int64_t wrong_elements = 0;               // the worst repetition
  int64_t first_wrong_index = -1;           // of the worst repetition, -1 when none
  std::vector<double> wall_ns_per_element;  // fork to last wait, per repetition
  std::vector<double> fill_ns_per_element;  // the slowest worker's fill alone, per repetition
  // Minor page faults all workers took in their fills, per 4 KiB page of the array, per repetition: a
  // forked child does not inherit the page-table entries of a shared mapping, so each page it writes
  // faults once even though the parent touched it.
  std::vector<double> worker_faults_per_page;
};

struct MpResult {
  std::string scenario;
  Backend backend = Backend::kAnon;
  int64_t n = 0;
  int64_t wrong_elements = 0;  // the sum over runs
  std::vector<MpRun> runs;     // in the order of MpConfig::workers
};

// Runs every W of `config` `repetitions` times, interleaved (rep 0: W1, W2, ...; rep 1: ...). Errors:
// InvalidArgument for an unknown scenario or a bad count; ResourceExhausted when the array does not fit;
// Internal when a worker fails or dies (the message names the worker and its exit status or signal).
// Every worker is reaped before this returns, whatever happened.
absl::StatusOr<MpResult> RunMp(const MpConfig& config);
// The same with a workload factory given directly (config.scenario is only the label): the plug for a
// path that is not in MpScenarioTable(), and for tests.
absl::StatusOr<MpResult> RunMpWith(const MpConfig& config, const MpWorkloadFactory& make);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_MP_RUN_H_
