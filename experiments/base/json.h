// JSON for every document the CLI writes or reads: nlohmann-json (Debian's nlohmann-json3-dev), with keys
// kept in insertion order so that an output reads in the order docs/cli.md lists its keys.
// Writing: build a `Json` value and print `DumpJson(value)`. Reading (Google Benchmark's JSON from the
// sibling build, tests): `ParseJson`, strict RFC 8259 with UTF-8 strings.
#ifndef DISPATCHLAB_EXPERIMENTS_JSON_H_
#define DISPATCHLAB_EXPERIMENTS_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "experiments/base/json_fwd.h"

// Our tables hold absl::string_view (Abseil 20220623 does not alias std::string_view): let them be JSON
// strings directly.
#if !defined(ABSL_USES_STD_STRING_VIEW)
namespace nlohmann {
template <>
struct adl_serializer<absl::string_view> {
  template <typename BasicJsonType>
  static void to_json(BasicJsonType& j, absl::string_view s) {
    j = std::string(s.data(), s.size());
  }
};
}  // namespace nlohmann
#endif

namespace dispatchlab {

// The text of `value`: compact on one line when `indent` < 0, else indented by `indent` spaces. Bytes that
// are not UTF-8 inside strings become U+FFFD (the output is always valid UTF-8); NaN and infinities are
// written as null. Never throws.
std::string DumpJson(const Json& value, int indent = -1);

// Parses `text` strictly: one JSON value and nothing after it but whitespace, strings in valid UTF-8.
// InvalidArgument with the parser's message (byte position) otherwise.
absl::StatusOr<Json> ParseJson(absl::string_view text);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_JSON_H_
