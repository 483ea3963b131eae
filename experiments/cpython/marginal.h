// The marginal method for instructions, the same on both sides of `dispatchlab cpython`:
//   per element = (Ir[3 calls] - Ir[1 call]) / 2 / n
// from two callgrind dumps of the same program and input, one making 1 call and one making 3 (start-up,
// imports and the making of the sources cancel out). Per function: the same difference of self costs,
// summed over every context of the function (callgrind's --separate-callers contexts name it first).
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_MARGINAL_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_MARGINAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiments/profiling/callgrind_format.h"

namespace dispatchlab::cpython {

inline constexpr int64_t kMarginalFewCalls = 1;
inline constexpr int64_t kMarginalManyCalls = 3;

struct FunctionCost {
  std::string function;
  double per_element = 0;  // marginal self instructions per element
};

struct InstructionCount {
  double per_element = 0;
  // Calls per element, by the same difference: (calls[3 calls] - calls[1 call]) / 2 / n. A function that
  // one build inlines and the other calls shows here, not in per_element's total.
  double calls_per_element = 0;
  // Branches executed per element, by the same difference over callgrind's branch simulation (Bc and Bi;
  // nullopt when the dumps lack them). An indirect branch is a call or jump through a pointer: a slot, a
  // setfunc, a PLT entry into another shared object.
  std::optional<double> conditional_branches_per_element;
  std::optional<double> indirect_branches_per_element;
  std::vector<FunctionCost> functions;  // largest first; only those above `min_per_element`
};

// From the dumps of 1 and 3 calls over n elements. Functions are keyed by the innermost frame of each
// context; `min_per_element` drops the long tail (and the noise of start-up code that differs by a few
// instructions between the two runs).
InstructionCount Marginal(const profiling::CallgrindDump& one_call,
                          const profiling::CallgrindDump& three_calls, int64_t n,
                          double min_per_element = 0.5);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_MARGINAL_H_
