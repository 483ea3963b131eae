// Rendering the side by side (see render.h).
#include "experiments/cpython/render.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/layers.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cpython/mirrors.h"
#include "experiments/profiling/symbol_layers.h"

namespace dispatchlab::cpython {
namespace {

constexpr size_t kTopFunctions = 10;
constexpr char kOtherFunctions[] = "(other functions)";

bool IsTime(const CompareRequest& r) { return r.metric == Metric::kTime; }

std::string Value(const Side& side, bool time) {
  if (!side.measured) return "-";
  return time ? absl::StrFormat("%.2f", side.value) : absl::StrFormat("%.0f", side.value);
}

std::string Ratio(const Side& side) { return side.measured ? absl::StrFormat("%.2fx", side.ratio) : "-"; }

std::string Delta(const CaseResult& r) {
  return r.ratio_delta.has_value() ? absl::StrFormat("%+.0f%%", 100 * *r.ratio_delta) : "-";
}

// A model symbol as a reader would write it: without the dispatchlab:: prefix and the parameter list.
std::string ModelDisplayName(std::string s) {
  if (s.rfind("dispatchlab::", 0) == 0) s = s.substr(13);
  const size_t anon = s.find("(anonymous namespace)");
  const size_t from = anon == std::string::npos ? 0 : anon + 21;
  if (size_t paren = s.find('(', from); paren != std::string::npos) s.resize(paren);
  return s;
}

std::string Shorten(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width - 3) + "...";
  return s;
}

// The file name of the build the model side ran in (dispatchlab-untagged, -immortal or -nocount).
std::string ModelBinaryName(const InterpreterRun& run) {
  return run.model_binary.substr(run.model_binary.rfind('/') + 1);
}

// The caches callgrind simulated under --cache-sim (the first measured side's; every side runs under the
// same valgrind on the same machine), or none.
std::vector<std::string> SimulatedCaches(const std::vector<InterpreterRun>& runs) {
  for (const InterpreterRun& run : runs) {
    for (const CaseResult& r : run.results) {
      for (const Side* side : {&r.cpython, &r.model}) {
        if (!side->simulated_caches.empty()) return side->simulated_caches;
      }
    }
  }
  return {};
}

std::string Header(const InterpreterRun& run) {
  std::string numpy = run.python.numpy.has_value() ? absl::StrCat("numpy ", *run.python.numpy) : "no numpy";
  std::string model = run.profile.empty() ? absl::StrCat("dispatchlab: ", run.profile_note)
                                          : absl::StrCat(ModelBinaryName(run), ", profile ", run.profile);
  return absl::StrCat("CPython ", run.python.Label(), ", ", numpy, "  |  ", model, "\n");
}

// Per layer: the sum of the functions' marginal self costs; functions of no layer under kOtherFunctions.
std::map<std::string, double> ByLayer(const std::vector<FunctionCost>& functions,
                                      std::string (*layer_of)(const std::string&)) {
  std::map<std::string, double> out;
  for (const FunctionCost& f : functions) {
    const std::string layer = layer_of(f.function);
    out[layer.empty() ? kOtherFunctions : layer] += f.per_element;
  }
  return out;
}

// The calls per element and the rows of event_counts.def that either side has ("-" where one lacks it).
void CountRows(const CaseResult& r, std::string* out) {
  auto calls = [](const Side& side) {
    return side.measured ? absl::StrFormat("%.1f", side.calls_per_element) : "-";
  };
  absl::StrAppend(
      out, absl::StrFormat("  %-20s %10s %12s\n", "calls per element", calls(r.cpython), calls(r.model)));
  for (const EventCountInfo& row : EventCountTable()) {
    const size_t i = static_cast<size_t>(row.id);
    if (!r.cpython.events[i].has_value() && !r.model.events[i].has_value()) continue;
    auto cell = [i](const Side& side) {
      return side.measured && side.events[i].has_value() ? absl::StrFormat("%.1f", *side.events[i]) : "-";
    };
    absl::StrAppend(out, absl::StrFormat("  %-20s %10s %12s\n", row.label, cell(r.cpython), cell(r.model)));
  }
}

void ByFunctionTables(const CaseResult& r, std::string* out) {
  const auto real = ByLayer(r.cpython.functions, CPythonFunctionLayer);
  const auto model = ByLayer(r.model.functions, ModelFunctionLayer);
  absl::StrAppend(out, "\n", r.scenario,
                  ": instructions per element by layer (self cost of the functions each layer names)\n");
  absl::StrAppend(out, absl::StrFormat("  %-20s %10s %12s\n", "layer", "CPython", "dispatchlab"));
  auto cell = [](const std::map<std::string, double>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? std::string("-") : absl::StrFormat("%.0f", it->second);
  };
  for (const LayerInfo& info : LayerTable()) {
    const std::string name(info.name);
    if (!real.contains(name) && !model.contains(name)) continue;
    absl::StrAppend(out, absl::StrFormat("  %-20s %10s %12s\n", name, cell(real, name), cell(model, name)));
  }
  absl::StrAppend(out, absl::StrFormat("  %-20s %10s %12s\n", kOtherFunctions, cell(real, kOtherFunctions),
                                       cell(model, kOtherFunctions)));
  absl::StrAppend(out, absl::StrFormat("  %-20s %10s %12s\n", "total (marginal)", Value(r.cpython, false),
                                       Value(r.model, false)));
  CountRows(r, out);
  absl::StrAppend(out,
                  absl::StrFormat("top functions (self Ir per element):\n  %-40s %7s %-14s | %-44s %7s %s\n",
                                  "CPython", "Ir/el", "layer", "dispatchlab", "Ir/el", "layer"));
  const size_t rows = std::min(kTopFunctions, std::max(r.cpython.functions.size(), r.model.functions.size()));
  for (size_t i = 0; i < rows; ++i) {
    std::string left = absl::StrFormat("%-40s %7s %-14s", "", "", "");
    std::string right;
    if (i < r.cpython.functions.size()) {
      const FunctionCost& f = r.cpython.functions[i];
      left = absl::StrFormat("%-40s %7.1f %-14s", Shorten(f.function, 40), f.per_element,
                             CPythonFunctionLayer(f.function));
    }
    if (i < r.model.functions.size()) {
      const FunctionCost& f = r.model.functions[i];
      right = absl::StrFormat("%-44s %7.1f %s", Shorten(ModelDisplayName(f.function), 44), f.per_element,
                              ModelFunctionLayer(f.function));
    }
    absl::StrAppend(out, "  ", left, " | ", right, "\n");
  }
}

void Block(const InterpreterRun& run, const CompareRequest& request, std::string* out) {
  const bool time = IsTime(request);
  absl::StrAppend(out, Header(run));
  if (run.results.empty()) {
    absl::StrAppend(out, "  no case to run here\n");
  } else {
    const std::string unit = time ? "ns/el" : "Ir/el";
    const std::string ref = absl::StrCat("/", run.reference == ReferenceCase() ? "subscr" : "subscr_list");
    const std::vector<std::string> head = {absl::StrCat("CPython ", unit), absl::StrCat("dispatchlab ", unit),
                                           absl::StrCat("CPython ", ref), absl::StrCat("dispatchlab ", ref)};
    auto row = [&](const std::string& scenario, const std::vector<std::string>& cells,
                   const std::string& delta, const std::string& verdict) {
      std::string line = absl::StrFormat("%-20s", scenario);
      for (size_t i = 0; i < cells.size(); ++i) {
        absl::StrAppend(&line, absl::StrFormat(" %*s", static_cast<int>(head[i].size()), cells[i]));
      }
      absl::StrAppend(out, line, absl::StrFormat(" %7s  %s\n", delta, verdict));
    };
    row("scenario", head, "delta", "verdict");
    for (const CaseResult& r : run.results) {
      row(r.scenario, {Value(r.cpython, time), Value(r.model, time), Ratio(r.cpython), Ratio(r.model)},
          Delta(r), r.verdict);
    }
  }
  for (const std::string& s : run.skipped) absl::StrAppend(out, "  skipped ", s, "\n");
  if (request.by_function) {
    for (const CaseResult& r : run.results) ByFunctionTables(r, out);
  } else if (request.simulate_cache) {
    for (const CaseResult& r : run.results) {
      absl::StrAppend(out, "\n", r.scenario, ": per element\n",
                      absl::StrFormat("  %-20s %10s %12s\n", "count", "CPython", "dispatchlab"));
      CountRows(r, out);
    }
  }
  absl::StrAppend(out, "\n");
}

void Summary(const std::vector<InterpreterRun>& runs, const CompareRequest& request, std::string* out) {
  std::vector<std::string> cases;
  for (const InterpreterRun& run : runs) {
    for (const CaseResult& r : run.results) {
      if (std::find(cases.begin(), cases.end(), r.scenario) == cases.end()) cases.push_back(r.scenario);
    }
  }
  absl::StrAppend(out, "summary, ", IsTime(request) ? "ns" : "instructions",
                  " per element, CPython / dispatchlab:\n", absl::StrFormat("%-28s", "interpreter"));
  for (const std::string& c : cases) absl::StrAppend(out, absl::StrFormat(" %22s", c));
  absl::StrAppend(out, "\n");
  for (const InterpreterRun& run : runs) {
    absl::StrAppend(out, absl::StrFormat("%-28s", run.python.ShortLabel()));
    for (const std::string& c : cases) {
      std::string cell = "-";
      for (const CaseResult& r : run.results) {
        if (r.scenario == c) {
          cell = absl::StrCat(Value(r.cpython, IsTime(request)), " / ", Value(r.model, IsTime(request)));
        }
      }
      absl::StrAppend(out, absl::StrFormat(" %22s", cell));
    }
    absl::StrAppend(out, "\n");
  }
}

Json SideJson(const Side& side, bool time, std::string (*layer_of)(const std::string&)) {
  if (!side.measured) return nullptr;
  Json j = Json::object();
  if (time) {
    j["ns_per_element"] = side.value;
    j["median_ns_per_element"] = side.median;
    j["rounds_ns_per_element"] = side.rounds;
    j["peak_rss_kb"] = side.peak_rss_kb;
  } else {
    j["instructions_per_element"] = side.value;
    j["calls_per_element"] = side.calls_per_element;
    for (const EventCountInfo& row : EventCountTable()) {
      const std::optional<double>& v = side.events[static_cast<size_t>(row.id)];
      j[std::string(row.key)] = v.has_value() ? Json(*v) : Json(nullptr);
    }
  }
  j["ratio"] = side.ratio;
  if (!time && !side.functions.empty()) {
    Json functions = Json::array();
    for (const FunctionCost& f : side.functions) {
      const std::string layer = layer_of(f.function);
      functions.push_back({{"function", f.function},
                           {"per_element", f.per_element},
                           {"layer", layer.empty() ? Json(nullptr) : Json(layer)}});
    }
    j["functions"] = std::move(functions);
  }
  return j;
}

// The rule of docs/faithfulness.md (round 11): hold each build of CPython against the model built the same
// way. Debian's python3.11 is an LTO and PGO build, pyenv's are plain; the line says when the table holds a
// model build of the other kind.
void BuildNote(const std::vector<InterpreterRun>& runs, std::string* out) {
  const bool model_lto = absl::StrContains(BuildType(), "LTO");
  bool debian = false, other = false;
  for (const InterpreterRun& run : runs) {
    if (run.profile.empty()) continue;
    (run.python.path == kDebianPython ? debian : other) = true;
  }
  if (debian && !model_lto) {
    absl::StrAppend(out, "build: ", kDebianPython,
                    " is built with LTO and PGO and this model build is not; scripts/build_like_debian.sh "
                    "builds one that is (docs/faithfulness.md, round 11).\n");
  }
  if (other && model_lto) {
    absl::StrAppend(
        out,
        "build: this model build uses LTO; pyenv's interpreters are plain builds, which the release build "
        "matches (docs/faithfulness.md, round 11).\n");
  }
}

}  // namespace

