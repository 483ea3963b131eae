// Whether the layers a profile is asked about can run at all under the layer set it records.
//
// Layers nest: the call layers (lookup, call, call_tuple, ...) live inside the trampoline's
// slot_sq_ass_item, so `--layers=call,call_tuple` (every other layer off, the trampoline with them) records
// none of them, and a profile that shows 0% for the layers it was asked about teaches the wrong thing. The
// nesting is data, the `parent` column of core/layers.def (LayerReachable); this file applies it to what a
// --layers= specification names.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_LAYER_REACH_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_LAYER_REACH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/layers.h"

namespace dispatchlab::profiling {

// The layers `spec` switches on by name: bare names and `+name` entries ("all", "none" and `-name` name
// none). The spec is assumed valid (ParseLayerSpec accepted it).
std::vector<Layer> LayersNamedOn(absl::string_view spec);

// InvalidArgument, one line, when a layer `spec` names is unreachable under `layers` (a layer on its
// parent chain is off): names the layer, the missing parent and the spec that would work.
absl::Status CheckNamedLayersReachable(absl::string_view spec, LayerSet layers);

// The layers that are on under `layers` but cannot run (a parent is off), in table order.
std::vector<Layer> OnButUnreachable(LayerSet layers);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_LAYER_REACH_H_
