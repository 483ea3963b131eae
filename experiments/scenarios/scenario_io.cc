// ScenarioInput and ScenarioResult (see scenario_io.h).
#include "experiments/scenarios/scenario_io.h"

#include <random>

#include "core/errors.h"
#include "core/list.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/runtime.h"

namespace dispatchlab {

absl::StatusOr<ScenarioInput> ScenarioInput::Make(int64_t n, uint64_t seed) {
  InitRuntime();
  ScenarioInput in;
  in.n_ = n;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> digit(0, 9);
  in.values_.resize(static_cast<size_t>(n));
  for (int64_t& v : in.values_) v = digit(rng);
  in.numpy_ = NdArrayFromValues(in.values_);
  if (in.numpy_ == nullptr) return FetchErrorAsStatus();
  in.list_ = PyList_New();
  if (in.list_ == nullptr) return FetchErrorAsStatus();
  for (int64_t v : in.values_) {
    Object* item = PyLong_FromLong(v);
    PyList_Append(in.list_, item);
    Py_DECREF(item);
  }
  return in;
}

ScenarioInput::ScenarioInput(ScenarioInput&& other) noexcept
    : n_(other.n_), values_(std::move(other.values_)), numpy_(other.numpy_), list_(other.list_) {
  other.numpy_ = nullptr;
  other.list_ = nullptr;
}

ScenarioInput::~ScenarioInput() {
  Py_XDECREF(numpy_);
  Py_XDECREF(list_);
}

void ScenarioResult::Reset() {
  if (array_ != nullptr) Py_DECREF(array_);
  array_ = nullptr;
  if (heap_ != nullptr) heap_->Free(block_);
  heap_ = nullptr;
  block_ = Block();
}

void ScenarioResult::SetArray(Object* array) {
  Reset();
  array_ = array;
}

void ScenarioResult::SetBlock(SharedHeap* heap, const Block& block) {
  Reset();
  heap_ = heap;
  block_ = block;
}

const char* ScenarioResult::data() const {
  if (array_ != nullptr) return AsCData(array_)->b_ptr;
  return heap_ != nullptr ? block_.data : nullptr;
}

size_t ScenarioResult::size() const {
  if (array_ != nullptr) return static_cast<size_t>(AsCData(array_)->b_size);
  return heap_ != nullptr ? block_.size : 0;
}

}  // namespace dispatchlab
