// Rendering a LayerProfile for `dispatchlab profile`: an aligned table for people, JSON for programs.
//
// JSON shape (one object):
//   {"scenario": "...", "tool": "perf"|"callgrind", "unit": "...", "event": "...", "n": N, "runs": R,
//    "active_layers": "...", "layers": {"<layer>": value, ...every layer of the table...},
//    "unattributed": value, "total": value, "unknown_layer_names": [...], "notes": [...],
//    "metadata": {...}}
// For perf the values are shares of samples (they and "unattributed" sum to 1); for callgrind they are
// instructions per element (they and "unattributed" sum to "total").
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_PROFILE_REPORT_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_PROFILE_REPORT_H_

#include <string>
#include <string_view>

#include "experiments/base/json_fwd.h"
#include "experiments/profiling/layer_profile.h"

namespace dispatchlab::profiling {

std::string ProfileTable(const LayerProfile& profile);
// The note ProfileTable adds when a layer that is off was charged: why that happens (once-per-call work
// outside the element loop, such as the method-wrapper LOAD_ATTR binds for result.__init__).
extern const char kOffYetChargedNote[];

// The JSON document of docs/perf.md (one line and a newline); `metadata` goes under "metadata" ({} when
// null).
std::string ProfileJson(const LayerProfile& profile, const Json& metadata);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_PROFILE_REPORT_H_
