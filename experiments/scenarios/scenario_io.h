// The inputs and the result of one scenario call (the scenario table is experiments/scenarios/scenarios.h; the run
// functions, experiments/scenarios/scenario_runs.h, take these and nothing else, so neither includes the other).
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

// The sources of one run: the seed's `l = np.random.randint(0, 10, size=n)` and `l.tolist()`.
class ScenarioInput {
 public:
  // Values are pseudo-random in [0, 10) from a fixed seed (deterministic across runs).
  static absl::StatusOr<ScenarioInput> Make(int64_t n, uint64_t seed = 20151122);
  ScenarioInput(ScenarioInput&& other) noexcept;
  ScenarioInput& operator=(ScenarioInput&&) = delete;
  ~ScenarioInput();

  int64_t n() const { return n_; }
  Object* numpy() const { return numpy_; }  // int64 numpy-like array (borrowed)
  Object* list() const { return list_; }    // list of exact ints (borrowed)
  const std::vector<int64_t>& values() const { return values_; }

 private:
  ScenarioInput() = default;
  int64_t n_ = 0;
  std::vector<int64_t> values_;
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
