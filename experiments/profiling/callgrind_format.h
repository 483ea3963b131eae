// Reading callgrind's output format (valgrind's docs/html/cl-format.html) far enough to charge each
// function context's SELF cost to a layer.
//
// dispatchlab runs callgrind with --separate-callers=K, so every function name in the file is a context:
// "f'caller'caller_of_caller'..." (innermost first, at most K callers, "'" as separator). A context's
// self cost therefore comes with its call stack, and the innermost-layer rule of symbol_layers.h applies
// exactly as for a perf sample. Only self-cost lines are summed; the cost line that follows a `calls=`
// line is the inclusive cost of that call and is skipped, so nothing is counted twice, recursion
// included. A stack deeper than K whose K innermost frames hold no layer frame is charged to
// "unattributed" (docs/perf.md: choose K larger than the deepest layer nesting; the default is 64).
//
// Handled: the header (events:, positions:, summary:, totals: with every event's column, desc: Trigger and
// the simulated caches), name compression "(id) name" / "(id)" for fn=, cfn=, ob=, fl=, fi=, fe=, cob=, cfi=,
// cfl=; position compression (+N, -N, *); hex positions; costs with trailing columns left out; jump=/jcnd=
// lines; the count of each calls= line, summed (the calls a dump made).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_CALLGRIND_FORMAT_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_CALLGRIND_FORMAT_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/profiling/symbol_layers.h"

namespace dispatchlab::profiling {

// One callgrind dump (one output file).
struct CallgrindDump {
  std::string trigger;              // "desc: Trigger: ..." e.g. "Client Request: config 3"
  std::vector<std::string> events;  // "events:" line, e.g. {"Ir"}
  uint64_t totals = 0;              // totals: (or summary:) of the first event
  // Every event's totals: (or summary:), in `events` order; a column the line leaves out is 0.
  std::vector<uint64_t> event_totals;
  // Self cost of the first event (Ir) per function context name, in file order.
  std::vector<std::pair<std::string, uint64_t>> self_cost;
  // Calls made: the sum of every `calls=COUNT TARGET` line's count. Callgrind counts a call instruction,
  // and a jump into another function's first instruction (a tail call), as a call.
  uint64_t calls = 0;
  // The caches of --cache-sim=yes as its "desc:" lines give them, in file order, e.g.
  // "D1 cache: 49152 B, 64 B, 12-way associative"; empty without the simulation.
  std::vector<std::string> simulated_caches;

  // The total of the event named `event` (e.g. "Bi" under --branch-sim=yes), or nullopt when the dump
  // does not record it.
  std::optional<uint64_t> EventTotal(std::string_view event) const;
  // The label given to CALLGRIND_DUMP_STATS_AT, or empty for other triggers.
  std::string ClientRequestLabel() const;
  // Sum of self_cost: equals `totals` for a well-formed dump.
  uint64_t SelfTotal() const;
};

// Parses one dump. Errors (InvalidArgument) name the line.
absl::StatusOr<CallgrindDump> ParseCallgrindDump(std::istream& in);
absl::StatusOr<CallgrindDump> ParseCallgrindDump(std::string_view text);

// Splits a context name "f'g'h" into frames, innermost first.
std::vector<std::string_view> SplitCallgrindContext(std::string_view context);

// Charges every context's self cost to its innermost layer.
LayerTally AttributeCallgrindDump(const CallgrindDump& dump);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_CALLGRIND_FORMAT_H_
