// The workloads `dispatchlab mp` can run (the table declared in mp_run.h).
//
// store and memcpy need no object model: they are the two ends of the seed's range, a loop of single
// stores (what every path reduces to with all layers off) and one memcpy per slice (the memoryview
// assignment of the seed's second answer). sct_init and sct_subscript run the simulated interpreter
// (mp_sct_workloads.cc).
#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "experiments/scenarios/scenarios.h"
#include "experiments/shm/mp_run.h"
#include "experiments/shm/mp_sct_workloads.h"

namespace dispatchlab {
namespace {

enum class RawPath { kStore, kMemcpy };

// An array of n c_ints in a heap block, and a private source of the same length.
class RawWorkload final : public MpWorkload {
 public:
  RawWorkload(SharedHeap& heap, Block block, int64_t n, RawPath path)
      : heap_(heap), block_(block), n_(n), path_(path), source_(static_cast<size_t>(n)) {
    for (int64_t i = 0; i < n; ++i) source_[static_cast<size_t>(i)] = MpSourceValue(i);
  }
  ~RawWorkload() override { heap_.Free(block_); }

  const int32_t* data() const override { return array(); }
  int64_t n() const override { return n_; }
  void Poison() override {
    for (int64_t i = 0; i < n_; ++i) array()[i] = kMpPoison;
  }
  absl::Status FillSlice(int64_t lo, int64_t hi) override {
    if (lo < 0 || hi > n_ || lo > hi) return absl::OutOfRangeError("slice out of range");
    int32_t* out = array();
    const int32_t* in = source_.data();
    if (path_ == RawPath::kMemcpy) {
      std::memcpy(out + lo, in + lo, static_cast<size_t>(hi - lo) * sizeof(int32_t));
    } else {
      // volatile: one real store per element, as the element-by-element paths do, not a vectorised copy
      volatile int32_t* dst = out;
      for (int64_t i = lo; i < hi; ++i) dst[i] = in[i];
    }
    return absl::OkStatus();
  }
  int32_t Expected(int64_t i) const override { return source_[static_cast<size_t>(i)]; }

 private:
  int32_t* array() const { return reinterpret_cast<int32_t*>(block_.data); }

  SharedHeap& heap_;
  Block block_;
  int64_t n_;
  RawPath path_;
  std::vector<int32_t> source_;
};

MpWorkloadFactory RawFactory(RawPath path) {
  return [path](SharedHeap& heap, int64_t n, LayerSet) -> absl::StatusOr<std::unique_ptr<MpWorkload>> {
    absl::StatusOr<Block> block = heap.Allocate(static_cast<size_t>(n) * sizeof(int32_t));
    if (!block.ok()) return block.status();
    return std::unique_ptr<MpWorkload>(new RawWorkload(heap, *block, n, path));
  };
}

}  // namespace

// "store" is mp's own (no scenario stores element by element into a bare block); the other choices take
// their names from the scenario table's `mp` column (experiments/scenarios/scenarios.cc), in the order of the
// paths here.
const std::vector<MpScenarioInfo>& MpScenarioTable() {
  static const std::vector<MpScenarioInfo> table = [] {
    std::vector<MpScenarioInfo> out = {{"store",
                                        "element-by-element stores of the worker's slice (every layer off)",
                                        RawFactory(RawPath::kStore)}};
    const std::pair<MpPath, MpScenarioInfo> paths[] = {
        {MpPath::kOneMemcpyPerSlice,
         {"", "one memcpy per slice: memoryview(sh)[lo:hi] = src[lo:hi]", RawFactory(RawPath::kMemcpy)}},
        {MpPath::kArrayInit,
         {"", "Array_init's loop over the slice: PySequence_SetItem per element, active layers",
          SctInitWorkload()}},
        {MpPath::kAssSubscript,
         {"", "sh[lo:hi] = l[lo:hi]: Array_ass_subscript's loop, active layers", SctSubscriptWorkload()}},
    };
    for (const auto& [path, info] : paths) {
      for (const Scenario& s : ScenarioTable()) {
        if (s.mp != path) continue;
        out.push_back(info);
        out.back().name = s.name;
      }
    }
    return out;
  }();
  return table;
}

}  // namespace dispatchlab
