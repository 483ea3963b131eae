// `dispatchlab report`: measures, on the reader's machine, what the docs explain -- the seed suite, a
// per-layer attribution of the main scenarios and a sweep of cost per element against n -- and keeps the
// numbers for the renderers (experiments/report/render.h).
//
// The attribution is the project's attribution library (experiments/attribution/attribute.h), asked for
// three methods from one interleaved batch of time samples (experiments/measure/runner.h): Shapley values
// (the picture: each layer's fair share, summing to the total), the waterfall (layers switched off one after
// another in call-chain order) and leave-one-out. docs/attribution.md explains the methods;
// `dispatchlab attribute` is the full tool.
#ifndef DISPATCHLAB_EXPERIMENTS_REPORT_REPORT_H_
#define DISPATCHLAB_EXPERIMENTS_REPORT_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/layers.h"
#include "experiments/base/stability.h"
#include "experiments/measure/runner.h"
#include "experiments/measure/sampler.h"
#include "experiments/measure/sweep.h"
#include "experiments/scenarios/counts.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::report {

struct ReportOptions {
  int64_t n = 100000;  // elements, for the suite and the attribution
  std::vector<int64_t> sweep_n = {1000, 10000, 100000, 1000000};
  int repetitions = 3;               // suite and sweep repetitions
  int rounds = 4;                    // attribution rounds (each configuration sampled this often)
  double min_time = 0.05;            // seconds per suite / sweep repetition
  double seconds_per_sample = 0.02;  // attribution: seconds per sample (each configuration calibrated)
  std::string profile = "cpython311";
  LayerSet layers;  // the profile's layers (after --layers edits)
  // The scenario lists default to the scenario table's sets (experiments/scenarios/scenarios.h), in table
  // order.
  std::vector<std::string> attribution_scenarios = ScenariosIn(kSetReportAttribution);
  std::vector<std::string> sweep_scenarios = ScenariosIn(kSetReportSweep);
  int sweep_repetitions = 3;  // repetitions of each sweep point (>= 2, for a confidence interval)
  // The denominator of the ratio-against-n picture.
  std::string sweep_reference = std::string(ReferenceScenario());
  std::vector<std::string> count_scenarios = ScenariosIn(kSetReportCounts);  // the exact counts table
  // The command that reproduces this report, every flag as given (set by the CLI; "" when unknown).
  std::string command_line;
  ProgressMode progress =
      ProgressMode::kOff;  // per stage, with an ETA, on stderr (experiments/base/progress.h)
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
  // Shapley values, one per relevant layer in table order: exact up to 8 layers, else sampled over random
  // orders (standard_error then includes the sampling error). They sum to all_on - floor.
  std::vector<LayerDelta> shapley;
  bool shapley_exact = true;
  int permutations = 0;  // sampled Shapley only
  // Waterfall: relevant layers switched off one after another in table (call-chain) order, outermost first;
  // each gets the cost its removal takes off what the previous removals left. Sums to all_on - floor.
  std::vector<LayerDelta> waterfall;
  // Leave-one-out: cost(B) - cost(B without L).
  std::vector<LayerDelta> leave_one_out;
  int rounds = 0;
  int configurations = 0;  // distinct layer sets measured
  // The multiplier of a standard error for a two-sided 95% confidence interval: Student's t with
  // rounds - 1 degrees of freedom (each configuration is sampled `rounds` times).
  double T95() const;
  // all_on - floor - sum of leave-one-out deltas: what leave-one-out does not separate (interactions of
  // nested layers: switching off the trampoline also removes the lookup and the call it makes). May be < 0.
  double Unexplained() const;
};

using ::dispatchlab::SweepPoint;  // experiments/measure/sweep.h: `dispatchlab sweep`'s points, the report's
                                  // too

// What real CPython measured beside the model, when an interpreter was run (issue "Ground truth",
// `dispatchlab cpython`). Empty until that command feeds the report: the page then says so, and never
// shows numbers that were not measured in this run.
struct CpythonSideBySide {
  std::string interpreter;                     // e.g. "/usr/bin/python3 (3.11.2, numpy 1.24.2)"
  std::vector<std::vector<std::string>> rows;  // rows[0] is the header
};

struct ReportData {
  ReportOptions options;
  std::vector<ScenarioTiming> suite;  // every scenario of the table, at options.n
  std::vector<Attribution> attributions;
  std::vector<SweepPoint> sweep;
  std::vector<CountReport> counts;  // `dispatchlab counts` of options.count_scenarios at options.n
  std::string counts_note;          // why the counts are missing (counting compiled out), else ""
  CpythonSideBySide cpython;
  std::vector<TimedSeries> sweep_samples;  // the sweep's repetitions, for the stability verdict
  std::string machine;                     // MetadataLine()
  std::string date;                        // UTC, ISO 8601
};

// Shapley, waterfall and leave-one-out for one scenario through the attribution library: the layers of
// `relevant` are varied over `base`, every configuration is sampled `rounds` times (>= 2) in one batch in
// a seeded random order; each configuration's median is what the methods read. Beyond 8 layers Shapley is
// sampled over `permutations` random orders (0: one per layer, enough to rank the big layers of a
// report, with the sampling error in the standard error; `dispatchlab attribute` samples 16 per layer).
absl::StatusOr<Attribution> Attribute(absl::string_view scenario, int64_t n, LayerSet base, LayerSet relevant,
                                      const BatchSampler& sampler, int rounds, int permutations = 0,
                                      uint64_t seed = 7, Progress* progress = nullptr);

// Runs everything the report shows. Long: about a minute at the defaults on a 2-vCPU machine.
absl::StatusOr<ReportData> Measure(const ReportOptions& options);

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_REPORT_H_
