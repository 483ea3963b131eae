// `dispatchlab cpython` (see cmd_cpython.h): checks every input and every tool before measuring anything,
// so bad input is one line and exit 2 and nothing is half-written; prints only when every run succeeded.
#include "experiments/cli/cmd_cpython.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/base/progress.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/stability.h"
#include "experiments/base/subprocess.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/cpython/compare.h"
#include "experiments/cpython/interpreter.h"
#include "experiments/cpython/render.h"
#include "experiments/cpython/sides.h"

namespace dispatchlab::cli {
namespace {

using cpython::Env;
using cpython::Interpreter;

int Usage(absl::string_view message) { return UsageError(absl::StrCat("cpython: ", message)); }

absl::StatusOr<Env> ParseEnv(const std::string& text) {
  Env env;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    const size_t eq = item.find('=');
    const absl::string_view key = item.substr(0, eq);
    bool valid = eq != absl::string_view::npos && !key.empty();
    for (char c : key) valid = valid && (c == '_' || std::isalnum(static_cast<unsigned char>(c)));
    if (!valid) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--python-env: '", item, "' is not NAME=VALUE (e.g. --python-env=PYTHONMALLOC=malloc)"));
    }
    for (const auto& [name, value] : env) {
      if (name == key)
        return absl::InvalidArgumentError(absl::StrCat("--python-env: ", key, " is given twice"));
    }
    env.emplace_back(std::string(key), std::string(item.substr(eq + 1)));
  }
  return env;
}

}  // namespace

const CommandSpec& CPythonCommandSpec() {
  static const CommandSpec spec = {
      "cpython",
      "cpython [SCENARIO...] [--python=PATH|all] [--n=N] [--rounds=R] [--metric=time|instructions] "
      "[--profile=P] [--format=table|json] [--by-function] [--cache-sim] [--python-env=K=V]",
      "Runs each scenario that has a real counterpart on a real CPython (experiments/cpython/cases.py: the "
      "seed's statements, every result verified) and on the model (dispatchlab-untagged for the 3.6 and 3.11 "
      "profiles, dispatchlab-immortal for 3.12 and 3.13, dispatchlab-nocount for the others), side by side: "
      "ns or "
      "instructions per element, both sides' ratios to sct_subscript, the model's distance and a verdict. "
      "--metric=time interleaves rounds with the order rotated each round; --metric=instructions counts with "
      "callgrind, (Ir[3 calls] - Ir[1 call]) / 2 / n, on both sides. The numpy cases need numpy (Debian's "
      "/usr/bin/python3 with python3-numpy); the list cases run on any CPython 3.6+. See "
      "docs/faithfulness.md.",
      {
          {"python", "PATH", "the interpreter, or 'all': Debian's, pyenv's and those on PATH",
           "/usr/bin/python3"},
          {"n", "N", "elements per array (1e5 or 100000), 1..2^40 and within memory",
           "1e5 (time), 20000 (instructions)"},
          {"rounds", "R", "time: interleaved rounds, 1..1000 (the figure is the minimum)", "10"},
          {"metric", "M", "time or instructions", "time"},
          {"profile", "P", "the model's profile for every interpreter", "the one matching each version"},
          {"format", "F", "table or json", "table"},
          {"by-function", "", "instructions: each side's top functions per element, grouped by layer", ""},
          {"cache-sim", "",
           "instructions: callgrind's cache simulation too: data reads, writes and cache misses per element",
           ""},
          {"python-env", "K=V[,K=V]", "environment of the real interpreter, e.g. PYTHONMALLOC=malloc", ""},
          {"min-time", "SECONDS", "time: seconds of calls per measurement, at most 3600", "0.05"},
          kFlagQuiet,
          kFlagProgress,
      },
      "SCENARIO..."};
  return spec;
}

