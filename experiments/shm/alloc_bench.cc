// The allocation experiments (see alloc_bench.h). Every timed region is measured with steady_clock and
// handed to Google Benchmark as manual time, so setup that is not part of the experiment (creating the
// heap for touch_fresh, say) stays outside the number.
#include "experiments/shm/alloc_bench.h"

#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "core/errors.h"
#include "core/layers.h"
#include "core/name_lookup.h"
#include "core/object.h"
#include "core/shm_arena.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/runtime.h"
#include "dispatch/sharedctypes.h"
#include "experiments/base/stats.h"

namespace dispatchlab {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

struct Variant {     // how an experiment configures its heap and what it times
  bool fresh_heap;   // a new heap (so a new arena) every iteration
  bool time_all;     // time heap creation, Allocate, zero-fill, Free and destruction, not just the fill
  bool prefault;     // MAP_POPULATE arenas
  bool keep_arenas;  // 3.6/3.7 heap (no cap, no discard)
  ArenaFill fill;
};

Variant VariantOf(AllocExperiment experiment) {
  static constexpr Variant kVariants[] = {
#define DISPATCHLAB_ALLOC_EXPERIMENT(Id, name, what, fresh_heap, time_all, prefault, keep_arenas, fill, \
                                     backends)                                                          \
  {fresh_heap, time_all, prefault, keep_arenas, ArenaFill::k##fill},
#include "experiments/shm/alloc_experiments.def"
  };
  return kVariants[static_cast<int>(experiment)];
}

long MinorFaults() {
  struct rusage usage;
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

// The `backends` column: All, or FileAndShm (the backends whose arenas are files).
enum class Backends { All, FileAndShm };

bool Applies(AllocExperiment experiment, Backend backend) {
  static constexpr Backends kBackends[] = {
#define DISPATCHLAB_ALLOC_EXPERIMENT(Id, name, what, fresh_heap, time_all, prefault, keep_arenas, fill, \
                                     backends)                                                          \
  Backends::backends,
#include "experiments/shm/alloc_experiments.def"
  };
  return kBackends[static_cast<int>(experiment)] == Backends::All || backend == Backend::kShm ||
         backend == Backend::kFile;
}

// The first experiment: RawArray(c_int, n) + del, from the backend's heap installed as the default heap.
void RunSctAlloc(benchmark::State& state, const HeapOptions& options, size_t bytes) {
  InitRuntime();
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
  if (!heap.ok()) {
    std::string error(heap.status().message());
    state.SkipWithError(error.c_str());
    return;
  }
  SetDefaultHeap(std::move(*heap));
  ScopedLayers layers(ActiveLayers().Set(Layer::kZeroFill, true));
  const Py_ssize_t n = static_cast<Py_ssize_t>(bytes / sizeof(int32_t));
  std::string error;
  Object* prime = RawArrayOfSize(&c_int_Type, n);  // maps the arena and creates the array type
  if (prime == nullptr) {
    error = std::string(FetchErrorAsStatus().message());
    state.SkipWithError(error.c_str());
  } else {
    Py_DECREF(prime);
  }
  double faults = 0;
  for (auto _ : state) {
    if (!error.empty()) break;
    long faults_before = MinorFaults();
    Clock::time_point start = Clock::now();
    Object* array = RawArrayOfSize(&c_int_Type, n);
    if (array == nullptr) {
      error = std::string(FetchErrorAsStatus().message());
      state.SkipWithError(error.c_str());
      break;
    }
    benchmark::DoNotOptimize(AsCData(array)->b_ptr);
    benchmark::ClobberMemory();
    Py_DECREF(array);
    Clock::time_point end = Clock::now();
    faults += static_cast<double>(MinorFaults() - faults_before);
    state.SetIterationTime(Seconds(start, end));
  }
  SetDefaultHeap(nullptr);  // the next user gets a fresh default (anon) heap
  double pages = static_cast<double>((bytes + 4095) / 4096);
  state.counters["faults_per_page"] = benchmark::Counter(faults / pages, benchmark::Counter::kAvgIterations);
}

// One benchmark body. Errors (ENOSPC on a small tmpfs, say) become SkipWithError and a row with a message.
void RunOne(benchmark::State& state, AllocExperiment experiment, HeapOptions options, size_t bytes) {
  if (experiment == AllocExperiment::kSctAlloc) return RunSctAlloc(state, options, bytes);
  Variant variant = VariantOf(experiment);
  options.prefault = variant.prefault;
  options.cap_arena_doubling = !variant.keep_arenas;
  options.fill = variant.fill;
  std::string error;
  auto fail = [&](const absl::Status& status) {
    error = std::string(status.message());
    state.SkipWithError(error.c_str());
  };
  std::unique_ptr<SharedHeap> warm_heap;
  if (!variant.fresh_heap) {  // prime: map and touch the arena the timed iterations will reuse
    absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(options);
    if (!heap.ok()) return fail(heap.status());
    warm_heap = std::move(*heap);
    absl::StatusOr<Block> block = warm_heap->Allocate(bytes);
    if (!block.ok()) return fail(block.status());
    std::memset(block->data, 0, bytes);
    warm_heap->Free(*block);
  }
  // Minor page faults in the timed region, per 4 KiB page of the block: read with getrusage just outside
  // the clock readings, so the counting costs nothing in the time.
  double faults = 0;
  for (auto _ : state) {
    long faults_before = variant.time_all ? MinorFaults() : 0;
    Clock::time_point start = Clock::now();
    std::unique_ptr<SharedHeap> fresh;
    SharedHeap* heap = warm_heap.get();
    if (variant.fresh_heap) {
      absl::StatusOr<std::unique_ptr<SharedHeap>> created = SharedHeap::Create(options);
      if (!created.ok()) return fail(created.status());
      fresh = std::move(*created);
      heap = fresh.get();
    }
    absl::StatusOr<Block> block = heap->Allocate(bytes);
    if (!block.ok()) return fail(block.status());
    if (!variant.time_all) faults_before = MinorFaults();
    Clock::time_point fill_start = Clock::now();
    std::memset(block->data, 0, bytes);  // RawArray(c_int, n)'s ctypes.memset
    benchmark::DoNotOptimize(block->data);
    benchmark::ClobberMemory();
    Clock::time_point fill_end = Clock::now();
    if (!variant.time_all) faults += static_cast<double>(MinorFaults() - faults_before);
    heap->Free(*block);
    fresh.reset();
    Clock::time_point end = Clock::now();
    if (variant.time_all) faults += static_cast<double>(MinorFaults() - faults_before);
    state.SetIterationTime(variant.time_all ? Seconds(start, end) : Seconds(fill_start, fill_end));
  }
  double pages = static_cast<double>((bytes + 4095) / 4096);
  state.counters["faults_per_page"] = benchmark::Counter(faults / pages, benchmark::Counter::kAvgIterations);
}

// Collects the per-repetition times of the alloc/ benchmarks (one Run per registered benchmark).
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  CollectingReporter(Progress* progress, int64_t total) : progress_(progress), total_(total) {}
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      if (progress_ != nullptr) progress_->Update(++done_, total_, run.run_name.function_name);
      Sample& sample = samples_[run.run_name.function_name];  // the registered name, no suffixes
      if (run.error_occurred) {
        sample.error = run.error_message;
      } else {
        sample.ns = run.GetAdjustedRealTime() * TimeUnitFactorToNs(run.time_unit);
        auto faults = run.counters.find("faults_per_page");
        sample.faults_per_page = faults != run.counters.end() ? faults->second.value : 0;
        sample.done = true;
      }
    }
  }
  struct Sample {
    double ns = 0;
    double faults_per_page = 0;
    bool done = false;
    std::string error;
  };
  const std::map<std::string, Sample>& samples() const { return samples_; }

 private:
  Progress* progress_;
  int64_t total_;
  int64_t done_ = 0;

  static double TimeUnitFactorToNs(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kNanosecond:
        return 1;
      case benchmark::kMicrosecond:
        return 1e3;
      case benchmark::kMillisecond:
        return 1e6;
      case benchmark::kSecond:
        return 1e9;
    }
    return 1;
  }
  std::map<std::string, Sample> samples_;
};

