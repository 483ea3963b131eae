#include "experiments/scenarios.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/buffer.h"
#include "core/counters.h"
#include "core/errors.h"
#include "core/list.h"
#include "core/long.h"
#include "core/ndarray.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/runtime.h"
#include "experiments/scenario_runs.h"

namespace dispatchlab {

namespace {
constexpr LayerSet kNoneForced;
constexpr LayerSet kPatchA = LayerSet::None().With(Layer::kTrampoline);
}  // namespace

const std::vector<Scenario>& ScenarioTable() {
  namespace r = scenario_runs;
  static const std::vector<Scenario> table = {
      {"sct_init", "RawArray(c_int, l)",
       "the seed's slow case: __init__(*l) stores each element through PySequence_SetItem", "c_int",
       kNoneForced, r::SctInit},
      {"sct_subscript", "sh = RawArray(c_int, n); sh[:] = l",
       "the seed's fast case: one slice assignment calls the store function directly", "c_int", kNoneForced, r::SctSubscript},
      {"ct_init", "(c_int * n)(*l)", "ct_init: private memory, tp_init called directly", "c_int", kNoneForced, r::CtInit},
      {"ct_subscript", "a = (c_int * n)(); a[:] = l", "ct_subscript: private memory, slice assignment",
       "c_int", kNoneForced, r::CtSubscript},
      {"sct_init_direct", "RawArray(c_int, l), Array_init patched to call Array_ass_item",
       "the seed's patch A: the trampoline removed", "c_int", kPatchA, r::SctInit},
      {"sct_init_setslice", "RawArray(c_int, l), Array_init patched to assign one slice",
       "the seed's patch B: PySequence_SetSlice(self, 0, n, args) once", "c_int", kNoneForced, r::SctInitSetslice},
      {"sct_subscript_tuple", "sh = RawArray(c_int, n); sh[:] = tuple(l)",
       "the answer's check: the tuple of n scalars is what patch B leaves", "c_int", kNoneForced, r::SctSubscriptTuple},
      {"sct_init_list", "RawArray(c_int, l.tolist())", "a list source: no scalar per element", "c_int",
       kNoneForced, r::SctInitList, kListSource},
      {"sct_subscript_list", "sh = RawArray(c_int, n); sh[:] = l.tolist()",
       "a list source through slice assignment", "c_int", kNoneForced, r::SctSubscriptList, kListSource},
      {"sct_buffer_copy", "sh = RawArray(c_int64, n); memoryview(sh).cast('B').cast('l')[:] = l",
       "the second answer: the buffer protocol, same format, one memcpy", "c_int64", kNoneForced, r::SctBufferCopy},
      {"sct_buffer_convert",
       "sh = RawArray(c_int, n); memoryview(sh).cast('B').cast('i')[:] = np.array(l, dtype=np.int32)",
       "the second answer with a conversion from int64 to int32 first", "c_int", kNoneForced, r::SctBufferConvert},
      {"sct_alloc", "RawArray(c_int, n)", "allocation and zero-fill only", "c_int", kNoneForced, r::SctAlloc, kNoSource},
      {"sct_init_override",
       "class Hooked(c_int * n): def __setitem__(self, i, v): Array.__setitem__(self, i, v); "
       "sh = _new_value(Hooked); sh.__init__(*l)",
       "the answer's why: __init__ honours a Python __setitem__, called n times with an int index", "c_int",
       kNoneForced, r::SctInitOverride},
      {"sct_subscript_override", "sh = _new_value(Hooked); sh[:] = l  (Hooked as in sct_init_override)",
       "slice assignment honours the override too: one call, with a slice", "c_int", kNoneForced,
       r::SctSubscriptOverride},
      {"sct_init_override_direct", "sct_init_override, Array_init patched to call Array_ass_item (patch A)",
       "patch A loses the hook: the override is never called", "c_int", kPatchA, r::SctInitOverride},
      {"sct_init_override_setslice", "sct_init_override, Array_init patched to assign one slice (patch B)",
       "patch B keeps the hook: one call, with a slice", "c_int", kNoneForced,
       r::SctInitOverrideSetslice},
      {"plain_loop", "for i: buf[i] = (int32_t)src[i]  (C++)",
       "reference: a hand-written loop into a block of the same heap", "c_int", kNoneForced, r::PlainLoop},
      {"memcpy", "memcpy(buf, src, 8 * n)  (C++)", "reference: memcpy of the source into a block of the same heap",
       "c_int64", kNoneForced, r::Memcpy},
  };
  return table;
}

absl::StatusOr<const Scenario*> ScenarioFromName(absl::string_view name) {
  for (const Scenario& s : ScenarioTable()) {
    if (s.name == name) return &s;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown scenario '", name, "' (scenarios: ", absl::StrJoin(ScenarioNames(), ", "), ")"));
}

std::vector<std::string> ScenarioNames() {
  std::vector<std::string> names;
  for (const Scenario& s : ScenarioTable()) names.emplace_back(s.name);
  return names;
}

SourceSet SourcesOf(const std::vector<const Scenario*>& scenarios) {
  SourceSet sources = kNoSource;
  for (const Scenario* s : scenarios) sources |= s->sources;
  return sources;
}

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

absl::Status RunOnce(const Scenario& scenario, const ScenarioInput& input, LayerSet layers,
                     ScenarioResult* out) {
  ScopedLayers scoped(EffectiveLayers(scenario, layers));
  if (!scenario.run(input, out)) {
    absl::Status status = FetchErrorAsStatus();
    if (status.ok()) status = absl::InternalError("scenario failed without an error");
    return status;
  }
  return absl::OkStatus();
}

LayerSet RelevantLayers(const Scenario& scenario, LayerSet base) {
  if (!kCountingCompiledIn) return EffectiveLayers(scenario, base);
  absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(300, scenario.sources);
  if (!input.ok()) return EffectiveLayers(scenario, base);
  auto counts_of = [&](LayerSet layers) {
    ScenarioResult warm;
    (void)RunOnce(scenario, *input, layers, &warm);  // fills caches, so the counted run is steady
    warm.Reset();
    const Counts before = SnapshotCounts();
    ScenarioResult result;
    (void)RunOnce(scenario, *input, layers, &result);
    result.Reset();
    return SnapshotCounts() - before;
  };
  const LayerSet effective = EffectiveLayers(scenario, base);
  const Counts reference = counts_of(effective);
  LayerSet relevant;
  for (Layer layer : effective.Members()) {
    const Counts without = counts_of(effective.Without(layer));
    if (without.value != reference.value) relevant = relevant.With(layer);
  }
  return relevant;
}

}  // namespace dispatchlab
