#include "experiments/cli/cmd_list.h"

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"

namespace dispatchlab::cli {

const CommandSpec& ListCommandSpec() {
  static const CommandSpec spec = {
      "list",
      "list [--format=table|json]",
      "Lists the scenarios, the layers (what each does when on, what switching it off removes, the CPython "
      "code it stands for, its default per profile) and the profiles.",
      {{"format", "F", "table or json", "table"}},
      "",
  };
  return spec;
}

int RunListCommand(const ParsedArgs& args) {
  absl::StatusOr<std::string> format = ResolveFormat(args, {"table", "json"});
  if (!format.ok()) return UsageError(format.status().message());
  if (*format == "json") {
    Json scenarios = Json::array(), layers = Json::array(), profiles = Json::array();
    for (const Scenario& s : ScenarioTable()) {
      scenarios.push_back({{"name", s.name},
                           {"expression", s.expression},
                           {"stands_for", s.story},
                           {"item_type", s.item_type},
                           {"forced_off", s.forced_off.ToString()}});
    }
    for (const LayerInfo& l : LayerTable()) {
      Json in_profiles = Json::object();
      for (const Profile& p : ProfileTable()) in_profiles[std::string(p.name)] = p.layers.Has(l.layer);
      layers.push_back({{"name", l.name},
                        {"on", l.on},
                        {"off", l.off},
                        {"mirrors", l.mirrors},
                        // the layer whose code reaches this one (core/layers.def), null for a top layer
                        {"parent", l.parent.empty() ? Json(nullptr) : Json(std::string(l.parent))},
                        {"profiles", in_profiles}});
    }
    for (const Profile& p : ProfileTable()) {
      profiles.push_back({{"name", p.name}, {"description", p.description}, {"layers", p.layers.ToString()}});
    }
    Json doc = {
        {"scenarios", scenarios}, {"layers", layers}, {"profiles", profiles}, {"metadata", MetadataJson({})}};
    std::cout << DumpJson(doc) << "\n";
    return kExitOk;
  }
  std::cout << "scenarios:\n";
  for (const Scenario& s : ScenarioTable()) {
    std::cout << absl::StrFormat("  %-20s %s\n  %-20s   %s\n", s.name, s.expression, "", s.story);
  }
  // One column per CPython profile (all but `direct`), named in the header as marked below.
  std::vector<const Profile*> columns;
  std::vector<absl::string_view> labels;
  for (const Profile& p : ProfileTable()) {
    if (p.name == "direct") continue;
    columns.push_back(&p);
    labels.push_back(absl::StripPrefix(p.name, "cpython"));
  }
  std::cout << "\nlayers (on in: " << absl::StrJoin(labels, " ") << "):\n";
  for (const LayerInfo& l : LayerTable()) {
    std::string marks;
    for (const Profile* p : columns) marks += p->layers.Has(l.layer) ? " x " : " . ";
    std::cout << absl::StrFormat("  %-16s %s\n  %-16s   on:  %s\n  %-16s   off: %s\n  %-16s   mirrors: %s\n",
                                 l.name, marks, "", l.on, "", l.off, "", l.mirrors);
  }
  std::cout << "\nprofiles:\n";
  for (const Profile& p : ProfileTable()) std::cout << absl::StrFormat("  %-12s %s\n", p.name, p.description);
  return kExitOk;
}

}  // namespace dispatchlab::cli
