// The scenario table: every case dispatchlab times and counts, one row each (the seed's four cases, the
// two patches, the variants of the answers, and the references plain_loop and memcpy).
//
// A scenario is one call of the modeled Python expression: it allocates its array, fills it, and hands
// the result back in a ScenarioResult, whose destruction is the `del sh` (so the timing includes it, as
// timeit's loop does). Inputs are made once per run, outside the timed region.
#ifndef DISPATCHLAB_EXPERIMENTS_SCENARIOS_H_
#define DISPATCHLAB_EXPERIMENTS_SCENARIOS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/layers.h"
#include "core/object.h"
#include "core/shared_heap.h"

namespace dispatchlab {

// Which sources a scenario reads (a bit set): the numpy array `l`, the list `l.tolist()`, or neither
// (`RawArray(c_int, n)` needs only n). A run builds only the sources its scenarios read, as the Python
// statement holds only its own: a run of sct_subscript at n = 1e7 holds no 80 MB list beside the array.
using SourceSet = uint32_t;
inline constexpr SourceSet kNoSource = 0;
inline constexpr SourceSet kNumpySource = 1u << 0;
inline constexpr SourceSet kListSource = 1u << 1;
inline constexpr SourceSet kAllSources = kNumpySource | kListSource;

// The sources of one run: the seed's `l = np.random.randint(0, 10, size=n)` and `l.tolist()`.
class ScenarioInput {
 public:
  // Values are pseudo-random in [0, 10) from a fixed seed (deterministic across runs); both sources hold
  // the same values. Only the sources in `sources` are built (numpy() / list() are nullptr otherwise); the
  // values are kept nowhere else (value() reads them back from a source).
  static absl::StatusOr<ScenarioInput> Make(int64_t n, SourceSet sources = kAllSources,
                                            uint64_t seed = 20151122);
  ScenarioInput(ScenarioInput&& other) noexcept;
  ScenarioInput& operator=(ScenarioInput&&) = delete;
  ~ScenarioInput();

  int64_t n() const { return n_; }
  SourceSet sources() const { return sources_; }
  Object* numpy() const { return numpy_; }  // int64 numpy-like array (borrowed), or nullptr
  Object* list() const { return list_; }    // list of exact ints (borrowed), or nullptr
  // The i-th source value (0 <= i < n), read from whichever source was built; with no source built,
  // regenerated from the seed (O(i): for tests).
  int64_t value(int64_t i) const;
  // All n values, copied (for tests and checks; O(n) memory).
  std::vector<int64_t> values() const;

 private:
  ScenarioInput() = default;
  int64_t n_ = 0;
  uint64_t seed_ = 0;
  SourceSet sources_ = kNoSource;
  Object* numpy_ = nullptr;
  Object* list_ = nullptr;
};

// What one scenario call produced: an array object, or (references) a bare heap block.
class ScenarioResult {
 public:
  ScenarioResult() = default;
  ScenarioResult(const ScenarioResult&) = delete;
  ScenarioResult& operator=(const ScenarioResult&) = delete;
  ~ScenarioResult() { Reset(); }
  void Reset();

  void SetArray(Object* array);  // steals the reference
  void SetBlock(SharedHeap* heap, const Block& block);
  // The bytes of the result's buffer (empty when nothing was produced).
  const char* data() const;
  size_t size() const;

 private:
  Object* array_ = nullptr;
  SharedHeap* heap_ = nullptr;
  Block block_;
};

struct Scenario {
  absl::string_view name;
  absl::string_view expression;  // the Python it models
  absl::string_view story;       // what it stands for in the seed / CPython's history
  absl::string_view item_type;   // c_int or c_int64
  LayerSet forced_off;           // layers the scenario itself removes (a patched interpreter)
  // (What CPython showed for it, with where it was measured: experiments/cpython/reference_figures.def.)
  // Runs one call. false with the interpreter's error indicator set on failure.
  bool (*run)(const ScenarioInput& input, ScenarioResult* out);
  // The sources `run` reads (ScenarioInput::Make builds only these).
  SourceSet sources = kNumpySource;
};

const std::vector<Scenario>& ScenarioTable();
absl::StatusOr<const Scenario*> ScenarioFromName(absl::string_view name);
// All names, in table order.
std::vector<std::string> ScenarioNames();
// The union of the sources the scenarios read.
SourceSet SourcesOf(const std::vector<const Scenario*>& scenarios);

// The layers actually active for `scenario` when `requested` is asked for.
inline LayerSet EffectiveLayers(const Scenario& scenario, LayerSet requested) {
  return LayerSet(requested.bits() & ~scenario.forced_off.bits());
}

// The layers of `base` whose switching changes what the scenario does, found by counting: a layer is
// relevant when switching it off (from `base`) changes any exact counter of a small run.
LayerSet RelevantLayers(const Scenario& scenario, LayerSet base);

// Runs a scenario once under `layers` (forced layers removed) and returns its error as a Status.
absl::Status RunOnce(const Scenario& scenario, const ScenarioInput& input, LayerSet layers,
                     ScenarioResult* out);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SCENARIOS_H_
