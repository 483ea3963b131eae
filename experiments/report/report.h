// `dispatchlab report`: measures, on the reader's machine, what the docs explain -- the seed suite, a
// per-layer attribution of the main scenarios and a sweep of cost per element against n -- and keeps the
// numbers for the renderers (experiments/report/render.h).
//
// The attribution here is measured through the time sampler (experiments/runner.h), two ways: for a
// scenario and the profile's layer set B, leave-one-out gives each layer L relevant to the scenario
// cost(B) - cost(B without L), and the waterfall switches the relevant layers off one after another in
// call-chain order. Every configuration of one scenario is sampled in one interleaved batch (rounds of a
// seeded random permutation), so the differences are measured side by side. docs/attribution.md explains why
// leave-one-out deltas need not add up (Shapley values do); `dispatchlab attribute` is the full tool.
#ifndef DISPATCHLAB_EXPERIMENTS_REPORT_REPORT_H_
#define DISPATCHLAB_EXPERIMENTS_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/layers.h"
#include "experiments/runner.h"
#include "experiments/sampler.h"

namespace dispatchlab::report {

struct ReportOptions {
  int64_t n = 100000;  // elements, for the suite and the attribution
  std::vector<int64_t> sweep_n = {1000, 10000, 100000, 1000000};
  int repetitions = 3;               // suite and sweep repetitions
  int rounds = 5;                    // attribution rounds (each configuration sampled this often)
  double min_time = 0.05;            // seconds per suite / sweep repetition
  double seconds_per_sample = 0.02;  // attribution: seconds per sample
  std::string profile = "cpython311";
  LayerSet layers;  // the profile's layers (after --layers edits)
  std::vector<std::string> attribution_scenarios = {"sct_init", "ct_init", "sct_init_setslice",
                                                    "sct_subscript_tuple", "sct_subscript"};
  std::vector<std::string> sweep_scenarios = {"sct_init",        "sct_subscript",   "ct_init",
                                              "ct_subscript",    "sct_init_direct", "sct_subscript_tuple",
                                              "sct_buffer_copy", "plain_loop"};
  bool progress = true;  // one line per stage on stderr
};

// The share of one layer, ns per element, and the standard error of that difference of two means.
struct LayerDelta {
  Layer layer;
  double delta = 0;
  double standard_error = 0;
};

struct Attribution {
  std::string scenario;
  LayerSet base;                     // the scenario's effective layers (forced-off layers removed)
  double all_on = 0, all_on_se = 0;  // mean cost with B, and its standard error
  double floor = 0, floor_se = 0;    // mean cost with every relevant layer off
  // Leave-one-out: cost(B) - cost(B without L), one per relevant layer, in table order.
  std::vector<LayerDelta> leave_one_out;
  // Waterfall: relevant layers switched off one after another in table (call-chain) order, outermost first;
  // each gets the cost its removal takes off what the previous removals left. Sums to all_on - floor.
  std::vector<LayerDelta> waterfall;
  int rounds = 0;
  // all_on - floor - sum of leave-one-out deltas: what leave-one-out does not separate (interactions of
  // nested layers: switching off the trampoline also removes the lookup and the call it makes). May be < 0.
  double Unexplained() const;
};

struct SweepPoint {
  std::string scenario;
  int64_t n = 0;
  double median = 0;  // ns per element
  double cv = 0;
};

struct ReportData {
  ReportOptions options;
  std::vector<ScenarioTiming> suite;  // every scenario of the table, at options.n
  std::vector<Attribution> attributions;
  std::vector<SweepPoint> sweep;
  std::string machine;  // MetadataLine()
  std::string date;     // UTC, ISO 8601
};

// Leave-one-out and waterfall for one scenario, through `sampler`: the configurations B, B without each
// layer of `relevant`, and B without the first j layers of `relevant` (j = 2..k), each sampled `rounds`
// times in one batch ordered by rounds of a permutation seeded by `seed`.
absl::StatusOr<Attribution> Attribute(absl::string_view scenario, LayerSet base, LayerSet relevant,
                                      const BatchSampler& sampler, int rounds, uint64_t seed = 7);

// Runs everything the report shows. Long: about a minute at the defaults on a 2-vCPU machine.
absl::StatusOr<ReportData> Measure(const ReportOptions& options);

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_REPORT_H_
