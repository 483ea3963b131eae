// The RawArray paths of `dispatchlab mp`: one RawArray(c_int, n) made before fork in the chosen heap, and
// each worker storing its slice [lo, hi) of the seed's source `l` through the simulated interpreter with
// the active layers:
//   sct_init       Array_init's loop over the slice: the initializers packed in a tuple first (`args_tuple`
//                  layer; off: read one at a time), each stored with PySequence_SetItem (`trampoline` on)
//                  or Array_ass_item (off, the seed's patch A)
//   sct_subscript  sh[lo:hi] = l[lo:hi]: one PyObject_SetItem with a slice, i.e. Array_ass_subscript's loop
// Elements hold the source's values, in [0, 10): the poison -1 is never one of them.
#include "experiments/mp_sct_workloads.h"

#include <cstring>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "core/slice.h"
#include "core/tuple.h"
#include "dispatch/abstract.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/runtime.h"
#include "experiments/scenarios.h"

namespace dispatchlab {
namespace {

enum class SctPath { kInit, kSubscript };

class SctWorkload final : public MpWorkload {
 public:
  SctWorkload(ScenarioInput input, Object* array, SctPath path)
      : input_(std::move(input)), array_(array), path_(path) {}
  ~SctWorkload() override {
    Py_XDECREF(source_slice_);
    Py_XDECREF(slice_);
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
    if (path_ != SctPath::kSubscript) return absl::OkStatus();
    // l[lo:hi] is a view in numpy (no copy); the model's arrays have no views, so the slice's values are
    // copied here, outside the timed fill.
    const int64_t* all = Int64Data(input_.numpy());
    std::vector<int64_t> values(all + lo, all + hi);
    source_slice_ = NdArrayFromValues(values);
    Object* start = PyLong_FromSsize_t(lo);
    Object* stop = PyLong_FromSsize_t(hi);
    slice_ = start != nullptr && stop != nullptr ? PySlice_New(start, stop, nullptr) : nullptr;
    Py_XDECREF(start);
    Py_XDECREF(stop);
    if (source_slice_ == nullptr || slice_ == nullptr) return FetchErrorAsStatus();
    return absl::OkStatus();
  }

  absl::Status FillSlice(int64_t lo, int64_t hi) override {
    int status = path_ == SctPath::kInit ? InitSlice(lo, hi) : PyObject_SetItem(array_, slice_, source_slice_);
    return status == 0 ? absl::OkStatus() : FetchErrorAsStatus();
  }

 private:
  int Store(Py_ssize_t i, Object* v) {
    return LayerOn(Layer::kTrampoline) ? PySequence_SetItem(array_, i, v) : Array_ass_item(array_, i, v);
  }

  // Array_init's hot loop, over the worker's slice.
  int InitSlice(int64_t lo, int64_t hi) {
    Object* source = input_.numpy();
    if (!LayerOn(Layer::kArgsTuple)) {
      for (int64_t i = lo; i < hi; ++i) {
        Object* v = PySequence_GetItem(source, i);
        if (v == nullptr) return -1;
        int status = Store(i, v);
        Py_DECREF(v);
        if (status != 0) return -1;
      }
      return 0;
    }
    Object* args = PyTuple_New(hi - lo);  // the `*l[lo:hi]` of __init__
    if (args == nullptr) return -1;
    for (int64_t i = lo; i < hi; ++i) {
      Object* v = PySequence_GetItem(source, i);
      if (v == nullptr) {
        Py_DECREF(args);
        return -1;
      }
      PyTuple_SET_ITEM(args, i - lo, v);
    }
    int status = 0;
    for (int64_t i = lo; i < hi && status == 0; ++i) status = Store(i, PyTuple_GET_ITEM(args, i - lo));
    Py_DECREF(args);
    return status == 0 ? 0 : -1;
  }

  ScenarioInput input_;
  Object* array_;
  SctPath path_;
  Object* source_slice_ = nullptr;
  Object* slice_ = nullptr;
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
