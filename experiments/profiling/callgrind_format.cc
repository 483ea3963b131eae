// Parser for callgrind's output format (see callgrind_format.h).
#include "experiments/profiling/callgrind_format.h"

#include <optional>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "experiments/base/text.h"

namespace dispatchlab::profiling {
namespace {

constexpr std::string_view kClientRequest = "Client Request: ";

// callgrind's cache simulation describes each simulated cache in a "desc:" line (valgrind's
// callgrind/sim.c, cachesim_dump_desc): "I1 cache: 65536 B, 64 B, 16-way associative", "D1 cache: ...",
// "LL cache: ...". Without the simulation callgrind still writes the three lines, with nothing after the
// colon.
bool IsSimulatedCache(std::string_view desc) {
  for (std::string_view cache : {"I1 cache:", "D1 cache:", "LL cache:"}) {
    if (desc.substr(0, cache.size()) == cache && !Strip(desc.substr(cache.size())).empty()) return true;
  }
  return false;
}

bool StartsCostLine(std::string_view line) {
  if (line.empty()) return false;
  char c = line[0];
  return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '*';
}

// Resolves "(id) name" (defines id) or "(id)" (uses it) or a plain "name" against one compression table.
absl::StatusOr<std::string> ResolveName(std::string_view value,
                                        absl::flat_hash_map<std::string, std::string>& table) {
  value = StripLeft(value);
  if (value.empty() || value[0] != '(') return std::string(value);
  size_t close = value.find(')');
  if (close == std::string_view::npos) {
    return absl::InvalidArgumentError(Cat("unterminated name id '", value, "'"));
  }
  std::string id(value.substr(1, close - 1));
  std::string_view rest = StripLeft(value.substr(close + 1));
  if (!rest.empty()) {
    table[id] = std::string(rest);
    return std::string(rest);
  }
  auto it = table.find(id);
  if (it == table.end()) {
    return absl::InvalidArgumentError(Cat("name id (", id, ") used before it was defined"));
  }
  return it->second;
}

}  // namespace

std::string CallgrindDump::ClientRequestLabel() const {
  if (trigger.rfind(kClientRequest, 0) != 0) return "";
  return trigger.substr(kClientRequest.size());
}

std::optional<uint64_t> CallgrindDump::EventTotal(std::string_view event) const {
  for (size_t i = 0; i < events.size() && i < event_totals.size(); ++i) {
    if (events[i] == event) return event_totals[i];
  }
  return std::nullopt;
}

uint64_t CallgrindDump::SelfTotal() const {
  uint64_t total = 0;
  for (const auto& [name, cost] : self_cost) total += cost;
  return total;
}

absl::StatusOr<CallgrindDump> ParseCallgrindDump(std::istream& in) {
  CallgrindDump dump;
  absl::flat_hash_map<std::string, std::string> fn_names;
  absl::flat_hash_map<std::string, size_t> context_index;
  int position_columns = 1;
  size_t event_column = 0;
  bool have_totals = false;
  bool next_is_call_cost = false;
  bool seen_header = false;
  std::string current_fn;
  int64_t line_number = 0;
  std::string line;
  auto error = [&](std::string_view what) {
    return absl::InvalidArgumentError(Cat("callgrind output, line ", line_number, ": ", what));
  };
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view l = StripRight(line);
    if (l.empty() || l[0] == '#') continue;
    if (StartsCostLine(l)) {
      if (next_is_call_cost) {  // inclusive cost of the call just described: not self cost
        next_is_call_cost = false;
        continue;
      }
      if (current_fn.empty()) return error("a cost line before any fn=");
      std::vector<std::string_view> tokens = SplitWords(l);
      size_t column = position_columns + event_column;
      uint64_t cost = 0;  // trailing columns left out are zero
      if (column < tokens.size()) {
        std::optional<uint64_t> parsed = ParseUint64(tokens[column]);
        if (!parsed.has_value()) return error(Cat("bad cost '", tokens[column], "'"));
        cost = *parsed;
      }
      auto [it, inserted] = context_index.emplace(current_fn, dump.self_cost.size());
      if (inserted) dump.self_cost.emplace_back(current_fn, 0);
      dump.self_cost[it->second].second += cost;
      continue;
    }
    size_t eq = l.find('=');
    size_t colon = l.find(':');
    if (eq != std::string_view::npos && (colon == std::string_view::npos || eq < colon)) {
      std::string_view key = l.substr(0, eq);
      std::string_view value = l.substr(eq + 1);
      if (key == "fn" || key == "cfn") {
        absl::StatusOr<std::string> name = ResolveName(value, fn_names);
        if (!name.ok()) return error(ToStd(name.status().message()));
        if (key == "fn") current_fn = *name;
      } else if (key == "calls") {
        const std::vector<std::string_view> tokens = SplitWords(value);
        std::optional<uint64_t> count = tokens.empty() ? std::nullopt : ParseUint64(tokens.front());
        if (!count.has_value()) return error(Cat("bad call count '", value, "'"));
        dump.calls += *count;
        next_is_call_cost = true;
      }
      // ob=, fl=, fi=, fe=, cob=, cfi=, cfl=, jump=, jcnd=: not needed for self cost per context.
      continue;
    }
    if (colon == std::string_view::npos) return error(Cat("unrecognised line '", l, "'"));
    std::string_view key = l.substr(0, colon);
    std::string_view value = Strip(l.substr(colon + 1));
    seen_header = true;
    if (key == "positions") {
      position_columns = static_cast<int>(SplitWords(value).size());
    } else if (key == "events") {
      dump.events.clear();
      for (std::string_view e : SplitWords(value)) dump.events.emplace_back(e);
      event_column = 0;
      for (size_t i = 0; i < dump.events.size(); ++i) {
        if (dump.events[i] == "Ir") event_column = i;
      }
    } else if (key == "totals" || (key == "summary" && !have_totals)) {
      std::vector<std::string_view> tokens = SplitWords(value);
      if (tokens.size() > dump.events.size())
        return error(Cat("more ", key, " columns than events: '", value, "'"));
      dump.event_totals.assign(dump.events.size(), 0);
      for (size_t i = 0; i < tokens.size(); ++i) {
        std::optional<uint64_t> parsed = ParseUint64(tokens[i]);
        if (!parsed.has_value()) return error(Cat("bad ", key, " '", value, "'"));
        dump.event_totals[i] = *parsed;
      }
      dump.totals = event_column < dump.event_totals.size() ? dump.event_totals[event_column] : 0;
      have_totals = have_totals || key == "totals";
    } else if (key == "desc" && value.rfind("Trigger:", 0) == 0) {
      dump.trigger = std::string(Strip(value.substr(8)));
    } else if (key == "desc" && IsSimulatedCache(value)) {
      dump.simulated_caches.emplace_back(Strip(value));
    }
  }
  if (!seen_header || dump.events.empty()) {
    return absl::InvalidArgumentError("not callgrind output: no 'events:' header");
  }
  return dump;
}

absl::StatusOr<CallgrindDump> ParseCallgrindDump(std::string_view text) {
  std::istringstream in{std::string(text)};
  return ParseCallgrindDump(in);
}

std::vector<std::string_view> SplitCallgrindContext(std::string_view context) {
  return Split(context, '\'', /*skip_empty=*/true);
}

LayerTally AttributeCallgrindDump(const CallgrindDump& dump) {
  StackAttributor attributor;
  for (const auto& [context, cost] : dump.self_cost) {
    attributor.Charge(SplitCallgrindContext(context), cost);
  }
  return attributor.tally();
}

}  // namespace dispatchlab::profiling
