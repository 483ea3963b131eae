// Configurations that do identical work are measured once and share the measurement.
//
// Two configurations whose exact-count vectors (core/counters.def, one steady-state call) are equal run
// the same operations: a layer nested inside a switched-off layer is unreachable (the `parent` column of
// core/layers.def: with `trampoline` off, `lookup` and `call` never run), and a layer off the scenario's
// path never runs at all. Measuring such configurations separately would only measure the noise twice.
// GroupByWork fingerprints each configuration (the caller says how: exact counts for the real scenarios,
// experiments/scenarios/counts.h's CountFingerprinter; a synthetic model in the tests) and names, for each,
// the configuration measured in its place. `dispatchlab attribute` (attribute.h) and `dispatchlab explore`
// (experiments/explore/) both use it. docs/attribution.md, "Configurations that do identical work".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_SHARING_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_SHARING_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/layers.h"
#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {

// What a configuration does, as a vector of exact counts; equal fingerprints = identical work.
using WorkFingerprint = std::vector<uint64_t>;
using Fingerprinter = std::function<absl::StatusOr<WorkFingerprint>(LayerSet layers)>;

// The fingerprinted configurations, grouped by identical work.
struct WorkClasses {
  std::vector<ConfigMask> masks;               // as given (sorted, unique)
  std::vector<WorkFingerprint> fingerprint;    // parallel to masks
  std::vector<ConfigMask> measured_as;         // parallel to masks: the configuration measured for it
  absl::flat_hash_map<ConfigMask, int> index;  // mask -> position in masks

  // The configuration measured in place of `mask` (which must be one of masks).
  ConfigMask MeasuredAs(ConfigMask mask) const { return measured_as[index.at(mask)]; }
  // The distinct configurations measured (sorted).
  std::vector<ConfigMask> Measured() const;
};

// Fingerprints every mask of `masks` (run as space.LayersFor(mask)) and groups equal fingerprints. The
// configuration measured for a group is the intersection of its masks when that is itself in the group
// (the usual case: clearing unreachable or off-path layers changes nothing), else its smallest mask; so a
// measured mask is a sub-mask of the masks it stands for whenever the layers it drops do no work.
// Errors: the fingerprinter's.
absl::StatusOr<WorkClasses> GroupByWork(const LayerSpace& space, std::vector<ConfigMask> masks,
                                        const Fingerprinter& fingerprint);

// Per chosen layer: whether switching it changes the fingerprint of any pair of masks in `classes` that
// differ only in that layer (a layer that never does is off the scenario's path).
std::vector<bool> OnPath(const WorkClasses& classes, int k);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_SHARING_H_
