#include "experiments/measure/runner.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/counters.h"
#include "core/errors.h"
#include "dispatch/runtime.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/base/stats.h"

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
  CollectingReporter(benchmark::BenchmarkReporter* inner, Progress* progress)
      : inner_(inner), progress_(progress) {}

  bool ReportContext(const Context& context) override {
    return inner_ == nullptr || inner_->ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration) {
        runs_.push_back(run);
        if (progress_ != nullptr) progress_->Step(run.run_name.function_name);
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
  Progress* progress_;
  std::vector<Run> runs_;
};

double NsPerElement(const benchmark::BenchmarkReporter::Run& run, int64_t n) {
  return run.real_accumulated_time / static_cast<double>(run.iterations) * 1e9 / static_cast<double>(n);
}

// One call of the scenario per benchmark iteration; the result is destroyed inside the loop (`del sh`).
void TimeScenario(benchmark::State& state, const Scenario* scenario, const ScenarioInput* input,
                  LayerSet layers) {
  ScopedScenarioInterpreter patched(*scenario, layers);
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
  state.counters["ns_per_element"] =
      benchmark::Counter(static_cast<double>(input->n()) * 1e-9,
                         benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void Summarize(ScenarioTiming* t) {
  std::vector<double> s = t->samples;
  std::sort(s.begin(), s.end());
  t->min = s.front();
  t->max = s.back();
  t->median = stats::Median(s);
  t->mean = stats::Mean(s);  // summed in ascending order
  t->stddev = stats::SampleStddev(s);
  t->cv = t->mean > 0 ? t->stddev / t->mean : 0;
}

// Google Benchmark names a run FUNCTION/min_time:T/repeats:R/real_time: a file taken with other settings
// would share no row with this one in compare.py. Every entry is renamed SCENARIO/n:N (aggregates
// SCENARIO/n:N_mean, ...), and the settings go to the context.
absl::Status RenameBenchmarks(const RunRequest& request, Json* doc) {
  if (!doc->contains("benchmarks") || !(*doc)["benchmarks"].is_array()) {
    return absl::InternalError("Google Benchmark's JSON has no benchmarks array");
  }
  for (Json& entry : (*doc)["benchmarks"]) {
    const std::string run_name = entry.value("run_name", "");
    bool renamed = false;
    for (const Scenario* scenario : request.scenarios) {
      const std::string name = BenchmarkName(scenario->name, request.n);
      if (run_name != name && run_name.rfind(name + "/", 0) != 0) continue;
      entry["run_name"] = name;
      entry["name"] = entry.value("run_type", "") == "aggregate"
                          ? absl::StrCat(name, "_", entry.value("aggregate_name", ""))
                          : name;
      renamed = true;
      break;
    }
    if (!renamed) return absl::InternalError(absl::StrCat("unexpected benchmark '", run_name, "'"));
  }
  Json& context = (*doc)["context"];
  context["dispatchlab_version"] = DispatchlabVersion();
  context["dispatchlab_profile"] = request.profile;
  context["dispatchlab_layers"] = request.layers.ToString();
  context["dispatchlab_n"] = request.n;
  context["dispatchlab_counting"] = kCountingCompiledIn ? "compiled in" : "compiled out";
  context["dispatchlab_repetitions"] = request.repetitions;
  context["dispatchlab_min_time"] = request.min_time;
  context["dispatchlab_interleaved"] = request.random_interleaving;
  context["dispatchlab_metadata"] =
      MetadataJson({request.profile, request.layers, true, request.n, request.repetitions});
  return absl::OkStatus();
}

}  // namespace

std::string BenchmarkName(absl::string_view scenario, int64_t n) { return absl::StrCat(scenario, "/n:", n); }

absl::StatusOr<std::vector<ScenarioTiming>> RunTimings(const RunRequest& request) {
  InitRuntime();
  InitBenchmarkOnce(request.random_interleaving);
  absl::StatusOr<ScenarioInput> input = ScenarioInput::Make(request.n, SourcesOf(request.scenarios));
  if (!input.ok()) return input.status();

  benchmark::ClearRegisteredBenchmarks();
  for (const Scenario* scenario : request.scenarios) {
    benchmark::RegisterBenchmark(BenchmarkName(scenario->name, request.n).c_str(), TimeScenario, scenario,
                                 &*input, request.layers)
        ->Repetitions(request.repetitions)
        ->MinTime(request.min_time)
        ->Unit(benchmark::kNanosecond)  // compare.py prints whole units: ns keeps the precision
        ->UseRealTime();
  }
  std::unique_ptr<benchmark::JSONReporter> json;
  std::ostringstream json_text;
  if (request.benchmark_json != nullptr) {
    json = std::make_unique<benchmark::JSONReporter>();
    json->SetOutputStream(&json_text);
    json->SetErrorStream(&std::cerr);
  }
  CollectingReporter reporter(json.get(), request.progress);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::ClearRegisteredBenchmarks();
  if (request.benchmark_json != nullptr) {
    absl::StatusOr<Json> doc = ParseJson(json_text.str());
    if (!doc.ok())
      return absl::InternalError(absl::StrCat("Google Benchmark's JSON: ", doc.status().message()));
    if (absl::Status renamed = RenameBenchmarks(request, &*doc); !renamed.ok()) return renamed;
    *request.benchmark_json = std::move(*doc);
  }

  std::vector<ScenarioTiming> timings;
  for (const Scenario* scenario : request.scenarios) {
    ScenarioTiming t;
    t.scenario = std::string(scenario->name);
    const std::string name = BenchmarkName(scenario->name, request.n);
    for (const auto& run : reporter.runs()) {
      if (run.run_name.function_name != name) continue;
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

absl::StatusOr<BatchSampler> MakeTimeSampler(const SampleTarget& target, double seconds_per_sample,
                                             std::shared_ptr<TimeSamplerLog> log) {
  InitRuntime();
  absl::StatusOr<const Scenario*> scenario = ScenarioFromName(target.scenario);
  if (!scenario.ok()) return scenario.status();
  absl::StatusOr<ScenarioInput> made = ScenarioInput::Make(target.n, (*scenario)->sources);
  if (!made.ok()) return made.status();
  auto input = std::make_shared<ScenarioInput>(std::move(*made));
  const Scenario* s = *scenario;
  const int64_t n = target.n;

  // Iterations per sample, per configuration: from one short Google Benchmark run of that configuration
  // the first time it is asked for, so that cheap and expensive configurations both get samples of about
  // `seconds_per_sample`.
  if (log == nullptr) log = std::make_shared<TimeSamplerLog>();
  auto calibrate = [s, n, seconds_per_sample, log](const std::vector<LayerSet>& order) -> absl::Status {
    absl::flat_hash_map<uint32_t, int64_t>* iterations = &log->iterations;
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
      calibration.random_interleaving = false;
      absl::StatusOr<std::vector<ScenarioTiming>> first = RunTimings(calibration);
      if (!first.ok()) return first.status();
      const double seconds_per_call = std::max((*first)[0].median * 1e-9 * static_cast<double>(n), 1e-9);
      (*iterations)[layers.bits()] = std::clamp<int64_t>(
          static_cast<int64_t>(std::min(std::ceil(seconds_per_sample / seconds_per_call), 1e7)), 1, 10000000);
      ++log->calibrations;
    }
    return absl::OkStatus();
  };

  return BatchSampler([s, input, n, log,
                       calibrate](const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
    if (absl::Status st = calibrate(order); !st.ok()) return st;
    InitBenchmarkOnce(false);
    benchmark::ClearRegisteredBenchmarks();
    for (size_t i = 0; i < order.size(); ++i) {
      benchmark::RegisterBenchmark(absl::StrCat(s->name, "/sample:", i).c_str(), TimeScenario, s, input.get(),
                                   order[i])
          ->Iterations(log->iterations.at(order[i].bits()))
          ->Repetitions(1)
          ->UseRealTime();
    }
    CollectingReporter reporter(nullptr, nullptr);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();
    if (reporter.runs().size() != order.size()) return absl::InternalError("missing samples");
    std::vector<double> samples;
    for (const auto& run : reporter.runs()) {
      if (run.error_occurred)
        return absl::InternalError(absl::StrCat(s->name, " failed: ", run.error_message));
      samples.push_back(NsPerElement(run, n));
    }
    ReleaseCaches();
    return samples;
  });
}

}  // namespace dispatchlab