int RunCPythonCommand(const ParsedArgs& args) {
  absl::StatusOr<std::string> format = ParseChoice("format", args.Get("format", "table"), {"table", "json"});
  if (!format.ok()) return Usage(format.status().message());
  absl::StatusOr<std::string> metric =
      ParseChoice("metric", args.Get("metric", "time"), {"time", "instructions"});
  if (!metric.ok()) return Usage(metric.status().message());
  const bool time = *metric == "time";
  cpython::CompareRequest request;
  request.metric = time ? cpython::Metric::kTime : cpython::Metric::kInstructions;
  if (args.Has("rounds")) {
    if (!time) return Usage("--rounds is for --metric=time (instructions are exact: one count each)");
    absl::StatusOr<int64_t> rounds = ParseIntInRange("rounds", args.Get("rounds"), 1, 1000);
    if (!rounds.ok()) return Usage(rounds.status().message());
    request.rounds = static_cast<int>(*rounds);
  }
  if (args.Has("min-time")) {
    if (!time) return Usage("--min-time is for --metric=time");
    absl::StatusOr<double> t = ParsePositiveDouble("min-time", args.Get("min-time"));
    if (!t.ok()) return Usage(t.status().message());
    request.min_time = *t;
  }
  if (args.Has("by-function") && time) return Usage("--by-function goes with --metric=instructions");
  request.by_function = args.Has("by-function");
  if (args.Has("cache-sim") && time) return Usage("--cache-sim goes with --metric=instructions");
  request.simulate_cache = args.Has("cache-sim");
  absl::StatusOr<int64_t> n = ResolveN(args, time ? 100000 : 20000);
  if (!n.ok()) return Usage(n.status().message());
  if (absl::Status fits = CheckFitsInMemory(*n); !fits.ok()) return Usage(fits.message());
  request.n = *n;
  if (args.Has("profile")) {
    if (absl::StatusOr<Profile> p = ProfileFromName(args.Get("profile")); !p.ok())
      return Usage(p.status().message());
    request.profile = args.Get("profile");
  }
  if (args.Has("python-env")) {
    absl::StatusOr<Env> env = ParseEnv(args.Get("python-env"));
    if (!env.ok()) return Usage(env.status().message());
    request.env = *env;
  }
  absl::StatusOr<std::vector<const Scenario*>> named = ResolveScenarios(args.positionals(), {});
  if (!named.ok()) return Usage(named.status().message());
  std::vector<std::string> names;
  for (const Scenario* s : *named) names.emplace_back(s->name);
  if (!time && !profiling::FindInPath("valgrind").has_value()) {
    return Usage(
        "valgrind is not installed; --metric=instructions needs it (Debian: apt-get install -y valgrind)");
  }
  absl::StatusOr<std::string> binary = cpython::CountingFreeBinary();
  if (!binary.ok()) return Usage(binary.status().message());
  request.model_binary = *binary;

  // The interpreters, probed (and the cases each runs) before any measurement.
  std::string python = args.Get("python", cpython::kDebianPython);
  if (python.rfind("~/", 0) == 0 && std::getenv("HOME") != nullptr) {
    python = std::string(std::getenv("HOME")) + python.substr(1);  // the shell leaves ~ after '=' alone
  }
  const bool all = python == "all";
  std::vector<Interpreter> interpreters;
  std::vector<std::vector<std::string>> cases;
  std::vector<std::vector<std::string>> skipped_cases;
  std::vector<cpython::Skipped> skipped;
  for (const std::string& path : all ? cpython::DiscoverInterpreters() : std::vector<std::string>{python}) {
    absl::StatusOr<Interpreter> probed = cpython::ProbeInterpreter(path, request.env);
    if (!probed.ok() && !request.env.empty() && profiling::InterruptSignal() == 0 &&
        cpython::ProbeInterpreter(path, {}).ok()) {
      // The interpreter answers without the environment: blame the flag that broke it.
      absl::string_view why = probed.status().message();
      absl::ConsumePrefix(&why, "--python: ");
      probed = absl::FailedPreconditionError(
          absl::StrCat("--python-env=", args.Get("python-env"), ": ", path, " does not run with it: ", why));
    }
    if (!probed.ok()) {
      if (profiling::InterruptSignal() != 0) return Interrupted("cpython");
      if (!all) return Usage(probed.status().message());
      std::cerr << "dispatchlab: cpython: skipping " << path << ": " << probed.status().message() << "\n";
      skipped.emplace_back(path, std::string(probed.status().message()));
      continue;
    }
    bool duplicate = false;
    for (const Interpreter& seen : interpreters)
      duplicate = duplicate || seen.real_executable == probed->real_executable;
    if (duplicate) continue;
    std::vector<std::string> why;
    absl::StatusOr<std::vector<std::string>> plan = cpython::PlanCases(*probed, names, !all, &why);
    if (!plan.ok()) return Usage(plan.status().message());
    interpreters.push_back(*std::move(probed));
    cases.push_back(*std::move(plan));
    skipped_cases.push_back(std::move(why));
  }
  if (interpreters.empty()) return Usage("no Python 3.6+ interpreter with ctypes found");

  int64_t steps = 0;
  for (size_t i = 0; i < interpreters.size(); ++i) {
    const bool model = !request.profile.empty() || cpython::MatchingProfile(interpreters[i]).ok();
    steps += static_cast<int64_t>(cases[i].size()) * (model ? 2 : 1) * (time ? request.rounds : 1);
  }
  Progress progress("cpython", std::max<int64_t>(steps, 1), ResolveProgress(args));
  request.progress = &progress;
  std::vector<cpython::InterpreterRun> runs;
  for (size_t i = 0; i < interpreters.size(); ++i) {
    absl::StatusOr<cpython::InterpreterRun> run = cpython::Compare(interpreters[i], cases[i], request);
    if (!run.ok()) {
      if (profiling::InterruptSignal() != 0) return Interrupted("cpython");
      return Failure(absl::StrCat("cpython: ", run.status().message()));
    }
    run->skipped = skipped_cases[i];
    runs.push_back(*std::move(run));
  }
  progress.Finish();
  // Time only: the run's stability (every side's rounds, the machine's load), warned on stderr unless
  // --quiet.
  TimingStability stability;
  if (time) {
    StabilityLimits limits;
    limits.repetitions_flag = "--rounds";  // each round gives every side one more sample
    stability = JudgeAndWarn(args, cpython::SeriesOf(runs), /*comparison=*/true, limits);
  }
  if (*format == "json") {
    std::cout << cpython::ComparisonJson(
        runs, skipped, request,
        MetadataJson({request.profile, LayerSet(), false, request.n, time ? request.rounds : 1}),
        StabilityToJson(stability));
  } else {
    std::cout << cpython::ComparisonTable(runs, skipped, request);
    if (time) {
      std::cout << "stability: "
                << (stability.stable ? "stable"
                                     : absl::StrCat("UNSTABLE (", stability.reasons.size(),
                                                    " reasons; on stderr without --quiet, in --format=json)"))
                << "\n";
    }
  }
  return kExitOk;  // a write that failed is reported, once, by Main's frame (commands.cc)
}

}  // namespace dispatchlab::cli
