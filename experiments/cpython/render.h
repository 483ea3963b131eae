// What `dispatchlab cpython` prints: the side-by-side table (one block per interpreter, a summary when
// there are several, per-layer and per-function instruction tables with --by-function), and the JSON
// document (docs/cli.md has its schema).
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_RENDER_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_RENDER_H_

#include <string>
#include <utility>
#include <vector>

#include "experiments/base/json_fwd.h"
#include "experiments/cpython/compare.h"

namespace dispatchlab::cpython {

// An interpreter left out, and why ("Python 2.7.18: the cases need 3.6 or later").
using Skipped = std::pair<std::string, std::string>;

std::string ComparisonTable(const std::vector<InterpreterRun>& runs, const std::vector<Skipped>& skipped,
                            const CompareRequest& request);

// {"results":[...], "metadata":{...}} (docs/cli.md); `dispatchlab_metadata` is MetadataJson's object for
// the model's side, `stability` the time verdict over every series (StabilityToJson; time only).
std::string ComparisonJson(const std::vector<InterpreterRun>& runs, const std::vector<Skipped>& skipped,
                           const CompareRequest& request, const Json& dispatchlab_metadata,
                           const Json& stability);

// The layer name of a function on each side, or "" (CPython: core/layers.def's mirrors column;
// dispatchlab: its dispatchlab::layers::<layer>:: namespace).
std::string CPythonFunctionLayer(const std::string& function);
std::string ModelFunctionLayer(const std::string& function);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_RENDER_H_
