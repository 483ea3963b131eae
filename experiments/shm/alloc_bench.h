// What RawArray(c_int, n) pays for its memory, per backend: the allocation experiments of issue 6.
//
// The seed's second question ("why is allocating shared memory so expensive?") and its third answer
// ("shared arrays are temp files mapped to memory, so creating them is slower than a numpy array") are
// claims about this cost. Each experiment below is a Google Benchmark benchmark (manual time around exactly
// the region named), run for every backend and every n, with repetitions interleaved round-robin so that
// the backends are measured side by side under the same machine conditions. The experiments are the rows
// of experiments/shm/alloc_experiments.def (what each times, the heap it configures, the backends it applies
// to).
//
// Confounds: the file backend's cost depends on the file system of --tempdir (the table says which);
// tmpfs and anonymous shared memory are the same shmem pages in the kernel; zero-fill is a memset, as
// ctypes.memset is; fault counts come from getrusage(RUSAGE_THREAD), which also counts the faults
// MAP_POPULATE takes inside mmap. Results are ns per element (per c_int), the median over repetitions with
// min and max.
#ifndef DISPATCHLAB_EXPERIMENTS_ALLOC_BENCH_H_
#define DISPATCHLAB_EXPERIMENTS_ALLOC_BENCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/shared_heap.h"
#include "experiments/base/progress.h"

namespace dispatchlab {

enum class AllocExperiment {
#define DISPATCHLAB_ALLOC_EXPERIMENT(Id, name, what, fresh_heap, time_all, prefault, keep_arenas, fill, \
                                     backends)                                                          \
  k##Id,
#include "experiments/shm/alloc_experiments.def"
};

struct AllocExperimentInfo {
  AllocExperiment id;
  absl::string_view name;
  absl::string_view what;  // one line, for --help and the docs
};
// Every experiment, in report order.
const std::vector<AllocExperimentInfo>& AllocExperimentTable();
absl::StatusOr<AllocExperiment> AllocExperimentFromName(absl::string_view name);

struct AllocBenchConfig {
  std::vector<AllocExperiment> experiments;
  std::vector<Backend> backends;
  std::vector<int64_t> sizes;  // element counts of c_int (4 bytes each)
  std::string tempdir;         // the file backend's directory (empty: $TMPDIR or /tmp)
  int repetitions = 5;
  double min_time = 0.05;        // seconds per repetition (Google Benchmark's MinTime)
  Progress* progress = nullptr;  // when set: one Update per benchmark run
};

struct AllocResult {
  AllocExperiment experiment;
  Backend backend;
  int64_t n = 0;
  std::vector<double> ns_per_element;  // one per repetition, in run order
  double median = 0, min = 0, max = 0;
  // Minor page faults in the timed region per 4 KiB page of the block, per repetition, and their median
  // (the upper median for an even count): why a first touch costs what it costs.
  std::vector<double> faults_per_page;
  double median_faults_per_page = 0;
  std::string error;  // non-empty when the benchmark failed (e.g. ENOSPC); then no samples
};

// Registers one Google Benchmark benchmark per (repetition, experiment, backend, n) whose name starts with
// "alloc/", in interleaved order. Benchmarks whose experiment does not apply to the backend (new_arena_36
// on anon/private) are left out. Returns the number registered.
int RegisterAllocBenchmarks(const AllocBenchConfig& config);

// Registers, runs and unregisters the benchmarks of `config` and gathers the samples. InvalidArgument for
// an empty list or a file-backend directory that is not writable.
absl::StatusOr<std::vector<AllocResult>> RunAllocBenchmarks(const AllocBenchConfig& config);

// "tmpfs", "ext4", ... for the file system holding `dir` (statfs magic), "unknown" otherwise.
std::string FileSystemName(const std::string& dir);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_ALLOC_BENCH_H_
