// Reachability of the layers a --layers= specification names (see layer_reach.h).
#include "experiments/profiling/layer_reach.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace dispatchlab::profiling {

std::vector<Layer> LayersNamedOn(absl::string_view spec) {
  std::vector<Layer> out;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty() || item[0] == '-' || item == "all" || item == "none") continue;
    if (item[0] == '+') item.remove_prefix(1);
    absl::StatusOr<Layer> layer = LayerFromName(item);
    if (layer.ok()) out.push_back(*layer);
  }
  return out;
}

absl::Status CheckNamedLayersReachable(absl::string_view spec, LayerSet layers) {
  for (Layer layer : LayersNamedOn(spec)) {
    if (LayerReachable(layer, layers)) continue;
    // The outermost parent that is off, and the chain of parents to switch on.
    std::vector<absl::string_view> missing;
    for (std::optional<Layer> p = ParentOf(layer); p.has_value(); p = ParentOf(*p)) {
      if (!layers.Has(*p)) missing.insert(missing.begin(), InfoOf(*p).name);
    }
    LayerSet fixed = layers;
    for (std::optional<Layer> p = ParentOf(layer); p.has_value(); p = ParentOf(*p)) fixed = fixed.With(*p);
    return absl::InvalidArgumentError(
        absl::StrCat("layer '", InfoOf(layer).name, "' runs only inside '", InfoOf(*ParentOf(layer)).name,
                     "', and ", absl::StrJoin(missing, " and "), missing.size() == 1 ? " is" : " are",
                     " off in this layer set, so nothing of it would be recorded; switch it on: --layers=",
                     fixed.ToString()));
  }
  return absl::OkStatus();
}

std::vector<Layer> OnButUnreachable(LayerSet layers) {
  std::vector<Layer> out;
  for (Layer layer : layers.Members()) {
    if (!LayerReachable(layer, layers)) out.push_back(layer);
  }
  return out;
}

}  // namespace dispatchlab::profiling
