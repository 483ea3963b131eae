#include "experiments/cli/cmd_attribute.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/layers.h"
#include "experiments/attribution/attribute.h"
#include "experiments/attribution/render.h"
#include "experiments/base/metadata.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/measure/runner.h"
#include "experiments/profiling/instruction_sampler.h"
#include "experiments/scenarios/counts.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::cli {

namespace {

// The sequential design's default limit per configuration under Neyman allocation.
constexpr int kNeymanMaxRepetitions = 200;

using attribution::AttributionRequest;
using attribution::AttributionResult;

// The one place a metric picks its sampler. Time: Google Benchmark through the runner, each
// configuration's iteration count calibrated on that configuration the first time it runs, progress left
// to Attribute's batches. Instructions: callgrind, every entry of a batch a measured region of one
// valgrind process running this executable (experiments/profiling/instruction_sampler.h).
absl::StatusOr<BatchSampler> SamplerForMetric(absl::string_view metric, const SampleTarget& target,
                                              double seconds_per_sample) {
  if (metric == "time") return MakeTimeSampler(target, seconds_per_sample);
  if (metric == "instructions") return profiling::MakeInstructionSampler(target);
  return absl::InvalidArgumentError(absl::StrFormat("unknown metric '%s'", metric));
}

// The sampler made when the first batch is measured: the time sampler holds the scenario's input objects,
// and the configurations are counted (CountScenario checks that nothing is left alive) before that.
BatchSampler LazySampler(std::string metric, SampleTarget target, double seconds_per_sample) {
  auto made = std::make_shared<std::optional<absl::StatusOr<BatchSampler>>>();
  return [=](const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
    if (!made->has_value()) *made = SamplerForMetric(metric, target, seconds_per_sample);
    if (!(*made)->ok()) return (*made)->status();
    return (***made)(order);
  };
}

// The sizes the configurations' exact counts are taken at to find identical work: two, so that counts
// affine in n tell configurations apart at every size (experiments/scenarios/counts.h, CountFingerprinter).
constexpr int64_t kFingerprintSizes[] = {300, 1000};

int UsageFrom(const absl::Status& status) { return UsageError(std::string(status.message())); }

}  // namespace

const CommandSpec& AttributeCommandSpec() {
  static const CommandSpec spec = {
      "attribute",
      "attribute SCENARIO [--layers=a,b,...] [--method=waterfall|loo|shapley|factorial|all] [--n=N] "
      "[--repetitions=R] [--ci-target=F] [--format=table|json|csv]",
      "Attributes the scenario's overhead, cost(chosen layers on) - cost(chosen layers off), to each "
      "chosen layer: waterfall (removed in call-chain order), leave-one-out beside add-one-in, Shapley "
      "values (exact for up to 8 layers, sampled beyond) and a 2^k r factorial design with confidence "
      "intervals. Configurations that do identical work (equal exact counts) share one measurement. "
      "Configurations run in random interleaved order, in rounds until every value's 95% confidence "
      "interval is within --ci-target of the total (or R times each with --ci-target=0); raw samples are "
      "kept and a stability verdict says why a result is unstable. See docs/attribution.md.",
      {
          {"layers", "LIST",
           "layers to attribute: names (exactly these), or +name/-name edits of the default (the "
           "profile's layers that change the scenario's counts)",
           ""},
          {"method", "METHOD", "waterfall, loo, shapley, factorial or all", "all"},
          kFlagN,
          {"repetitions", "R",
           "samples per configuration, 2..1000 (9 or more for a stable verdict); with --ci-target > 0 "
           "the first round's",
           "9 (fixed); first round 2 (neyman) or 3 (equal)"},
          {"ci-target", "F",
           "sequential design: add rounds until every attributed value's confidence interval half-width "
           "is at most F times the total, 0..1; 0 = fixed design of R repetitions",
           "0.02, or 0 when --repetitions is given"},
          {"max-repetitions", "R", "the sequential design's limit per configuration, 2..1000",
           "200 (Neyman allocation), 50 (equal)"},
          {"allocation", "A",
           "the sequential design's repetitions after the first round: neyman (each configuration in "
           "proportion to its spread times its weight in the Shapley values) or equal",
           "neyman"},
          {"drift-window", "W",
           "divide each time sample by the machine's speed factor at the time, estimated from the W "
           "samples run before and after it (0..1000; 0 = none; see docs/attribution.md)",
           "0"},
          {"no-sharing", "", "measure every configuration, even those doing identical work", ""},
          {"format", "FORMAT", "table, json or csv", "table"},
          {"profile", "P", "the layers not attributed stay as in this profile", kDefaultProfile},
          {"metric", "METRIC", "time (ns/element) or instructions (instructions/element, callgrind)", "time"},
          {"seed", "SEED", "seed of the random run order, 0..2^53-1 (recorded in the output)", "random"},
          {"permutations", "P", "sampled orders for Shapley beyond 8 layers, 1..100000", "16 per layer"},
          {"ascii", "", "draw bars with ASCII instead of Unicode blocks", ""},
          {"statistic", "S",
           "mean or median of each configuration's samples (the median resists a few disturbed samples)",
           "mean"},
          {"sample-time", "SECONDS",
           "target duration of one time sample, at most 3600 (iterations calibrated per configuration; "
           "the default makes a sample one call at n = 1e5: short samples spread over the run average the "
           "machine's slow swings best)",
           "0.001"},
          {"quiet", "", "no progress on stderr", ""},
          kFlagProgress,
          kFlagBackend,
          kFlagTempdir,
          kFlagArenas,
      },
      "SCENARIO",
  };
  return spec;
}

