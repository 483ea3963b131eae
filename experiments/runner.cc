#include "experiments/runner.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/counters.h"
#include "core/errors.h"
#include "dispatch/runtime.h"
#include "experiments/metadata.h"

namespace dispatchlab {

namespace {

void InitBenchmarkOnce(bool random_interleaving) {
  std::string interleave =
      absl::StrCat("--benchmark_enable_random_interleaving=", random_interleaving ? "true" : "false");
  // Google Benchmark keeps argv[0] (it names the executable in the JSON context) after Initialize returns,
  // so it must outlive every run: a static array, never a local string.
  static char program_name[] = "dispatchlab";
  std::vector<char*> argv = {program_name, interleave.data(), nullptr};
  int argc = 2;
  benchmark::Initialize(&argc, argv.data());
}

// Collects every per-repetition run (and forwards everything to an optional JSON reporter).
class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  CollectingReporter(benchmark::BenchmarkReporter* inner, bool progress, int total)
      : inner_(inner), progress_(progress), total_(total) {}

  bool ReportContext(const Context& context) override {
    return inner_ == nullptr || inner_->ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) {
        runs_.push_back(run);
        if (progress_) {
          std::cerr << absl::StrFormat("  [%d/%d] %s%s\n", static_cast<int>(runs_.size()), total_,
                                       run.benchmark_name(), run.error_occurred ? " (failed)" : "");
        }
      }
    }
    if (inner_ != nullptr) inner_->ReportRuns(runs);
  }
  void Finalize() override {
    if (inner_ != nullptr) inner_->Finalize();
  }
  const std::vector<Run>& runs() const { return runs_; }

 private:
  benchmark::BenchmarkReporter* inner_;
  bool progress_;
  int total_;
  std::vector<Run> runs_;
};

double NsPerElement(const benchmark::BenchmarkReporter::Run& run, int64_t n) {
  return run.real_accumulated_time / static_cast<double>(run.iterations) * 1e9 / static_cast<double>(n);
}

