// Exact per-element counts of a scenario under a layer set (`dispatchlab counts`). Deterministic: a
// warm-up call fills the caches (array type, method cache, free lists), then one call is counted.
#ifndef DISPATCHLAB_EXPERIMENTS_COUNTS_H_
#define DISPATCHLAB_EXPERIMENTS_COUNTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/counters.h"
#include "core/layers.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab {

struct CountReport {
  std::string scenario;
  int64_t n = 0;
  std::string profile;
  LayerSet layers;  // as requested (the scenario's forced layers are removed when it runs)
  Counts totals;    // one steady-state call
  double PerElement(Counter c) const { return static_cast<double>(totals[c]) / static_cast<double>(n); }
};

// Fails with FailedPrecondition when counting is compiled out, or with the scenario's error. Checks that
// nothing is left alive afterwards.
absl::StatusOr<CountReport> CountScenario(const Scenario& scenario, int64_t n, LayerSet layers,
                                          absl::string_view profile);

// The exact counts of one steady-state call at each of `sizes`, concatenated in that order: the
// fingerprint of the work a configuration does (experiments/attribution/sharing.h shares one measurement
// between configurations with equal fingerprints). The counts of a call are affine in n (a per-call part
// plus a per-element part), so two sizes tell apart configurations whose counts differ at any size.
using CountFingerprint = std::function<absl::StatusOr<std::vector<uint64_t>>(LayerSet layers)>;
CountFingerprint CountFingerprinter(const Scenario& scenario, std::vector<int64_t> sizes,
                                    std::string profile);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_COUNTS_H_
