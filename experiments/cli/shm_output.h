// Output helpers shared by the `alloc` and `mp` subcommands: JSON string quoting, number lists, and the
// metadata object every JSON output carries.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_SHM_OUTPUT_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_SHM_OUTPUT_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "core/shared_heap.h"

namespace dispatchlab::cli {

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);
// [1.5, 2, ...] with enough digits to round-trip.
std::string JsonNumbers(const std::vector<double>& values);
// The "metadata" object. PENDING: replace the body with experiments/metadata.h MetadataJson(...) when it
// lands on main; until then it carries date, build type, compiler flags, n and repetitions.
std::string ShmMetadataJson(const std::vector<int64_t>& sizes, int repetitions);

// --backend=anon,shm,... (every name checked) and --tempdir, into heap options for each backend.
absl::StatusOr<std::vector<Backend>> ParseBackendList(absl::string_view flag, absl::string_view text);
// The median, min and max of `values` (not empty).
struct Spread {
  double median = 0, min = 0, max = 0;
};
Spread SpreadOf(std::vector<double> values);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_SHM_OUTPUT_H_
