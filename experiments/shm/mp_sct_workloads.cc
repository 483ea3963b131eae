// The RawArray paths of `dispatchlab mp`: one RawArray(c_int, n) made before fork in the chosen heap, and
// each worker storing its slice [lo, hi) of the seed's source `l` through the simulated interpreter with
// the active layers, by the functions `dispatchlab run` reaches (dispatch/, so the model's changes reach
// both):
//   sct_init       RawArray(c_int, l)'s initialisation over the slice: RawArrayInitRange, the loops of
//                  Array_init / ArrayInitFromSequence from index lo (no per-call __init__ binding or call)
//   sct_subscript  sh[lo:hi] = l[lo:hi]: StoreSlice (BUILD_SLICE + STORE_SUBSCR), Array_ass_subscript's loop
// Elements hold the source's values, in [0, 10): the poison -1 is never one of them.
#include "experiments/shm/mp_sct_workloads.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/errors.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/runtime.h"
#include "dispatch/sharedctypes.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab {
namespace {

enum class SctPath { kInit, kSubscript };

class SctWorkload final : public MpWorkload {
 public:
  SctWorkload(ScenarioInput input, Object* array, SctPath path)
      : input_(std::move(input)), array_(array), path_(path) {}
  ~SctWorkload() override {
    Py_XDECREF(source_slice_);
    Py_XDECREF(start_);
    Py_XDECREF(stop_);
    Py_DECREF(array_);  // returns the block to the heap (RawArray's BufferWrapper finalizer)
  }

  const int32_t* data() const override { return reinterpret_cast<const int32_t*>(AsCData(array_)->b_ptr); }
  int64_t n() const override { return input_.n(); }
  void Poison() override {
    int32_t* out = reinterpret_cast<int32_t*>(AsCData(array_)->b_ptr);
    for (int64_t i = 0; i < n(); ++i) out[i] = kMpPoison;
  }
  int32_t Expected(int64_t i) const override { return static_cast<int32_t>(input_.value(i)); }

  absl::Status PrepareSlice(int64_t lo, int64_t hi) override {
    // l[lo:hi] is a view in numpy (no copy); the model's arrays have no views, so the slice's values are
    // copied here, outside the timed fill. The bounds are the worker's ints, made before the statement.
    // A workload filled slice after slice in one process (the counts test) drops the previous slice's.
    for (Object** held : {&source_slice_, &start_, &stop_}) {
      Py_XDECREF(*held);
      *held = nullptr;
    }
    const int64_t* all = Int64Data(input_.numpy());
    std::vector<int64_t> values(all + lo, all + hi);
    source_slice_ = NdArrayFromValues(values);
    if (path_ == SctPath::kSubscript) {
      start_ = PyLong_FromSsize_t(lo);
      stop_ = start_ != nullptr ? PyLong_FromSsize_t(hi) : nullptr;
    }
    if (source_slice_ == nullptr || (path_ == SctPath::kSubscript && stop_ == nullptr)) {
      return FetchErrorAsStatus();
    }
    return absl::OkStatus();
  }

  absl::Status FillSlice(int64_t lo, int64_t /*hi*/) override {
    int status = path_ == SctPath::kInit ? RawArrayInitRange(array_, source_slice_, lo)
                                         : StoreSlice(array_, start_, stop_, source_slice_);
    return status == 0 ? absl::OkStatus() : FetchErrorAsStatus();
  }

 private:
  ScenarioInput input_;
  Object* array_;
  SctPath path_;
  Object* source_slice_ = nullptr;
  Object* start_ = nullptr;
  Object* stop_ = nullptr;
};

MpWorkloadFactory SctFactory(SctPath path) {
  return [path](SharedHeap& heap, int64_t n, LayerSet) -> absl::StatusOr<std::unique_ptr<MpWorkload>> {
    absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(n, kNumpySource);  // also readies the runtime
    if (!input.ok()) return input.status();
    TypeObject* type = PyCArrayType_from_ctype(&c_int_Type, n);
    if (type == nullptr) return FetchErrorAsStatus();
    // sharedctypes._new_value: a block of this heap wrapped by from_buffer.
    absl::StatusOr<Block> block = heap.Allocate(static_cast<size_t>(n) * sizeof(int32_t));
    if (!block.ok()) return block.status();
    Object* array = PyCData_FromHeapBlock(type, &heap, *block);
    if (array == nullptr) return FetchErrorAsStatus();
    return std::unique_ptr<MpWorkload>(new SctWorkload(std::move(*input), array, path));
  };
}

}  // namespace

MpWorkloadFactory SctInitWorkload() { return SctFactory(SctPath::kInit); }
MpWorkloadFactory SctSubscriptWorkload() { return SctFactory(SctPath::kSubscript); }

}  // namespace dispatchlab