// One call of the scenario per benchmark iteration; the result is destroyed inside the loop (`del sh`).
void TimeScenario(benchmark::State& state, const Scenario* scenario, const ScenarioInput* input,
                  LayerSet layers) {
  ScopedLayers scoped(EffectiveLayers(*scenario, layers));
  for (auto _ : state) {
    ScenarioResult result;
    if (!scenario->run(*input, &result)) {
      absl::Status status = FetchErrorAsStatus();
      state.SkipWithError(std::string(status.message()).c_str());
      break;
    }
    const char* data = result.data();
    benchmark::DoNotOptimize(data);
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_element"] = benchmark::Counter(
      static_cast<double>(input->n()) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void Summarize(ScenarioTiming* t) {
  std::vector<double> s = t->samples;
  std::sort(s.begin(), s.end());
  const size_t k = s.size();
  t->min = s.front();
  t->max = s.back();
  t->median = k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
  double sum = 0;
  for (double v : s) sum += v;
  t->mean = sum / static_cast<double>(k);
  double sq = 0;
  for (double v : s) sq += (v - t->mean) * (v - t->mean);
  t->stddev = k > 1 ? std::sqrt(sq / static_cast<double>(k - 1)) : 0;
  t->cv = t->mean > 0 ? t->stddev / t->mean : 0;
}

}  // namespace

std::string BenchmarkName(absl::string_view scenario, int64_t n) { return absl::StrCat(scenario, "/n:", n); }

absl::StatusOr<std::vector<ScenarioTiming>> RunTimings(const RunRequest& request) {
  InitRuntime();
  InitBenchmarkOnce(request.random_interleaving);
  absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(request.n);
  if (!input.ok()) return input.status();

  benchmark::ClearRegisteredBenchmarks();
  // Google Benchmark keeps one context per process (a second add of a key is refused with a warning):
  // the keys describe the one JSON document a `run --format=json` prints.
  static bool context_added = false;
  if (request.benchmark_json != nullptr && !context_added) {
    context_added = true;
    benchmark::AddCustomContext("dispatchlab_profile", request.profile);
    benchmark::AddCustomContext("dispatchlab_layers", request.layers.ToString());
    benchmark::AddCustomContext("dispatchlab_n", absl::StrCat(request.n));
    benchmark::AddCustomContext("dispatchlab_counting", kCountingCompiledIn ? "compiled in" : "compiled out");
    benchmark::AddCustomContext("dispatchlab_repetitions", absl::StrCat(request.repetitions));
    benchmark::AddCustomContext("dispatchlab_metadata", MetadataJson({request.profile, request.layers, true,
                                                                      request.n, request.repetitions}));
  }
  for (const Scenario* scenario : request.scenarios) {
    benchmark::RegisterBenchmark(BenchmarkName(scenario->name, request.n).c_str(), TimeScenario, scenario,
                                 &*input, request.layers)
        ->Repetitions(request.repetitions)
        ->MinTime(request.min_time)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  }
  std::unique_ptr<benchmark::JSONReporter> json;
  if (request.benchmark_json != nullptr) {
    json = std::make_unique<benchmark::JSONReporter>();
    json->SetOutputStream(request.benchmark_json);
    json->SetErrorStream(&std::cerr);
  }
  CollectingReporter reporter(json.get(), request.progress,
                              static_cast<int>(request.scenarios.size()) * request.repetitions);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();

  std::vector<ScenarioTiming> timings;
  for (const Scenario* scenario : request.scenarios) {
    ScenarioTiming t;
    t.scenario = std::string(scenario->name);
    const std::string name = BenchmarkName(scenario->name, request.n);
    for (const auto& run : reporter.runs()) {
      if (run.benchmark_name().rfind(name, 0) != 0) continue;
      if (run.error_occurred) {
        return absl::InternalError(absl::StrCat(scenario->name, " failed: ", run.error_message));
      }
      t.samples.push_back(NsPerElement(run, request.n));
    }
    if (t.samples.empty()) return absl::InternalError(absl::StrCat(scenario->name, ": no measurement"));
    Summarize(&t);
    timings.push_back(std::move(t));
  }
  ReleaseCaches();
  return timings;
}

absl::StatusOr<BatchSampler> MakeTimeSampler(const SampleTarget& target, LayerSet calibrate_on,
                                             double seconds_per_sample, bool progress) {
  InitRuntime();
  absl::StatusOr<const Scenario*> scenario = ScenarioFromName(target.scenario);
  if (!scenario.ok()) return scenario.status();
  absl::StatusOr<ScenarioInput> made = ScenarioInput::Make(target.n);
  if (!made.ok()) return made.status();
  auto input = std::make_shared<ScenarioInput>(std::move(*made));
  const Scenario* s = *scenario;
  const int64_t n = target.n;

  // Iterations per sample, per configuration: from one short Google Benchmark run of that configuration
  // the first time it is asked for, so that cheap and expensive configurations both get samples of about
  // `seconds_per_sample`.
  auto iterations = std::make_shared<absl::flat_hash_map<uint32_t, int64_t>>();
  auto calibrate = [s, n, seconds_per_sample, iterations](const std::vector<LayerSet>& order) -> absl::Status {
    std::vector<LayerSet> missing;
    for (LayerSet layers : order) {
      if (!iterations->contains(layers.bits())) {
        iterations->emplace(layers.bits(), 0);
        missing.push_back(layers);
      }
    }
    for (LayerSet layers : missing) {
      RunRequest calibration;
      calibration.scenarios = {s};
      calibration.n = n;
      calibration.layers = layers;
      calibration.repetitions = 1;
      calibration.min_time = std::min(0.01, seconds_per_sample);
      calibration.progress = false;
      calibration.random_interleaving = false;
      absl::StatusOr<std::vector<ScenarioTiming>> first = RunTimings(calibration);
      if (!first.ok()) return first.status();
      const double seconds_per_call = std::max((*first)[0].median * 1e-9 * static_cast<double>(n), 1e-9);
      (*iterations)[layers.bits()] = std::clamp<int64_t>(
          static_cast<int64_t>(std::min(std::ceil(seconds_per_sample / seconds_per_call), 1e7)), 1, 10000000);
    }
    return absl::OkStatus();
  };
  (void)calibrate_on;

  return BatchSampler([s, input, n, iterations, calibrate, progress](
                          const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
    if (absl::Status st = calibrate(order); !st.ok()) return st;
    InitBenchmarkOnce(false);
    benchmark::ClearRegisteredBenchmarks();
    for (size_t i = 0; i < order.size(); ++i) {
      benchmark::RegisterBenchmark(absl::StrCat(s->name, "/sample:", i).c_str(), TimeScenario, s,
                                   input.get(), order[i])
          ->Iterations(iterations->at(order[i].bits()))
          ->Repetitions(1)
          ->UseRealTime();
    }
    CollectingReporter reporter(nullptr, progress, static_cast<int>(order.size()));
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    if (reporter.runs().size() != order.size()) return absl::InternalError("missing samples");
    std::vector<double> samples;
    for (const auto& run : reporter.runs()) {
      if (run.error_occurred) return absl::InternalError(absl::StrCat(s->name, " failed: ", run.error_message));
      samples.push_back(NsPerElement(run, n));
    }
    ReleaseCaches();
    return samples;
  });
}

}  // namespace dispatchlab