std::string BenchmarkName(AllocExperiment experiment, Backend backend, int64_t n, int repetition) {
  absl::string_view name;
  for (const AllocExperimentInfo& info : AllocExperimentTable()) {
    if (info.id == experiment) name = info.name;
  }
  return absl::StrCat("alloc/", std::string(name), "/", std::string(BackendName(backend)), "/n:", n,
                      "/rep:", repetition);
}

}  // namespace

const std::vector<AllocExperimentInfo>& AllocExperimentTable() {
  static const std::vector<AllocExperimentInfo> table = {
#define DISPATCHLAB_ALLOC_EXPERIMENT(Id, name, what, fresh_heap, time_all, prefault, keep_arenas, fill, \
                                     backends)                                                          \
  {AllocExperiment::k##Id, name, what},
#include "experiments/shm/alloc_experiments.def"
  };
  return table;
}

absl::StatusOr<AllocExperiment> AllocExperimentFromName(absl::string_view name) {
  absl::StatusOr<const AllocExperimentInfo*> info =
      LookupByName(AllocExperimentTable(), name, "allocation experiment", "experiments");
  if (!info.ok()) return info.status();
  return (*info)->id;
}

int RegisterAllocBenchmarks(const AllocBenchConfig& config) {
  int registered = 0;
  for (int rep = 0; rep < config.repetitions; ++rep) {
    for (AllocExperiment experiment : config.experiments) {
      for (Backend backend : config.backends) {
        if (!Applies(experiment, backend)) continue;
        for (int64_t n : config.sizes) {
          HeapOptions options;
          options.backend = backend;
          options.tempdir = config.tempdir;
          size_t bytes = static_cast<size_t>(n) * sizeof(int);
          benchmark::RegisterBenchmark(BenchmarkName(experiment, backend, n, rep).c_str(),
                                       [experiment, options, bytes](benchmark::State& state) {
                                         RunOne(state, experiment, options, bytes);
                                       })
              ->UseManualTime()
              ->Unit(benchmark::kNanosecond)
              ->MinTime(config.min_time)
              ->Repetitions(1);
          ++registered;
        }
      }
    }
  }
  return registered;
}

