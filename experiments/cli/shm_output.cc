#include "experiments/cli/shm_output.h"

#include <algorithm>
#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

#ifndef DISPATCHLAB_BUILD_TYPE
#define DISPATCHLAB_BUILD_TYPE "unknown"
#endif
#ifndef DISPATCHLAB_CXX_FLAGS
#define DISPATCHLAB_CXX_FLAGS ""
#endif

namespace dispatchlab::cli {

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumbers(const std::vector<double>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) absl::StrAppend(&out, i ? ", " : "", absl::StrFormat("%.6g", values[i]));
  return out + "]";
}

std::string ShmMetadataJson(const std::vector<int64_t>& sizes, int repetitions) {
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string n = "[";
  for (size_t i = 0; i < sizes.size(); ++i) absl::StrAppend(&n, i ? ", " : "", sizes[i]);
  n += "]";
  // PENDING: experiments/metadata.h MetadataJson(...) (machine, compiler, profile, layers).
  return absl::StrCat("{\"date\": ", JsonQuote(date), ", \"build_type\": ", JsonQuote(DISPATCHLAB_BUILD_TYPE),
                      ", \"cxx_flags\": ", JsonQuote(DISPATCHLAB_CXX_FLAGS), ", \"n\": ", n,
                      ", \"repetitions\": ", repetitions, "}");
}

absl::StatusOr<std::vector<Backend>> ParseBackendList(absl::string_view flag, absl::string_view text) {
  std::vector<Backend> backends;
  for (absl::string_view item : absl::StrSplit(absl::string_view(text.data(), text.size()), ',')) {
    absl::StatusOr<Backend> backend = BackendFromName(item);
    if (!backend.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", std::string(flag), ": ", backend.status().message()));
    }
    if (std::find(backends.begin(), backends.end(), *backend) != backends.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--", std::string(flag), ": backend '",
                                                     std::string(item), "' given twice"));
    }
    backends.push_back(*backend);
  }
  return backends;
}

Spread SpreadOf(std::vector<double> values) {
  Spread spread;
  if (values.empty()) return spread;
  std::sort(values.begin(), values.end());
  size_t mid = values.size() / 2;
  spread.median = values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  spread.min = values.front();
  spread.max = values.back();
  return spread;
}

}  // namespace dispatchlab::cli
