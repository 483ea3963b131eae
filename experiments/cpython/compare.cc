// The side by side (see compare.h).
#include "experiments/cpython/compare.h"

#include <algorithm>
#include <cmath>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/layers.h"
#include "experiments/base/stats.h"
#include "experiments/cpython/sides.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::cpython {
namespace {

void Finish(Side* side) {
  if (side->rounds.empty()) return;
  side->measured = true;
  side->value = *std::min_element(side->rounds.begin(), side->rounds.end());
  side->median = stats::Median(side->rounds);
}

absl::Status TimeRounds(const Interpreter& python, const std::string& profile, const std::string& binary,
                        const CompareRequest& request, std::vector<CaseResult>* results) {
  struct Item {
    bool real;
    size_t index;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < results->size(); ++i) {
    items.push_back({true, i});
    if (!profile.empty()) items.push_back({false, i});
  }
  for (int round = 0; round < request.rounds; ++round) {
    for (size_t k = 0; k < items.size(); ++k) {
      const Item& item = items[(k + static_cast<size_t>(round)) % items.size()];
      CaseResult& r = (*results)[item.index];
      absl::StatusOr<Timing> t = item.real
                                     ? TimeReal(python, r.scenario, request.n, request.min_time, request.env)
                                     : TimeModel(binary, r.scenario, request.n, profile, request.min_time);
      if (!t.ok()) return t.status();
      Side& side = item.real ? r.cpython : r.model;
      side.rounds.push_back(t->ns_per_element);
      side.peak_rss_kb = std::max(side.peak_rss_kb, t->max_rss_kb);
      if (request.progress != nullptr) {
        request.progress->Step(absl::StrFormat("round %d/%d, %s %s", round + 1, request.rounds,
                                               item.real ? "CPython" : "dispatchlab", r.scenario));
      }
    }
  }
  for (CaseResult& r : *results) {
    Finish(&r.cpython);
    Finish(&r.model);
  }
  return absl::OkStatus();
}

void Keep(const InstructionCount& count, bool by_function, Side* side) {
  side->measured = true;
  side->value = side->median = count.per_element;
  side->calls_per_element = count.calls_per_element;
  side->events = count.events;
  side->simulated_caches = count.simulated_caches;
  if (by_function) side->functions = count.functions;
}

absl::Status CountAll(const Interpreter& python, const std::string& profile, const std::string& binary,
                      const CompareRequest& request, std::vector<CaseResult>* results) {
  for (CaseResult& r : *results) {
    if (request.progress != nullptr)
      request.progress->Step(absl::StrCat("CPython ", python.version, " ", r.scenario));
    absl::StatusOr<InstructionCount> real =
        CountReal(python, r.scenario, request.n, request.env, request.simulate_cache);
    if (!real.ok()) return real.status();
    Keep(*real, request.by_function, &r.cpython);
    if (profile.empty()) continue;
    if (request.progress != nullptr)
      request.progress->Step(absl::StrCat("dispatchlab ", profile, " ", r.scenario));
    absl::StatusOr<InstructionCount> model =
        CountModel(binary, r.scenario, request.n, ProfileFromName(profile)->layers, request.simulate_cache);
    if (!model.ok()) return model.status();
    Keep(*model, request.by_function, &r.model);
  }
  return absl::OkStatus();
}

}  // namespace

std::string ReferenceCase() { return std::string(ReferenceScenario()); }

std::string ListReferenceCase() {
  const std::vector<std::string> names = ScenariosIn(kSetCpythonListReference);
  return names.empty() ? ReferenceCase() : names.front();
}