absl::StatusOr<std::vector<AllocResult>> RunAllocBenchmarks(const AllocBenchConfig& config) {
  if (config.experiments.empty() || config.backends.empty() || config.sizes.empty()) {
    return absl::InvalidArgumentError("nothing to measure: no experiment, backend or size");
  }
  if (config.repetitions < 1) return absl::InvalidArgumentError("repetitions must be at least 1");
  for (Backend backend : config.backends) {
    HeapOptions options;
    options.backend = backend;
    options.tempdir = config.tempdir;
    absl::StatusOr<std::unique_ptr<SharedHeap>> probe = SharedHeap::Create(options);
    if (!probe.ok()) return probe.status();
  }
  benchmark::ClearRegisteredBenchmarks();
  const int registered = RegisterAllocBenchmarks(config);
  CollectingReporter reporter(config.progress, registered);
  benchmark::RunSpecifiedBenchmarks(&reporter, "^alloc/");
  benchmark::ClearRegisteredBenchmarks();

  std::vector<AllocResult> results;
  for (AllocExperiment experiment : config.experiments) {
    for (Backend backend : config.backends) {
      if (!Applies(experiment, backend)) continue;
      for (int64_t n : config.sizes) {
        AllocResult result;
        result.experiment = experiment;
        result.backend = backend;
        result.n = n;
        for (int rep = 0; rep < config.repetitions; ++rep) {
          auto it = reporter.samples().find(BenchmarkName(experiment, backend, n, rep));
          if (it == reporter.samples().end()) continue;
          if (!it->second.error.empty()) result.error = it->second.error;
          if (it->second.done) {
            result.ns_per_element.push_back(it->second.ns / static_cast<double>(n));
            result.faults_per_page.push_back(it->second.faults_per_page);
          }
        }
        if (result.ns_per_element.empty() && result.error.empty()) result.error = "no sample was taken";
        if (!result.ns_per_element.empty()) {
          const stats::Spread spread = stats::SpreadOf(result.ns_per_element);
          result.median = spread.median;
          result.min = spread.min;
          result.max = spread.max;
          result.median_faults_per_page = stats::Median(result.faults_per_page);
        }
        results.push_back(std::move(result));
      }
    }
  }
  return results;
}

std::string FileSystemName(const std::string& dir) {
  struct statfs info;
  if (dir.empty() || statfs(dir.c_str(), &info) != 0) return "unknown";
  switch (static_cast<unsigned long>(info.f_type)) {
    case 0x01021994UL:
      return "tmpfs";
    case 0xEF53UL:
      return "ext4";
    case 0x58465342UL:
      return "xfs";
    case 0x9123683EUL:
      return "btrfs";
    case 0x794C7630UL:
      return "overlayfs";
    case 0x6969UL:
      return "nfs";
    case 0x858458F6UL:
      return "ramfs";
  }
  return "unknown";
}

}  // namespace dispatchlab
