// Attribution of a scenario's overhead to its layers: the orchestration behind `dispatchlab attribute`.
//
// Given a scenario, a base layer set (the profile) and k chosen layers, Attribute() lists the
// configurations every requested method needs (design.h), measures each r times in a seeded random
// interleaved order through a BatchSampler (experiments/measure/sampler.h: time or instructions), keeps the
// raw samples, and computes from the per-configuration means: the waterfall, leave-one-out and add-one-in
// (one_at_a_time.h), Shapley values (shapley.h) and a 2^k r factorial analysis (factorial.h), with a
// stability verdict (stability.h). The renderers (render.h) print it as a table, JSON or CSV.
// docs/attribution.md is the user's guide.
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ATTRIBUTE_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ATTRIBUTE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/layers.h"
#include "experiments/attribution/allocation.h"
#include "experiments/attribution/design.h"
#include "experiments/attribution/drift.h"
#include "experiments/attribution/factorial.h"
#include "experiments/attribution/one_at_a_time.h"
#include "experiments/attribution/shapley.h"
#include "experiments/attribution/sharing.h"
#include "experiments/attribution/stability.h"
#include "experiments/measure/sampler.h"

namespace dispatchlab::attribution {

// The methods a request can ask for (the values of --method). kLeaveOneOut computes leave-one-out and
// add-one-in, beside each other.
enum class Method : int { kWaterfall, kLeaveOneOut, kShapley, kFactorial };

struct MethodInfo {
  Method method;
  absl::string_view name;  // the --method value
  absl::string_view what;  // one line for --help and the docs
};
const std::vector<MethodInfo>& MethodTable();
// "waterfall", "loo", "shapley", "factorial", or "all" (every method).
absl::StatusOr<std::vector<Method>> MethodsFromName(absl::string_view name);

// The metrics a sampler can measure, with their units.
struct MetricInfo {
  absl::string_view name;  // "time", "instructions"
  absl::string_view unit;  // "ns/element", "instructions/element"
};
const std::vector<MetricInfo>& MetricTable();
absl::StatusOr<MetricInfo> MetricFromName(absl::string_view name);

// The sequential design's spreading of repetitions over configurations (allocation.h).
enum class Allocation { kEqual, kNeyman };
absl::string_view AllocationName(Allocation a);  // "equal", "neyman"

struct AttributionRequest {
  std::string scenario;
  std::string metric = "time";
  int64_t n = 100000;
  LayerSet base;    // the profile's layers: every layer not chosen stays as here
  LayerSet chosen;  // the k layers attributed (1 <= k <= kLayerCount)
  std::vector<Method> methods;
  // With all methods requested, a method infeasible for k (factorial beyond kMaxFactorialLayers) is
  // skipped with a note instead of failing the request.
  bool skip_infeasible = false;
  int repetitions = 9;  // r >= 2; 9 or more for a stable verdict
  // The per-configuration summary every method but the factorial reads (the factorial design is a
  // least-squares model: it always works on means).
  Statistic statistic = Statistic::kMean;
  uint64_t seed = 0;         // the run order's std::mt19937_64 seed (permutations use seed + 1)
  int permutations = 0;      // sampled Shapley (k > kMaxExactShapleyLayers); 0 = DefaultPermutationCount
  double confidence = 0.95;  // of the factorial intervals and of the sequential design's stopping rule
  // When set, configurations that do identical work (equal fingerprints: exact counts) are measured once
  // and share the measurement (sharing.h). With it, Shapley stays exact beyond kMaxExactShapleyLayers
  // layers while at most kMaxExactShapleyMeasured distinct configurations remain (up to
  // kMaxFingerprintLayers layers). Not with the factorial design, whose error terms need independent
  // replicates of every configuration: a request with it measures every configuration (and says so).
  Fingerprinter fingerprint;
  // The sequential design, when ci_target > 0: rounds of repetitions (every configuration the same
  // number of times per round, in a fresh random interleaved order) from min_repetitions until every
  // attributed value's confidence interval half-width is at most ci_target * |total|, or max_repetitions.
  // 0: the fixed design, `repetitions` each.
  double ci_target = 0;
  int min_repetitions = 3;
  int max_repetitions = 50;
  // How the sequential design spreads the repetitions of the rounds after the first (allocation.h):
  // kEqual, every configuration the same number; kNeyman, each configuration in proportion to its
  // standard deviation times the size of its coefficients in the Shapley values, at least
  // min_repetitions each. Neyman applies when Shapley is requested and the factorial design is not (its
  // analysis needs equal replicates); otherwise the design falls back to kEqual (and says so).
  Allocation allocation = Allocation::kEqual;
  // Drift adjustment (drift.h) when > 0: each sample divided by the machine's factor at the time,
  // estimated from the `drift_window` samples run before and after it; the methods read the adjusted
  // samples (the factorial design and the stability verdict the raw ones). 0: none.
  int drift_window = 0;
  // Called after each batch of samples with (samples done, samples in all); may be empty. With a
  // progress callback the run order is measured in about 20 batches, otherwise in one.
  std::function<void(int64_t, int64_t)> progress;
};

struct AttributionResult {
  std::string scenario;
  std::string metric;
  std::string unit;
  std::string statistic = "mean";  // the per-configuration summary the methods read: "mean" or "median"
  int64_t n = 0;
  int repetitions = 0;
  uint64_t order_seed = 0;
  double confidence = 0.95;
  LayerSpace space;                    // base and chosen layers (call-chain order)
  std::vector<ConfigSamples> configs;  // sorted by mask; samples in the order taken
  std::vector<int> run_order;          // indices into configs, in the order run
  double base = 0;                     // cost with every chosen layer off
  double full = 0;                     // cost with every chosen layer on
  double total = 0;                    // full - base
  std::optional<LayerValues> waterfall;
  std::optional<LayerValues> loo;
  std::optional<LayerValues> add_one_in;
  std::optional<ShapleyResult> shapley;
  std::optional<FactorialResult> factorial;
  StabilityVerdict stability;
  std::vector<std::string> notes;  // e.g. a method skipped, sampled rather than exact Shapley
  // The design actually run.
  bool sequential = false;
  double ci_target = 0;
  std::string stopped = "fixed";  // "fixed", "ci_target" (sequential, target met), "max_repetitions"
  int rounds = 1;
  std::string allocation = "equal";  // "equal" or "neyman": the allocation actually used
  int repetitions_min = 0;           // the fewest and the most samples of a measured configuration
  int repetitions_max = 0;
  // The method whose intervals the stopping rule (and the allocation) targeted: "shapley" when Shapley
  // was requested, else "all" (the widest interval over every method computed).
  std::string ci_method = "all";
  int drift_window = 0;      // the drift adjustment's window (0: none)
  int configurations = 0;    // configurations the methods read (measured or shared)
  int64_t measurements = 0;  // samples taken, over every configuration
  // The largest confidence half-width of a targeted value (ci_method's), over total (what ci_target
  // bounds); and the largest over every method's values, for reference.
  double ci_half_width_share = 0;
  double ci_half_width_share_all = 0;
  // (mask, mask measured for it) for each configuration that shares another's measurement.
  std::vector<std::pair<ConfigMask, ConfigMask>> shared;
};

// Configurations are fingerprinted for sharing over all 2^k masks up to this many chosen layers.
inline constexpr int kMaxFingerprintLayers = 14;
// With sharing, Shapley stays exact beyond kMaxExactShapleyLayers while at most this many configurations
// do distinct work (the factorial design's own limit, 2^10).
inline constexpr size_t kMaxExactShapleyMeasured = 1024;

// Validates the request, measures, and analyses. Errors: InvalidArgument for a bad request (no layers,
// r < 2, unknown metric, factorial beyond its limit); the sampler's own status when it fails; Internal
// when it returns the wrong number of samples.
absl::StatusOr<AttributionResult> Attribute(const AttributionRequest& request, const BatchSampler& sampler);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ATTRIBUTE_H_