absl::StatusOr<std::vector<std::string>> PlanCases(const Interpreter& python,
                                                   const std::vector<std::string>& named, bool strict,
                                                   std::vector<std::string>* skipped) {
  std::vector<std::string> cases;
  if (named.empty()) {
    for (const CaseInfo& c : python.cases) {
      if (c.in_default && python.CanRun(c)) cases.push_back(c.name);
    }
    return cases;
  }
  std::vector<std::string> numpy_cases;
  for (const std::string& name : named) {
    // The scenario table says which scenarios cases.py mirrors (its `cpython_case` column).
    absl::StatusOr<const Scenario*> scenario = ScenarioFromName(name);
    const CaseInfo* c = scenario.ok() && (*scenario)->cpython_case ? python.Case(name) : nullptr;
    if (c == nullptr) {
      std::vector<std::string> all;
      for (const CaseInfo& k : python.cases) all.push_back(k.name);
      return absl::InvalidArgumentError(
          absl::StrCat("'", name, "' has no real counterpart (cases: ", absl::StrJoin(all, ", "), ")"));
    }
    if (python.CanRun(*c)) {
      cases.push_back(name);
    } else {
      numpy_cases.push_back(name);
      skipped->push_back(absl::StrCat(name, ": needs numpy"));
    }
  }
  if (strict && !numpy_cases.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(absl::StrJoin(numpy_cases, ", "), " need", numpy_cases.size() == 1 ? "s" : "",
                     " numpy, which does not import in ", python.path, " (", python.numpy_error,
                     "); Debian's /usr/bin/python3 has it: ", kAptNumpy));
  }
  // Every ratio is taken to a reference case: add it when the named cases leave it out (as `explore` adds
  // sct_subscript), sct_subscript where numpy imports, sct_subscript_list where it does not.
  if (!cases.empty() && !absl::c_linear_search(cases, ReferenceCase()) &&
      !absl::c_linear_search(cases, ListReferenceCase())) {
    const CaseInfo* reference = python.Case(ReferenceCase());
    cases.push_back(reference != nullptr && python.CanRun(*reference) ? ReferenceCase()
                                                                      : ListReferenceCase());
  }
  return cases;
}

bool StableRounds(const std::vector<double>& rounds) {
  if (rounds.size() < 2) return true;
  return JudgeTimings({{"rounds", rounds}}, /*comparison=*/false, MachineState{}).stable;
}

std::vector<TimedSeries> SeriesOf(const std::vector<InterpreterRun>& runs) {
  std::vector<TimedSeries> series;
  for (const InterpreterRun& run : runs) {
    for (const CaseResult& r : run.results) {
      if (!r.cpython.rounds.empty()) {
        series.push_back({absl::StrCat(run.python.version, " ", r.scenario, " CPython"), r.cpython.rounds});
      }
      if (!r.model.rounds.empty()) {
        series.push_back({absl::StrCat(run.python.version, " ", r.scenario, " dispatchlab"), r.model.rounds});
      }
    }
  }
  return series;
}

std::string Verdict(const CaseResult& r, const InterpreterRun& run, Metric metric) {
  if (!r.model.measured) return "no profile";
  std::string verdict;
  if (r.scenario == run.reference) {
    verdict = "reference";
  } else if (!r.ratio_delta.has_value()) {
    verdict = "-";
  } else if (std::fabs(*r.ratio_delta) <= kRatioTolerance) {
    verdict = "agrees";
  } else {
    verdict = *r.ratio_delta > 0 ? "model higher" : "model lower";
  }
  if (metric == Metric::kTime && (!StableRounds(r.cpython.rounds) || !StableRounds(r.model.rounds))) {
    verdict += " (noisy)";
  }
  return verdict;
}

absl::StatusOr<InterpreterRun> Compare(const Interpreter& python, const std::vector<std::string>& cases,
                                       const CompareRequest& request) {
  InterpreterRun run;
  run.python = python;
  if (!request.profile.empty()) {
    run.profile = request.profile;
  } else if (absl::StatusOr<std::string> p = MatchingProfile(python); p.ok()) {
    run.profile = *p;
  } else {
    run.profile_note = std::string(p.status().message());
  }
  if (!run.profile.empty()) {
    run.model_binary = ModelBinaryFor(ProfileFromName(run.profile)->layers, request.model_binary);
  }
  for (const std::string& name : cases) {
    CaseResult r;
    r.scenario = name;
    if (const CaseInfo* c = python.Case(name)) r.statement = c->statement;
    run.results.push_back(std::move(r));
  }
  if (run.results.empty()) return run;
  run.reference = run.results.front().scenario;
  for (const std::string& reference : {ListReferenceCase(), ReferenceCase()}) {
    for (const CaseResult& r : run.results) {
      if (r.scenario == reference) run.reference = reference;
    }
  }
  absl::Status measured = request.metric == Metric::kTime
                              ? TimeRounds(python, run.profile, run.model_binary, request, &run.results)
                              : CountAll(python, run.profile, run.model_binary, request, &run.results);
  if (!measured.ok()) return measured;
  const CaseResult* ref = nullptr;
  for (const CaseResult& r : run.results) {
    if (r.scenario == run.reference) ref = &r;
  }
  for (CaseResult& r : run.results) {
    if (ref->cpython.value > 0) r.cpython.ratio = r.cpython.value / ref->cpython.value;
    if (r.model.measured && ref->model.value > 0) r.model.ratio = r.model.value / ref->model.value;
    if (r.model.measured && r.cpython.ratio > 0) r.ratio_delta = r.model.ratio / r.cpython.ratio - 1;
    r.verdict = Verdict(r, run, request.metric);
  }
  return run;
}

}  // namespace dispatchlab::cpython
