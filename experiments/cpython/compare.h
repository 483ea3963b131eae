// The side by side of `dispatchlab cpython`: the same cases on a real interpreter and on the model, the
// ratios of each side to a reference case, and how far the model's ratio is from the real one.
//
// Time: `rounds` rounds; in each, every (side, case) runs once, in its own process, in an order rotated by
// one each round, so machine noise (other processes, frequency changes) hits both sides alike. A side's
// figure is the minimum over rounds (the least disturbed run), with the median beside it.
// Instructions: one marginal count per (side, case) (marginal.h); deterministic, the same on any machine
// with the same packages.
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_COMPARE_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_COMPARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/base/progress.h"
#include "experiments/base/stability.h"
#include "experiments/cpython/interpreter.h"
#include "experiments/cpython/marginal.h"

namespace dispatchlab::cpython {

enum class Metric { kTime, kInstructions };

// A model ratio within this relative distance of the real one "agrees" (the goal the project set itself).
inline constexpr double kRatioTolerance = 0.15;
// The case ratios are taken to, when it is among the cases (the scenario table's reference); otherwise the
// list source's (the table's kSetCpythonListReference), then the first.
std::string ReferenceCase();
std::string ListReferenceCase();

struct CompareRequest {
  Metric metric = Metric::kTime;
  int64_t n = 100000;
  int rounds = 10;               // time
  double min_time = 0.05;        // time: seconds of calls per process
  std::string profile;           // forced profile; empty = the one matching each interpreter's version
  Env env;                       // --python-env, for the real side
  bool by_function = false;      // instructions: keep the per-function costs
  bool simulate_cache = false;   // instructions: callgrind's cache simulation too (--cache-sim)
  std::string model_binary;      // dispatchlab-nocount (the untagged build beside it is used where it runs)
  Progress* progress = nullptr;  // one step per measurement (experiments/base/progress.h)
};

struct Side {
  bool measured = false;
  double value = 0;   // time: minimum over rounds (ns/element); instructions: the marginal (Ir/element)
  double median = 0;  // time: median over rounds; instructions: = value
  std::vector<double> rounds;                 // time: one figure per round
  double ratio = 0;                           // value / the reference case's value on the same side
  int64_t peak_rss_kb = 0;                    // time: the largest peak resident set of the side's processes
  std::vector<FunctionCost> functions;        // instructions with by_function
  double calls_per_element = 0;               // instructions: the marginal calls per element
  EventCounts events;                         // instructions: event_counts.def's rows (marginal.h)
  std::vector<std::string> simulated_caches;  // instructions with --cache-sim: the caches callgrind simulated
};

struct CaseResult {
  std::string scenario;
  std::string statement;  // the Python that ran
  Side cpython, model;
  std::optional<double> ratio_delta;  // model ratio / real ratio - 1
  std::string verdict;
};

struct InterpreterRun {
  Interpreter python;
  std::string profile;       // the model's profile; empty when there is none for this version
  std::string profile_note;  // why there is none
  std::string model_binary;  // the build the model side ran in (ModelBinaryFor); empty without a profile
  std::string reference;     // the case ratios are taken to
  std::vector<std::string> skipped;  // "sct_init: needs numpy (...)"
  std::vector<CaseResult> results;
};

// The cases to run on `python`: `named` (scenario names) or, when empty, the default cases it can run. A
// named case without a real counterpart is InvalidArgument; a named numpy case on an interpreter without
// numpy is FailedPrecondition when `strict` (one --python), otherwise it is listed in `skipped`. The
// reference case is added when the named ones leave it out (ReferenceCase where numpy imports, else
// ListReferenceCase).
absl::StatusOr<std::vector<std::string>> PlanCases(const Interpreter& python,
                                                   const std::vector<std::string>& named, bool strict,
                                                   std::vector<std::string>* skipped);

// Runs the side by side for one interpreter.
absl::StatusOr<InterpreterRun> Compare(const Interpreter& python, const std::vector<std::string>& cases,
                                       const CompareRequest& request);

// Whether a side's rounds are steady enough to compare: experiments/base/stability.h's verdict on the samples
// alone (cv, min and max against the median; the machine's load is judged once for the whole run).
bool StableRounds(const std::vector<double>& rounds);

// One series per measured side and case ("3.11.2 sct_init CPython"), for the run's stability verdict.
std::vector<TimedSeries> SeriesOf(const std::vector<InterpreterRun>& runs);

// The verdict for a case: "reference", "no profile", "agrees", "model higher", "model lower", with
// " (noisy)" when a time side is not StableRounds.
std::string Verdict(const CaseResult& result, const InterpreterRun& run, Metric metric);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_COMPARE_H_
