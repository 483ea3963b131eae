#include "experiments/cli/cmd_counts.h"

#include <iostream>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/scenarios/counts.h"

namespace dispatchlab::cli {

const CommandSpec& CountsCommandSpec() {
  static const CommandSpec spec = {
      "counts",
      "counts [SCENARIO...] [--n=N] [--profile=P] [--layers=SPEC] [--format=table|json]",
      "Counts, exactly, what one steady-state call of each scenario does per element: objects and "
      "allocations, "
      "tuples, method lookups and cache hits, dictionary probes, generic calls, slot calls, conversions, "
      "reference-count operations, ... Deterministic: the same numbers on every run and every machine. "
      "Without scenarios: sct_init and sct_subscript.",
      {kFlagN,
       kFlagProfile,
       kFlagLayers,
       {"format", "F", "table or json", "table"},
       kFlagBackend,
       kFlagTempdir,
       kFlagArenas},
      "SCENARIO...",
  };
  return spec;
}

int RunCountsCommand(const ParsedArgs& args) {
  absl::StatusOr<std::vector<const Scenario*>> scenarios =
      ResolveScenarios(args.positionals(), ScenariosIn(kSetDefault));
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
    if (!r.ok()) {
      // A binary without counters is the wrong tool for the command (exit 2, as explore says it).
      return absl::IsFailedPrecondition(r.status()) ? UsageError(r.status().message())
                                                    : Failure(r.status().message());
    }
    reports.push_back(*r);
  }
  if (*format == "json") {
    Json results = Json::array();
    for (const CountReport& r : reports) {
      Json per_element = Json::object(), totals = Json::object();
      for (const CounterInfo& c : CounterTable()) {
        per_element[std::string(c.name)] = r.PerElement(c.counter);
        totals[std::string(c.name)] = static_cast<int64_t>(r.totals[c.counter]);
      }
      results.push_back({{"scenario", r.scenario},
                         {"n", r.n},
                         {"profile", r.profile},
                         {"layers", r.layers.ToString()},
                         {"per_element", per_element},
                         {"totals", totals}});
    }
    Json doc = {{"results", results},
                {"metadata", MetadataJson({pl->profile, pl->layers, true, *n, 0, /*max_rss=*/true})}};
    std::cout << DumpJson(doc) << "\n";
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
