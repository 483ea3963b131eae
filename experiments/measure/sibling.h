// Running the other build of dispatchlab (the counting compiled in or out) on the same experiment, so a
// run can report timings both ways side by side (started by profiling::RunAndCapture, the one way a child
// process is started: experiments/base/subprocess.h).
#ifndef DISPATCHLAB_EXPERIMENTS_SIBLING_H_
#define DISPATCHLAB_EXPERIMENTS_SIBLING_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dispatchlab {

// The path of the sibling binary next to this one: dispatchlab-nocount from dispatchlab and back.
absl::StatusOr<std::string> SiblingBinary();

// From Google Benchmark JSON (parsed strictly, experiments/base/json.h): per benchmark run name, the
// ns_per_element of every repetition (the "iteration" entries). InvalidArgument when the text is not JSON
// or not Google Benchmark's shape.
absl::StatusOr<std::map<std::string, std::vector<double>>> NsPerElementByRun(
    const std::string& benchmark_json);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_SIBLING_H_
