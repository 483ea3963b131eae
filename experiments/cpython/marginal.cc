// The marginal method (see marginal.h).
#include "experiments/cpython/marginal.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"

namespace dispatchlab::cpython {
namespace {

absl::flat_hash_map<std::string, int64_t> SelfByFunction(const profiling::CallgrindDump& dump) {
  absl::flat_hash_map<std::string, int64_t> out;
  for (const auto& [context, cost] : dump.self_cost) {
    const std::vector<std::string_view> frames = profiling::SplitCallgrindContext(context);
    out[frames.empty() ? std::string(context) : std::string(frames.front())] += static_cast<int64_t>(cost);
  }
  return out;
}

}  // namespace

InstructionCount Marginal(const profiling::CallgrindDump& one_call,
                          const profiling::CallgrindDump& three_calls, int64_t n, double min_per_element) {
  const double divisor = static_cast<double>((kMarginalManyCalls - kMarginalFewCalls) * n);
  InstructionCount count;
  count.per_element =
      (static_cast<double>(three_calls.totals) - static_cast<double>(one_call.totals)) / divisor;
  count.calls_per_element =
      (static_cast<double>(three_calls.calls) - static_cast<double>(one_call.calls)) / divisor;
  auto event_per_element = [&](std::string_view event) -> std::optional<double> {
    const std::optional<uint64_t> few = one_call.EventTotal(event);
    const std::optional<uint64_t> many = three_calls.EventTotal(event);
    if (!few.has_value() || !many.has_value()) return std::nullopt;
    return (static_cast<double>(*many) - static_cast<double>(*few)) / divisor;
  };
  count.conditional_branches_per_element = event_per_element("Bc");
  count.indirect_branches_per_element = event_per_element("Bi");
  absl::flat_hash_map<std::string, int64_t> few = SelfByFunction(one_call);
  for (const auto& [function, cost] : SelfByFunction(three_calls)) {
    auto it = few.find(function);
    const double per_element = static_cast<double>(cost - (it == few.end() ? 0 : it->second)) / divisor;
    if (std::fabs(per_element) >= min_per_element) count.functions.push_back({function, per_element});
  }
  std::sort(count.functions.begin(), count.functions.end(), [](const FunctionCost& a, const FunctionCost& b) {
    return a.per_element != b.per_element ? a.per_element > b.per_element : a.function < b.function;
  });
  return count;
}

}  // namespace dispatchlab::cpython
