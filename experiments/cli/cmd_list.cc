#include "experiments/cli/cmd_list.h"

#include <iostream>

#include "absl/strings/str_format.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/json.h"
#include "experiments/metadata.h"

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
    JsonWriter w;
    w.BeginObject().Key("scenarios").BeginArray();
    for (const Scenario& s : ScenarioTable()) {
      w.BeginObject().Key("name").String(s.name).Key("expression").String(s.expression);
      w.Key("stands_for").String(s.story).Key("item_type").String(s.item_type);
      w.Key("forced_off").String(s.forced_off.ToString()).EndObject();
    }
    w.EndArray().Key("layers").BeginArray();
    for (const LayerInfo& l : LayerTable()) {
      w.BeginObject().Key("name").String(l.name).Key("on").String(l.on).Key("off").String(l.off);
      w.Key("mirrors").String(l.mirrors).Key("profiles").BeginObject();
      for (const Profile& p : ProfileTable()) w.Key(p.name).Bool(p.layers.Has(l.layer));
      w.EndObject().EndObject();
    }
    w.EndArray().Key("profiles").BeginArray();
    for (const Profile& p : ProfileTable()) {
      w.BeginObject().Key("name").String(p.name).Key("description").String(p.description);
      w.Key("layers").String(p.layers.ToString()).EndObject();
    }
    w.EndArray().Key("metadata").Raw(MetadataJson({})).EndObject();
    std::cout << w.str() << "\n";
    return kExitOk;
  }
  std::cout << "scenarios:\n";
  for (const Scenario& s : ScenarioTable()) {
    std::cout << absl::StrFormat("  %-20s %s\n  %-20s   %s\n", s.name, s.expression, "", s.story);
  }
  std::cout << "\nlayers (on in: 36 311 313 313t):\n";
  for (const LayerInfo& l : LayerTable()) {
    std::string marks;
    for (const Profile& p : ProfileTable()) {
      if (p.name != "direct") marks += p.layers.Has(l.layer) ? " x " : " . ";
    }
    std::cout << absl::StrFormat("  %-16s %s\n  %-16s   on:  %s\n  %-16s   off: %s\n  %-16s   mirrors: %s\n",
                                 l.name, marks, "", l.on, "", l.off, "", l.mirrors);
  }
  std::cout << "\nprofiles:\n";
  for (const Profile& p : ProfileTable()) std::cout << absl::StrFormat("  %-12s %s\n", p.name, p.description);
  return kExitOk;
}

}  // namespace dispatchlab::cli
