#include "experiments/cli/shm_output.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace dispatchlab::cli {

absl::StatusOr<std::vector<Backend>> ParseBackendList(absl::string_view flag, absl::string_view text) {
  std::vector<Backend> backends;
  for (absl::string_view item : absl::StrSplit(absl::string_view(text.data(), text.size()), ',')) {
    absl::StatusOr<Backend> backend = BackendFromName(item);
    if (!backend.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", std::string(flag), ": ", backend.status().message()));
    }
    if (std::find(backends.begin(), backends.end(), *backend) != backends.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", std::string(flag), ": backend '", std::string(item), "' given twice"));
    }
    backends.push_back(*backend);
  }
  return backends;
}

}  // namespace dispatchlab::cli
