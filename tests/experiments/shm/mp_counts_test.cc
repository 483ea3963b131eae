// `dispatchlab mp` runs the model: per element, the exact counts of the workers' fills of sct_init and
// sct_subscript equal those of `dispatchlab counts` for the same scenario, under every profile.
//
// Per element is the marginal over two sizes, (C(n2) - C(n1)) / (n2 - n1): what happens once per call
// differs on purpose (`run` binds and calls result.__init__ once and allocates the array; each mp worker
// packs its own slice's tuple and builds its own slice object), what happens per element must not -- but
// for the zero-fill of `RawArray(c_int, n)`, which mp does not run in a worker (the array is made before
// fork). Both sizes are above 257, so the small-int cache of the boxed indices is used up at both. The
// workers' fills run here one after the other in this process (mp forks them), each slice prepared as a
// worker prepares it.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "core/counters.h"
#include "core/layers.h"
#include "core/shared_heap.h"
#include "experiments/scenarios/counts.h"
#include "experiments/scenarios/scenarios.h"
#include "experiments/shm/mp_run.h"

namespace dispatchlab {
namespace {

// The counts of every worker's FillSlice of `scenario` for W = `workers`, after one warm-up round.
Counts MpFillCounts(absl::string_view scenario, int64_t n, int workers, LayerSet layers) {
  absl::StatusOr<const MpScenarioInfo*> info = MpScenarioFromName(scenario);
  REQUIRE(info.ok());
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(HeapOptions{});
  REQUIRE(heap.ok());
  Counts total;
  {
    absl::StatusOr<std::unique_ptr<MpWorkload>> workload = (*info)->make(**heap, n, layers);
    REQUIRE(workload.ok());
    ScopedLayers active(layers);
    for (int round = 0; round < 2; ++round) {  // round 0 warms the caches, as CountScenario does
      (*workload)->Poison();
      for (int k = 0; k < workers; ++k) {
        const int64_t lo = n * k / workers;
        const int64_t hi = n * (k + 1) / workers;
        REQUIRE((*workload)->PrepareSlice(lo, hi).ok());
        const Counts before = SnapshotCounts();
        REQUIRE((*workload)->FillSlice(lo, hi).ok());
        const Counts fill = SnapshotCounts() - before;
        if (round == 1) {
          for (int c = 0; c < kCounterCount; ++c) total.value[c] += fill.value[c];
        }
      }
      for (int64_t i = 0; i < n; ++i) REQUIRE((*workload)->data()[i] == (*workload)->Expected(i));
    }
  }
  return total;
}

Counts RunCounts(absl::string_view scenario, int64_t n, const Profile& profile) {
  absl::StatusOr<const Scenario*> s = ScenarioFromName(scenario);
  REQUIRE(s.ok());
  absl::StatusOr<CountReport> report = CountScenario(**s, n, profile.layers, profile.name);
  REQUIRE(report.ok());
  return report->totals;
}

TEST_CASE("mp sct_init and sct_subscript count per element what counts sct_init and sct_subscript count") {
  constexpr int64_t kN1 = 2000;
  constexpr int64_t kN2 = 5000;
  for (absl::string_view scenario : {"sct_init", "sct_subscript"}) {
    for (const Profile& profile : ProfileTable()) {
      const Counts run = RunCounts(scenario, kN2, profile) - RunCounts(scenario, kN1, profile);
      for (int workers : {1, 3}) {
        const Counts mp = MpFillCounts(scenario, kN2, workers, profile.layers) -
                          MpFillCounts(scenario, kN1, workers, profile.layers);
        for (const CounterInfo& counter : CounterTable()) {
          INFO(std::string(scenario) << " under " << std::string(profile.name) << ", W=" << workers << ": "
                                     << std::string(counter.name));
          if (counter.counter == Counter::kBytesZeroed) {
            // sct_subscript's `RawArray(c_int, n)` zero-fills; mp makes the array once before fork (and
            // poisons it), so no worker zeroes anything.
            CHECK(mp[counter.counter] == 0);
            continue;
          }
          CHECK(mp[counter.counter] == run[counter.counter]);
        }
        // Every element is stored exactly once, whatever the path.
        CHECK(mp[Counter::kStores] == static_cast<uint64_t>(kN2 - kN1));
      }
    }
  }
}

}  // namespace
}  // namespace dispatchlab
