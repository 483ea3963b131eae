// Helpers shared by the `alloc` and `mp` subcommands: backend lists (and the spread of samples,
// experiments/base/stats.h).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_SHM_OUTPUT_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_SHM_OUTPUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/shared_heap.h"
#include "experiments/base/stats.h"

namespace dispatchlab::cli {

// --backend=anon,shm,... : every name checked, none twice. Errors name the flag.
absl::StatusOr<std::vector<Backend>> ParseBackendList(absl::string_view flag, absl::string_view text);
using stats::Spread;
using stats::SpreadOf;

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_SHM_OUTPUT_H_
