// The marginal method (see marginal.h).
#include "experiments/cpython/marginal.h"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"

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

constexpr EventCountInfo kEventCountTable[] = {
#define DISPATCHLAB_EVENT_COUNT(id, key, label, events, simulation) \
  {EventCount::id, key, label, events, Simulation::simulation},
#include "experiments/cpython/event_counts.def"
};
static_assert(std::size(kEventCountTable) == kEventCountRows);

// The sum of `events` (space-separated) in a dump; nullopt when it lacks any of them.
std::optional<uint64_t> SumOfEvents(const profiling::CallgrindDump& dump, std::string_view events) {
  uint64_t sum = 0;
  for (absl::string_view event :
       absl::StrSplit(absl::string_view(events.data(), events.size()), ' ', absl::SkipEmpty())) {
    const std::optional<uint64_t> total = dump.EventTotal(std::string_view(event.data(), event.size()));
    if (!total.has_value()) return std::nullopt;
    sum += *total;
  }
  return sum;
}

}  // namespace

std::span<const EventCountInfo> EventCountTable() { return kEventCountTable; }

InstructionCount Marginal(const profiling::CallgrindDump& one_call,
                          const profiling::CallgrindDump& three_calls, int64_t n, double min_per_element) {
  const double divisor = static_cast<double>((kMarginalManyCalls - kMarginalFewCalls) * n);
  InstructionCount count;
  count.per_element =
      (static_cast<double>(three_calls.totals) - static_cast<double>(one_call.totals)) / divisor;
  count.calls_per_element =
      (static_cast<double>(three_calls.calls) - static_cast<double>(one_call.calls)) / divisor;
  for (const EventCountInfo& row : EventCountTable()) {
    const std::optional<uint64_t> few = SumOfEvents(one_call, row.events);
    const std::optional<uint64_t> many = SumOfEvents(three_calls, row.events);
    if (!few.has_value() || !many.has_value()) continue;
    count.events[static_cast<size_t>(row.id)] =
        (static_cast<double>(*many) - static_cast<double>(*few)) / divisor;
  }
  count.simulated_caches = three_calls.simulated_caches;
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
