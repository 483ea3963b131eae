// Small std::string_view text helpers for the profiling code.
//
// Debian's Abseil 20220623 is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW=0),
// so absl::StrCat, StrSplit, SimpleAtoi and the Strip* functions do not accept std::string_view. The
// profilers parse tool output with std::string_view throughout; these helpers keep that code free of
// conversions.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_TEXT_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_TEXT_H_

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace dispatchlab::profiling {

inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

namespace text_internal {
inline void Append(std::string& out, std::string_view s) { out.append(s); }
inline void Append(std::string& out, const char* s) { out.append(s); }
inline void Append(std::string& out, const std::string& s) { out.append(s); }
inline void Append(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
template <std::integral T>
void Append(std::string& out, T v) {
  out.append(std::to_string(v));
}
}  // namespace text_internal

// Concatenates strings (std::string_view, absl::string_view, std::string, const char*) and integers.
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (text_internal::Append(out, args), ...);
  return out;
}

std::string_view StripLeft(std::string_view s);
std::string_view StripRight(std::string_view s);
std::string_view Strip(std::string_view s);
// Splits on `sep`; with skip_empty, empty pieces are dropped.
std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty);
// Splits on runs of spaces and tabs (no empty pieces).
std::vector<std::string_view> SplitWords(std::string_view s);
// Whole-string decimal / hexadecimal (no prefix) numbers; nullopt on anything else.
std::optional<uint64_t> ParseUint64(std::string_view s);
std::optional<int64_t> ParseInt64(std::string_view s);
std::optional<uint64_t> ParseHex(std::string_view s);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_TEXT_H_