int RunAttributeCommand(const ParsedArgs& args) {
  if (args.Has("help")) {
    std::cout << HelpText(AttributeCommandSpec());
    return kExitOk;
  }
  // Every flag is checked before anything runs.
  if (args.positionals().size() != 1) {
    return UsageError("attribute: give exactly one SCENARIO (see 'dispatchlab attribute --help')");
  }
  absl::StatusOr<const Scenario*> scenario = ScenarioFromName(args.positionals()[0]);
  if (!scenario.ok()) return UsageFrom(scenario.status());
  absl::StatusOr<Profile> profile = ProfileFromName(args.Get("profile", kDefaultProfile));
  if (!profile.ok()) return UsageFrom(profile.status());

  AttributionRequest req;
  req.scenario = args.positionals()[0];
  req.base = profile->layers;
  absl::StatusOr<std::string> method =
      ParseChoice("method", args.Get("method", "all"), {"waterfall", "loo", "shapley", "factorial", "all"});
  if (!method.ok()) return UsageFrom(method.status());
  req.methods = *attribution::MethodsFromName(*method);
  req.skip_infeasible = *method == "all";

  absl::StatusOr<int64_t> n = ResolveN(args);
  if (!n.ok()) return UsageFrom(n.status());
  if (absl::Status fits = CheckFitsInMemory(*n); !fits.ok()) return UsageFrom(fits);
  req.n = *n;
  absl::StatusOr<int> reps = ResolveRepetitions(args, 9, 1);
  if (!reps.ok()) return UsageFrom(reps.status());
  if (*reps < 2) {
    return UsageError(absl::StrFormat(
        "--repetitions=%d: at least 2 are needed to measure a spread (9 recommended)", *reps));
  }
  req.repetitions = *reps;
  // The sequential design unless asked for a fixed number of repetitions.
  req.ci_target = args.Has("repetitions") ? 0 : 0.02;
  if (args.Has("ci-target")) {
    // 0 switches the sequential design off; otherwise a fraction of the total, at most 1.
    const std::string text = args.Get("ci-target");
    if (text == "0") {
      req.ci_target = 0;
    } else {
      absl::StatusOr<double> f = ParsePositiveDouble("ci-target", text, 1);
      if (!f.ok()) return UsageFrom(f.status());
      req.ci_target = *f;
    }
  }
  // The first round: 2 each under Neyman allocation (its floor; the allocation adds where it matters),
  // 3 under equal allocation.
  req.min_repetitions = args.Has("repetitions") ? *reps : 3;
  if (args.Has("max-repetitions")) {
    absl::StatusOr<int64_t> m = ParseIntInRange("max-repetitions", args.Get("max-repetitions"), 2, 1000);
    if (!m.ok()) return UsageFrom(m.status());
    req.max_repetitions = static_cast<int>(*m);
  }
  if (req.ci_target > 0 && req.max_repetitions < req.min_repetitions) {
    return UsageError(absl::StrFormat("--max-repetitions=%d is below the first round's %d repetitions",
                                      req.max_repetitions, req.min_repetitions));
  }
  absl::StatusOr<std::string> allocation =
      ParseChoice("allocation", args.Get("allocation", "neyman"), {"neyman", "equal"});
  if (!allocation.ok()) return UsageFrom(allocation.status());
  req.allocation =
      *allocation == "neyman" ? attribution::Allocation::kNeyman : attribution::Allocation::kEqual;
  if (!args.Has("repetitions") && req.allocation == attribution::Allocation::kNeyman) req.min_repetitions = 2;
  // Neyman allocation gives most samples to the few configurations every value reads ("all on", "all
  // off"), so their limit is higher: at 50 a noisy machine could stop them short of the target.
  if (!args.Has("max-repetitions") && req.allocation == attribution::Allocation::kNeyman) {
    req.max_repetitions = kNeymanMaxRepetitions;
  }
  if (args.Has("drift-window")) {
    absl::StatusOr<int64_t> w = ParseIntInRange("drift-window", args.Get("drift-window"), 0, 1000);
    if (!w.ok()) return UsageFrom(w.status());
    req.drift_window = static_cast<int>(*w);
  }
  if (args.Has("permutations")) {
    absl::StatusOr<int64_t> p = ParseIntInRange("permutations", args.Get("permutations"), 1, 100000);
    if (!p.ok()) return UsageFrom(p.status());
    req.permutations = static_cast<int>(*p);
  }
  absl::StatusOr<std::string> format = ResolveFormat(args, {"table", "json", "csv"});
  if (!format.ok()) return UsageFrom(format.status());
  absl::StatusOr<std::string> metric =
      ParseChoice("metric", args.Get("metric", "time"), {"time", "instructions"});
  if (!metric.ok()) return UsageFrom(metric.status());
  req.metric = *metric;
  absl::StatusOr<std::string> statistic =
      ParseChoice("statistic", args.Get("statistic", "mean"), {"mean", "median"});
  if (!statistic.ok()) return UsageFrom(statistic.status());
  req.statistic = *statistic == "median" ? attribution::Statistic::kMedian : attribution::Statistic::kMean;
  if (args.Has("seed")) {
    // Seeds stay below 2^53 so JSON readers that hold numbers as doubles keep them exact.
    absl::StatusOr<int64_t> seed = ParseIntInRange("seed", args.Get("seed"), 0, (int64_t{1} << 53) - 1);
    if (!seed.ok()) return UsageFrom(seed.status());
    req.seed = static_cast<uint64_t>(*seed);
  } else {
    std::random_device rd;
    req.seed = ((uint64_t{rd()} << 32) | rd()) & ((uint64_t{1} << 53) - 1);
  }
  double sample_time = 0.001;
  if (args.Has("sample-time")) {
    absl::StatusOr<double> t = ParsePositiveDouble("sample-time", args.Get("sample-time"));
    if (!t.ok()) return UsageFrom(t.status());
    sample_time = *t;
  }
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageFrom(heap);

  // The default layers: the profile's layers that change what the scenario does (found by counting).
  const LayerSet relevant = RelevantLayers(**scenario, profile->layers);
  req.chosen = relevant;
  if (args.Has("layers")) {
    absl::StatusOr<LayerSet> chosen = ParseLayersFlag(args, relevant);
    if (!chosen.ok()) return UsageFrom(chosen.status());
    req.chosen = *chosen;
  }
  if (req.chosen == LayerSet::None()) {
    return UsageError(
        absl::StrFormat("attribute: no layers to attribute for %s under profile %s "
                        "(choose some with --layers)",
                        req.scenario, profile->name));
  }
  const int k = __builtin_popcount(req.chosen.bits());
  if (*method == "factorial" && k > attribution::kMaxFactorialLayers) {
    return UsageError(
        absl::StrFormat("attribute: a factorial design needs 2^%d configurations for %d layers "
                        "(at most %d layers; choose fewer with --layers)",
                        k, k, attribution::kMaxFactorialLayers));
  }

  const BatchSampler sampler = LazySampler(req.metric, SampleTarget{req.scenario, req.n}, sample_time);

  if (!args.Has("no-sharing")) {
    req.fingerprint = CountFingerprinter(
        **scenario, std::vector<int64_t>(std::begin(kFingerprintSizes), std::end(kFingerprintSizes)),
        std::string(profile->name));
    if (!kCountingCompiledIn) req.fingerprint = nullptr;  // no counts to compare
  }

  if (req.drift_window > 0 && req.ci_target > 0 && !args.Has("quiet")) {
    absl::FPrintF(
        stderr,
        "dispatchlab: attribute: warning: drift-adjusted intervals are optimistic with few samples per "
        "configuration, so the sequential design may stop early (docs/attribution.md)\n");
  }
  if (req.ci_target == 0 && req.repetitions < 9 && !args.Has("quiet")) {
    absl::FPrintF(stderr,
                  "dispatchlab: attribute: warning: %d repetitions; 9 or more are recommended for a stable "
                  "verdict\n",
                  req.repetitions);
  }
  auto progress = std::make_shared<Progress>("attribute", 1, ResolveProgress(args));
  if (!args.Has("quiet")) {
    if (req.ci_target > 0) {
      absl::FPrintF(stderr,
                    "attribute: %s, %d layers (%s), n = %d, rounds of repetitions (%d to %d) until every "
                    "95%% CI is within %g%% of the total\n",
                    req.scenario, k, req.chosen.ToString(), req.n, req.min_repetitions, req.max_repetitions,
                    100 * req.ci_target);
    } else {
      absl::FPrintF(stderr, "attribute: %s, %d layers (%s), n = %d, %d repetitions per configuration\n",
                    req.scenario, k, req.chosen.ToString(), req.n, req.repetitions);
    }
    // Progress comes between batches; each instruction batch starts a valgrind process, so that metric
    // runs as one batch.
    if (req.metric == "time") {
      req.progress = [progress](int64_t done, int64_t total) { progress->Update(done, total); };
    } else {
      absl::FPrintF(stderr, "attribute: counting under callgrind in one batch (this takes a while)\n");
    }
  }

  absl::StatusOr<AttributionResult> result = attribution::Attribute(req, sampler);
  progress->Finish();
  if (!result.ok()) {
    if (profiling::InterruptSignal() != 0) return Interrupted("attribute");
    if (result.status().code() == absl::StatusCode::kInvalidArgument) return UsageFrom(result.status());
    return Failure(std::string(result.status().message()));
  }
  if (req.metric == "time") {
    // Timed samples also answer for the machine they were taken on (experiments/base/stability.h): load,
    // governor, turbo join the attribution's own per-configuration reasons.
    const TimingStability machine = JudgeTimings({}, /*comparison=*/false, ReadMachineState());
    for (const std::string& reason : machine.reasons) result->stability.reasons.push_back(reason);
    result->stability.stable = result->stability.reasons.empty();
  }

  attribution::RenderOptions options;
  options.unicode = !args.Has("ascii");
  if (*format == "table") {
    std::cout << attribution::RenderTable(*result, options);
    std::cout << "machine: " << MetadataLine() << "\n";
  } else if (*format == "csv") {
    std::cout << attribution::RenderCsv(*result);
  } else {
    MetadataFields fields;
    fields.profile = std::string(profile->name);
    fields.layers = req.base;
    fields.has_layers = true;
    fields.n = req.n;
    fields.repetitions = req.repetitions;
    options.metadata = MetadataJson(fields);
    std::cout << attribution::RenderJson(*result, options);
  }
  std::cout.flush();
  return kExitOk;  // a write that failed is reported, once, by Main's frame (commands.cc)
}

}  // namespace dispatchlab::cli
