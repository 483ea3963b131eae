// What a scenario's buffer must hold after it ran: the source values stored as the item type (int64 as
// they are, int32 masked as c_int stores them), or, for the allocation-only scenario, n zero c_ints when
// the zero_fill layer is on and nothing to compare when it is off (the block keeps whatever it held).
// Shared by the invariants test of the switchable builds and the untagged build's own suite.
#ifndef DISPATCHLAB_TESTS_EXPERIMENTS_SCENARIOS_EXPECTED_BYTES_H_
#define DISPATCHLAB_TESTS_EXPERIMENTS_SCENARIOS_EXPECTED_BYTES_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/layers.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::testing {

inline std::vector<char> ExpectedBytes(const Scenario& s, const ScenarioInput& in, LayerSet layers) {
  std::vector<char> bytes;
  if (s.name == "sct_alloc") {
    if (layers.Has(Layer::kZeroFill)) bytes.assign(static_cast<size_t>(in.n()) * 4, 0);
    return bytes;
  }
  if (s.item_type == "c_int64") {
    bytes.resize(in.values().size() * 8);
    std::memcpy(bytes.data(), in.values().data(), bytes.size());
    return bytes;
  }
  for (int64_t v : in.values()) {
    const int32_t x = static_cast<int32_t>(v);
    const char* p = reinterpret_cast<const char*>(&x);
    bytes.insert(bytes.end(), p, p + 4);
  }
  return bytes;
}

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_EXPERIMENTS_SCENARIOS_EXPECTED_BYTES_H_
