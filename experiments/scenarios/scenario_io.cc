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

namespace {

// The seed's digits, in order: np.random.randint(0, 10, size=n) in miniature.
class Digits {
 public:
  explicit Digits(uint64_t seed) : rng_(seed), digit_(0, 9) {}
  int64_t Next() { return digit_(rng_); }

 private:
  std::mt19937_64 rng_;
  std::uniform_int_distribution<int64_t> digit_;
};

// A list of exactly n slots filled with `next()`'s ints: numpy's PyArray_ToList for a one-dimensional
// int64 array (recursive_tolist: PyList_New(n), then one PyLong_FromLong per element stored with
// PyList_SET_ITEM), no over-allocation.
template <typename Next>
Object* ExactList(int64_t n, Next next) {
  Object* list = PyList_New(static_cast<Py_ssize_t>(n));
  if (list == nullptr) return nullptr;
  for (int64_t i = 0; i < n; ++i) {
    Object* item = PyLong_FromLong(next(i));
    if (item == nullptr) {
      Py_DECREF(list);
      return nullptr;
    }
    PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
  }
  return list;
}

}  // namespace

absl::StatusOr<ScenarioInput> ScenarioInput::Make(int64_t n, SourceSet sources, uint64_t seed) {
  InitRuntime();
  ScenarioInput in;
  in.n_ = n;
  in.seed_ = seed;
  in.sources_ = sources;
  if (sources == kNoSource) return in;
  Digits digits(seed);
  if ((sources & kNumpySource) == 0) {
    // The list alone, filled from the digits directly: no array is ever held beside it.
    in.list_ = ExactList(n, [&digits](int64_t) { return digits.Next(); });
    if (in.list_ == nullptr) return FetchErrorAsStatus();
    return in;
  }
  // The array is filled in place (no second copy of the values); the list, when wanted too, is
  // l.tolist().
  in.numpy_ = NdArrayEmpty(static_cast<Py_ssize_t>(n), DType::kInt64);
  if (in.numpy_ == nullptr) return FetchErrorAsStatus();
  int64_t* data = const_cast<int64_t*>(Int64Data(in.numpy_));
  for (int64_t i = 0; i < n; ++i) data[i] = digits.Next();
  if ((sources & kListSource) != 0) {
    in.list_ = ExactList(n, [data](int64_t i) { return data[i]; });
    if (in.list_ == nullptr) return FetchErrorAsStatus();
  }
  return in;
}

int64_t ScenarioInput::value(int64_t i) const {
  if (numpy_ != nullptr) return Int64Data(numpy_)[i];
  if (list_ != nullptr) return PyLong_Value(PyList_GET_ITEM(list_, static_cast<Py_ssize_t>(i)));
  Digits digits(seed_);
  for (int64_t k = 0; k < i; ++k) digits.Next();
  return digits.Next();
}

std::vector<int64_t> ScenarioInput::values() const {
  std::vector<int64_t> out(static_cast<size_t>(n_));
  if (numpy_ == nullptr && list_ == nullptr) {
    Digits digits(seed_);
    for (int64_t& v : out) v = digits.Next();
    return out;
  }
  for (int64_t i = 0; i < n_; ++i) out[static_cast<size_t>(i)] = value(i);
  return out;
}

ScenarioInput::ScenarioInput(ScenarioInput&& other) noexcept
    : n_(other.n_), seed_(other.seed_), sources_(other.sources_), numpy_(other.numpy_), list_(other.list_) {
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
