// std::string_view text helpers (see text.h).
#include "experiments/base/text.h"

#include <charconv>

namespace dispatchlab::profiling {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

template <typename T>
std::optional<T> ParseWhole(std::string_view s, int base) {
  T value{};
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view StripLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view StripRight(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view Strip(std::string_view s) { return StripRight(StripLeft(s)); }

std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = s.find(sep);
    std::string_view piece = s.substr(0, at);
    if (!skip_empty || !piece.empty()) out.push_back(piece);
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t begin = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > begin) out.push_back(s.substr(begin, i - begin));
  }
  return out;
}

std::optional<uint64_t> ParseUint64(std::string_view s) { return ParseWhole<uint64_t>(s, 10); }
std::optional<int64_t> ParseInt64(std::string_view s) { return ParseWhole<int64_t>(s, 10); }
std::optional<uint64_t> ParseHex(std::string_view s) { return ParseWhole<uint64_t>(s, 16); }

}  // namespace dispatchlab::profiling
