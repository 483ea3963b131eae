// The inputs and the result of one scenario call (the scenario table is experiments/scenarios/scenarios.h;
// the run functions, experiments/scenarios/scenario_runs.h, take these and nothing else, so neither includes
// the other).
//
// ScenarioInput is the seed's `l = np.random.randint(0, 10, size=n)` and `l.tolist()`, made once per run
// outside the timed region; ScenarioResult's destruction is the `del sh` (so a timing includes it, as
// timeit's loop does).
#ifndef DISPATCHLAB_EXPERIMENTS_SCENARIO_IO_H_
#define DISPATCHLAB_EXPERIMENTS_SCENARIO_IO_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
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

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SCENARIO_IO_H_
