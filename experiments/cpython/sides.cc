// The two sides of one measurement (see sides.h).
#include "experiments/cpython/sides.h"

#include <unistd.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "core/counters.h"
#include "core/layers.h"
#include "experiments/base/json.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/subprocess.h"
#include "experiments/cpython/cases_script.h"
#include "experiments/measure/runner.h"
#include "experiments/measure/sibling.h"
#include "experiments/profiling/callgrind_runner.h"

namespace dispatchlab::cpython {

Env RealEnv(const Env& env) {
  Env out = env;
  for (const auto& kv : env) {
    if (kv.first == "PYTHONHASHSEED") return out;  // the reader's choice wins
  }
  out.insert(out.begin(), {"PYTHONHASHSEED", "0"});
  return out;
}

absl::StatusOr<Timing> TimeReal(const Interpreter& python, const std::string& case_name, int64_t n,
                                double min_time, const Env& env) {
  absl::StatusOr<std::unique_ptr<profiling::ScratchDir>> dir = profiling::ScratchDir::Create("cpython");
  if (!dir.ok()) return dir.status();
  profiling::ProcessSpec spec;
  spec.argv = {python.path,
               "-c",
               kCasesScript,
               "time",
               case_name,
               absl::StrCat("--n=", n),
               absl::StrCat("--min-time=", min_time)};
  spec.extra_env = RealEnv(env);
  spec.stdout_path = (*dir)->File("stdout");
  spec.stderr_path = (*dir)->File("stderr");
  absl::StatusOr<profiling::ProcessResult> result = profiling::RunProcess(spec);
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return absl::InternalError(
        absl::StrCat(python.path, " ", case_name, " failed (", result->Describe(),
                     "): ", profiling::LastLine(profiling::ReadTextFile(spec.stderr_path))));
  }
  absl::StatusOr<Json> parsed = ParseJson(profiling::ReadTextFile(spec.stdout_path));
  const Json out = parsed.ok() ? *parsed : Json();
  if (!out.is_object() || !out.contains("ns_per_element") || !out["ns_per_element"].is_number() ||
      !out.contains("calls") || !out["calls"].is_number_integer()) {
    return absl::InternalError(absl::StrCat(python.path, " ", case_name, ": cases.py printed no timing"));
  }
  Timing t;
  t.ns_per_element = out["ns_per_element"].get<double>();
  t.calls = out["calls"].get<int64_t>();
  t.max_rss_kb = result->max_rss_kb;
  return t;
}

absl::StatusOr<InstructionCount> CountReal(const Interpreter& python, const std::string& case_name, int64_t n,
                                           const Env& env, bool simulate_cache) {
  profiling::CallgrindDump dumps[2];
  const int64_t calls[2] = {kMarginalFewCalls, kMarginalManyCalls};
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<profiling::CallgrindDump> dump = profiling::RunCallgrindWholeProgram(
        {python.path, "-c", kCasesScript, "count", case_name, absl::StrCat("--n=", n),
         absl::StrCat("--calls=", calls[i])},
        RealEnv(env), /*separate_callers=*/0, /*simulate_branches=*/true, simulate_cache);
    if (!dump.ok()) return dump.status();
    dumps[i] = *std::move(dump);
  }
  return Marginal(dumps[0], dumps[1], n);
}

absl::StatusOr<std::string> CountingFreeBinary() {
  if (!kCountingCompiledIn) return profiling::SelfExecutable();
  absl::StatusOr<std::string> sibling = SiblingBinary();
  if (!sibling.ok()) {
    return absl::NotFoundError(absl::StrCat(sibling.status().message(),
                                            "; the model side runs in dispatchlab-nocount: cmake --build "
                                            "--preset release --target dispatchlab-nocount"));
  }
  return sibling;
}

std::string ModelBinaryFor(LayerSet layers, const std::string& counting_free) {
  const absl::string_view name = UntaggedBuildRuns(layers)   ? kUntaggedBuildName
                                 : ImmortalBuildRuns(layers) ? kImmortalBuildName
                                                             : absl::string_view();
  if (name.empty()) return counting_free;
  const std::string sibling = absl::StrCat(counting_free.substr(0, counting_free.rfind('/') + 1), name);
  return access(sibling.c_str(), X_OK) == 0 ? sibling : counting_free;
}

absl::StatusOr<Timing> TimeModel(const std::string& binary, const std::string& scenario, int64_t n,
                                 const std::string& profile, double min_time) {
  absl::StatusOr<std::unique_ptr<profiling::ScratchDir>> dir = profiling::ScratchDir::Create("cpython");
  if (!dir.ok()) return dir.status();
  profiling::ProcessSpec spec;
  spec.argv = {binary,
               "run",
               scenario,
               absl::StrCat("--n=", n),
               "--repetitions=1",
               absl::StrCat("--min-time=", min_time),
               absl::StrCat("--profile=", profile),
               "--no-interleave",
               "--format=json"};
  spec.stdout_path = (*dir)->File("stdout");
  spec.stderr_path = (*dir)->File("stderr");
  absl::StatusOr<profiling::ProcessResult> result = profiling::RunProcess(spec);
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    return absl::InternalError(absl::StrCat(binary, " run ", scenario, " failed (", result->Describe(), "): ",
                                            profiling::LastLine(profiling::ReadTextFile(spec.stderr_path))));
  }
  const std::string name = BenchmarkName(scenario, n);
  absl::StatusOr<std::map<std::string, std::vector<double>>> runs =
      NsPerElementByRun(profiling::ReadTextFile(spec.stdout_path));
  if (!runs.ok()) return runs.status();
  for (const auto& [run_name, values] : *runs) {
    // "sct_init/n:1000", or with a repetition suffix "sct_init/n:1000/repeats:1" in older builds.
    if ((run_name != name && run_name.rfind(name + "/", 0) != 0) || values.empty()) continue;
    Timing t;
    t.ns_per_element = values.front();
    t.calls = 1;
    t.max_rss_kb = result->max_rss_kb;
    return t;
  }
  return absl::InternalError(absl::StrCat(binary, " run ", scenario, ": no timing in its JSON"));
}

absl::StatusOr<InstructionCount> CountModel(const std::string& binary, const std::string& scenario, int64_t n,
                                            LayerSet layers, bool simulate_cache) {
  profiling::ProfileRequest request;
  request.scenario = scenario;
  request.n = n;
  request.layers = layers;
  request.warmup = 0;
  request.child_executable = binary;
  request.simulate_branches = true;
  request.simulate_cache = simulate_cache;
  profiling::CallgrindDump dumps[2];
  const int64_t calls[2] = {kMarginalFewCalls, kMarginalManyCalls};
  for (int i = 0; i < 2; ++i) {
    request.iterations = calls[i];
    absl::StatusOr<std::vector<profiling::CallgrindDump>> dump =
        profiling::RunCallgrindConfigs(request, {layers});
    if (!dump.ok()) return dump.status();
    dumps[i] = std::move(dump->front());
  }
  return Marginal(dumps[0], dumps[1], n);
}

}  // namespace dispatchlab::cpython
