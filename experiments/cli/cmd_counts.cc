#include "experiments/cli/cmd_counts.h"

#include <iostream>

#include "absl/strings/str_format.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/counts.h"
#include "experiments/json.h"
#include "experiments/metadata.h"

namespace dispatchlab::cli {

const CommandSpec& CountsCommandSpec() {
  static const CommandSpec spec = {
      "counts",
      "counts [SCENARIO...] [--n=N] [--profile=P] [--layers=SPEC] [--format=table|json]",
      "Counts, exactly, what one steady-state call of each scenario does per element: objects and allocations, "
      "tuples, method lookups and cache hits, dictionary probes, generic calls, slot calls, conversions, "
      "reference-count operations, ... Deterministic: the same numbers on every run and every machine. "
      "Without scenarios: sct_init and sct_subscript.",
      {kFlagN, kFlagProfile, kFlagLayers, {"format", "F", "table or json", "table"}, kFlagBackend, kFlagTempdir, kFlagArenas},
      "SCENARIO...",
  };
  return spec;
}

int RunCountsCommand(const ParsedArgs& args) {
  absl::StatusOr<std::vector<const Scenario*>> scenarios =
      ResolveScenarios(args.positionals(), {"sct_init", "sct_subscript"});
  if (!scenarios.ok()) return UsageError(scenarios.status().message());
  absl::StatusOr<ProfileAndLayers> pl = ResolveProfileAndLayers(args);
  if (!pl.ok()) return UsageError(pl.status().message());
  absl::StatusOr<int64_t> n = ResolveN(args);
  if (!n.ok()) return UsageError(n.status().message());
  absl::StatusOr<std::string> format = ResolveFormat(args, {"table", "json"});
  if (!format.ok()) return UsageError(format.status().message());
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageError(heap.message());

  std::vector<CountReport> reports;
  for (const Scenario* s : *scenarios) {
    absl::StatusOr<CountReport> r = CountScenario(*s, *n, pl->layers, pl->profile);
    if (!r.ok()) return Failure(r.status().message());
    reports.push_back(*r);
  }
  if (*format == "json") {
    JsonWriter w;
    w.BeginObject().Key("results").BeginArray();
    for (const CountReport& r : reports) {
      w.BeginObject();
      w.Key("scenario").String(r.scenario);
      w.Key("n").Int(r.n);
      w.Key("profile").String(r.profile);
      w.Key("layers").String(r.layers.ToString());
      w.Key("per_element").BeginObject();
      for (const CounterInfo& c : CounterTable()) w.Key(c.name).Double(r.PerElement(c.counter));
      w.EndObject();
      w.Key("totals").BeginObject();
      for (const CounterInfo& c : CounterTable()) w.Key(c.name).Int(static_cast<int64_t>(r.totals[c.counter]));
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
    w.Key("metadata").Raw(MetadataJson({pl->profile, pl->layers, true, *n, 0}));
    w.EndObject();
    std::cout << w.str() << "\n";
    return kExitOk;
  }
  std::cout << absl::StrFormat("dispatchlab counts: per element, n = %d, profile %s (layers: %s)\n", *n,
                               pl->profile, pl->layers.ToString());
  std::cout << absl::StrFormat("%-18s", "counter");
  for (const CountReport& r : reports) std::cout << absl::StrFormat(" %20s", r.scenario);
  std::cout << "\n";
  for (const CounterInfo& c : CounterTable()) {
    std::cout << absl::StrFormat("%-18s", c.name);
    for (const CountReport& r : reports) std::cout << absl::StrFormat(" %20.4f", r.PerElement(c.counter));
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace dispatchlab::cli