std::string CPythonFunctionLayer(const std::string& function) {
  std::optional<Layer> layer = LayerOfCPythonFunction(function);
  return layer.has_value() ? std::string(InfoOf(*layer).name) : "";
}

std::string ModelFunctionLayer(const std::string& function) {
  profiling::SymbolLayer s = profiling::LayerOfSymbol(function);
  if (s.layer.has_value()) return std::string(InfoOf(*s.layer).name);
  // A function of the C library or the dynamic linker the model calls as CPython does (`__tls_get_addr`
  // for thread_state) gets the layer the mirrors column gives it on the CPython side.
  if (function.find("dispatchlab::") == std::string::npos) return CPythonFunctionLayer(function);
  return "";
}

std::string ComparisonTable(const std::vector<InterpreterRun>& runs, const std::vector<Skipped>& skipped,
                            const CompareRequest& request) {
  std::string out =
      IsTime(request)
          ? absl::StrFormat(
                "dispatchlab cpython: time, n = %d, minima of %d interleaved rounds (order rotated each "
                "round)\n\n",
                request.n, request.rounds)
          : absl::StrFormat(
                "dispatchlab cpython: instructions, n = %d, callgrind marginal (Ir[3 calls] - Ir[1 call]) "
                "/ 2 / n, PYTHONHASHSEED=0\n\n",
                request.n);
  for (const InterpreterRun& run : runs) Block(run, request, &out);
  for (const auto& [python, why] : skipped) absl::StrAppend(&out, "skipped ", python, ": ", why, "\n");
  if (!skipped.empty()) absl::StrAppend(&out, "\n");
  if (runs.size() > 1) Summary(runs, request, &out);
  absl::StrAppend(&out,
                  "ratios: to the reference case on the same side (/subscr: sct_subscript; /subscr_list: "
                  "sct_subscript_list where there is no numpy);\ndelta: dispatchlab's ratio against "
                  "CPython's; verdict: agrees within ",
                  absl::StrFormat("%.0f%%", 100 * kRatioTolerance),
                  IsTime(request)
                      ? "; noisy when a side's rounds are not steady (experiments/base/stability.h).\n"
                      : "; instructions are exact, the same on any machine with the same packages.\n");
  BuildNote(runs, &out);
  if (const std::vector<std::string> caches = SimulatedCaches(runs); !caches.empty()) {
    absl::StrAppend(&out, "caches simulated (callgrind --cache-sim=yes, no prefetcher): ",
                    absl::StrJoin(caches, "; "), "\n");
  }
  absl::StrAppend(&out, "machine: ", MetadataLine(), "\n");
  return out;
}

