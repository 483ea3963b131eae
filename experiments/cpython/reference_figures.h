// The CPython ratios measured elsewhere that dispatchlab prints beside its own, with where each came from
// (the figures are the scenario table's `cpython` column; their sources, reference_figures.def). Never
// presented as the reader's: every cell carries its source tag, and the footnote names the machine, the
// interpreter and the method.
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_REFERENCE_FIGURES_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_REFERENCE_FIGURES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace dispatchlab::cpython {

struct ReferenceSource {
  absl::string_view id, machine, interpreter, method, where;
};

struct ReferenceFigure {
  absl::string_view scenario;
  double ratio;  // time / the reference scenario's time
  const ReferenceSource* source;
};

// The figure quoted for `scenario`, or nullopt.
std::optional<ReferenceFigure> ReferenceRatio(absl::string_view scenario);

// "2.00x [xeon-3.11]", or "-".
std::string ReferenceRatioCell(absl::string_view scenario);

// One line per source used by `scenarios`: "[xeon-3.11] Intel Xeon VM, 2 vCPU; Debian 12 ...; minima of ...
// (docs/puzzle.md)".
std::vector<std::string> ReferenceFootnotes(const std::vector<absl::string_view>& scenarios);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_REFERENCE_FIGURES_H_
