// The allocation experiments: every (experiment, backend, n) gets its samples, first touch takes page
// faults that a warm heap and a pre-faulted arena do not, and a full file system is an error row.
#include "experiments/shm/alloc_bench.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/core/shared_heap_tmpfs.h"

namespace dispatchlab {
namespace {

AllocBenchConfig SmallConfig() {
  AllocBenchConfig config;
  for (const AllocExperimentInfo& info : AllocExperimentTable()) config.experiments.push_back(info.id);
  config.backends = {Backend::kAnon, Backend::kShm, Backend::kFile, Backend::kPrivate};
  config.sizes = {1000, 30000};
  config.repetitions = 2;
  config.min_time = 0.001;
  return config;
}

const AllocResult* Find(const std::vector<AllocResult>& results, AllocExperiment e, Backend b, int64_t n) {
  for (const AllocResult& r : results) {
    if (r.experiment == e && r.backend == b && r.n == n) return &r;
  }
  return nullptr;
}

TEST_CASE("Every allocation experiment yields samples for every backend it applies to") {
  AllocBenchConfig config = SmallConfig();
  absl::StatusOr<std::vector<AllocResult>> results = RunAllocBenchmarks(config);
  REQUIRE(results.ok());
  // new_arena_36 applies to shm and file only.
  CHECK(results->size() == (AllocExperimentTable().size() * 4 - 2) * config.sizes.size());
  for (const AllocResult& r : *results) {
    INFO(std::string(BackendName(r.backend)) << " n=" << r.n << " " << r.error);
    CHECK(r.error.empty());
    CHECK(r.ns_per_element.size() == 2);
    CHECK(r.faults_per_page.size() == 2);
    CHECK(r.median > 0);
    CHECK(r.min <= r.median);
    CHECK(r.median <= r.max);
  }
  CHECK(Find(*results, AllocExperiment::kNewArena36, Backend::kAnon, 1000) == nullptr);
  for (Backend backend : {Backend::kAnon, Backend::kShm, Backend::kPrivate}) {
    INFO(std::string(BackendName(backend)));
    // First touch of a fresh arena faults every page in; a warm heap's pages and a MAP_POPULATE arena's
    // are already mapped. The counts are the thread's, so a stray fault elsewhere (a sanitizer's shadow
    // memory, the benchmark's own bookkeeping) may add a little: the block's pages faulting would add 1.
    CHECK(Find(*results, AllocExperiment::kTouchFresh, backend, 30000)->median_faults_per_page >= 1.0);
    CHECK(Find(*results, AllocExperiment::kTouchPrefault, backend, 30000)->median_faults_per_page < 0.5);
    CHECK(Find(*results, AllocExperiment::kWarm, backend, 30000)->median_faults_per_page < 0.5);
    CHECK(Find(*results, AllocExperiment::kSctAlloc, backend, 30000)->median_faults_per_page < 0.5);
  }
}

TEST_CASE("Allocation experiments reject empty lists and an unusable temp directory") {
  AllocBenchConfig config = SmallConfig();
  config.backends.clear();
  CHECK(RunAllocBenchmarks(config).status().code() == absl::StatusCode::kInvalidArgument);
  config = SmallConfig();
  config.backends = {Backend::kFile};
  config.tempdir = "/nonexistent/dispatchlab";
  absl::StatusOr<std::vector<AllocResult>> results = RunAllocBenchmarks(config);
  CHECK(results.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(results.status().message().find("/nonexistent/dispatchlab") != absl::string_view::npos);
  CHECK(AllocExperimentFromName("warm").ok());
  CHECK(AllocExperimentFromName("cold").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("On a 1 MiB tmpfs the 10-million-element experiments are ENOSPC rows and no crash") {
  testing::SmallTmpfs tmpfs;
  if (!tmpfs.mounted()) {
    WARN("skipped: " << tmpfs.why_not());
    return;
  }
  const std::string& dir = tmpfs.path();
  AllocBenchConfig config;
  config.experiments = {AllocExperiment::kWarm, AllocExperiment::kNewArena, AllocExperiment::kNewArena36};
  config.backends = {Backend::kFile};
  config.tempdir = dir;
  config.sizes = {10000000};
  config.repetitions = 1;
  config.min_time = 0.001;
  absl::StatusOr<std::vector<AllocResult>> results = RunAllocBenchmarks(config);
  CHECK(tmpfs.EntryCount() == 0);
  REQUIRE(results.ok());
  REQUIRE(results->size() == 3);
  for (const AllocResult& r : *results) {
    INFO(r.error);
    CHECK(r.ns_per_element.empty());
    CHECK(r.error.find("ENOSPC") != std::string::npos);
    CHECK(r.error.find(dir) != std::string::npos);
  }
}

}  // namespace
}  // namespace dispatchlab