std::string ComparisonJson(const std::vector<InterpreterRun>& runs, const std::vector<Skipped>& skipped,
                           const CompareRequest& request, const Json& dispatchlab_metadata,
                           const Json& stability) {
  const bool time = IsTime(request);
  auto optional = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  Json results = Json::array();
  for (const InterpreterRun& run : runs) {
    for (const CaseResult& r : run.results) {
      Json j = Json::object();
      j["scenario"] = r.scenario;
      j["statement"] = r.statement;
      j["python"] = run.python.path;
      j["version"] = run.python.version;
      j["profile"] = optional(run.profile);
      j["reference"] = run.reference;
      j["cpython"] = SideJson(r.cpython, time, CPythonFunctionLayer);
      j["dispatchlab"] = SideJson(r.model, time, ModelFunctionLayer);
      j["ratio_delta"] = r.ratio_delta.has_value() ? Json(*r.ratio_delta) : Json(nullptr);
      j["verdict"] = r.verdict;
      results.push_back(std::move(j));
    }
  }
  Json interpreters = Json::array();
  for (const InterpreterRun& run : runs) {
    Json j = Json::object();
    j["python"] = run.python.path;
    j["implementation"] = run.python.implementation;
    j["version"] = run.python.version;
    j["numpy"] = run.python.numpy.has_value() ? Json(*run.python.numpy) : Json(nullptr);
    j["ctypes"] = run.python.ctypes_file;
    j["machine"] = run.python.machine;
    j["profile"] = optional(run.profile);
    j["profile_note"] = optional(run.profile_note);
    j["model_binary"] = optional(ModelBinaryName(run));
    j["skipped"] = run.skipped;
    interpreters.push_back(std::move(j));
  }
  Json left_out = Json::array();
  for (const auto& [python, why] : skipped) left_out.push_back({{"python", python}, {"reason", why}});
  Json meta = Json::object();
  meta["metric"] = time ? "time" : "instructions";
  meta["unit"] = time ? "ns per element" : "instructions per element";
  meta["method"] =
      time ? "minimum over interleaved rounds, order rotated each round, one process per side and case"
           : "callgrind marginal: (Ir[3 calls] - Ir[1 call]) / 2 / n";
  meta["n"] = request.n;
  meta["rounds"] = time ? request.rounds : 1;
  if (time) meta["min_time"] = request.min_time;
  meta["ratio_tolerance"] = kRatioTolerance;
  Json env = Json::object();
  for (const auto& [k, v] : request.env) env[k] = v;
  meta["python_env"] = std::move(env);
  meta["machine"] = CpuModel();
  meta["interpreters"] = std::move(interpreters);
  meta["skipped_interpreters"] = std::move(left_out);
  if (time) meta["stability"] = stability;
  meta["simulated_caches"] = SimulatedCaches(runs);  // empty without --cache-sim
  meta["dispatchlab"] = dispatchlab_metadata;
  Json doc = Json::object();
  doc["results"] = std::move(results);
  doc["metadata"] = std::move(meta);
  return DumpJson(doc) + "\n";
}

}  // namespace dispatchlab::cpython
