// The quoted CPython figures (see reference_figures.h; the sources are reference_figures.def, the
// figures the scenario table's `cpython` column).
#include "experiments/cpython/reference_figures.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::cpython {
namespace {

const std::vector<ReferenceSource>& Sources() {
  static const std::vector<ReferenceSource> sources = {
#define DISPATCHLAB_CPYTHON_SOURCE(id, machine, interpreter, method, where) \
  {id, machine, interpreter, method, where},
#include "experiments/cpython/reference_figures.def"
  };
  return sources;
}

const ReferenceSource* SourceOf(absl::string_view id) {
  for (const ReferenceSource& s : Sources()) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

// The scenario table's `cpython` column, in table order.
const std::vector<ReferenceFigure>& Figures() {
  static const std::vector<ReferenceFigure> figures = [] {
    std::vector<ReferenceFigure> out;
    for (const Scenario& s : ScenarioTable()) {
      if (s.cpython.ratio > 0) out.push_back({s.name, s.cpython.ratio, SourceOf(s.cpython.source)});
    }
    return out;
  }();
  return figures;
}

}  // namespace

std::optional<ReferenceFigure> ReferenceRatio(absl::string_view scenario) {
  for (const ReferenceFigure& f : Figures()) {
    if (f.scenario == scenario && f.source != nullptr) return f;
  }
  return std::nullopt;
}

std::string ReferenceRatioCell(absl::string_view scenario) {
  std::optional<ReferenceFigure> f = ReferenceRatio(scenario);
  if (!f.has_value()) return "-";
  return absl::StrFormat(f->ratio < 0.1 ? "%.3gx [%s]" : "%.2fx [%s]", f->ratio, f->source->id);
}

std::vector<std::string> ReferenceFootnotes(const std::vector<absl::string_view>& scenarios) {
  std::vector<const ReferenceSource*> used;
  for (absl::string_view s : scenarios) {
    std::optional<ReferenceFigure> f = ReferenceRatio(s);
    if (f.has_value() && std::find(used.begin(), used.end(), f->source) == used.end())
      used.push_back(f->source);
  }
  std::vector<std::string> lines;
  for (const ReferenceSource* s : used) {
    lines.push_back(absl::StrCat("[", s->id, "] ", s->machine, "; ", s->interpreter, "; ", s->method, " (",
                                 s->where, ")"));
  }
  return lines;
}

}  // namespace dispatchlab::cpython
