// Parser for `perf script` call-stack output (see perf_script.h).
#include "experiments/profiling/perf_script.h"

#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "experiments/base/text.h"

namespace dispatchlab::profiling {
namespace {

bool IsHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The event of a header line: the token that ends with ':' after the leading fields, e.g.
// "dispatchlab  4184     250000 cpu-clock: " -> "cpu-clock". Modifiers (cpu-clock:pppH:) are dropped.
std::string HeaderEvent(std::string_view line) {
  std::string_view body = StripRight(line);
  if (!body.empty() && body.back() == ':') body.remove_suffix(1);
  size_t space = body.find_last_of(" \t");
  std::string_view last = space == std::string_view::npos ? body : body.substr(space + 1);
  size_t colon = last.find(':');
  if (colon != std::string_view::npos) last = last.substr(0, colon);
  return std::string(last);
}

}  // namespace

std::string_view PerfFrameSymbol(std::string_view line) {
  std::string_view s = StripLeft(line);
  size_t i = 0;
  while (i < s.size() && IsHexDigit(s[i])) ++i;
  if (i == 0 || i >= s.size() || (s[i] != ' ' && s[i] != '\t')) return {};
  s = Strip(s.substr(i));
  // Drop " (dso)" at the end: the dso is the last parenthesised group preceded by a space.
  if (!s.empty() && s.back() == ')') {
    size_t open = s.rfind(" (");
    if (open != std::string_view::npos) s = StripRight(s.substr(0, open));
  }
  // Drop "+0x1f" (symoff).
  size_t plus = s.rfind("+0x");
  if (plus != std::string_view::npos && plus > 0) {
    bool hex_tail = true;
    for (size_t k = plus + 3; k < s.size(); ++k) hex_tail = hex_tail && IsHexDigit(s[k]);
    if (hex_tail && plus + 3 < s.size()) s = s.substr(0, plus);
  }
  return s;
}

absl::StatusOr<PerfSamples> ParsePerfScript(std::istream& in) {
  PerfSamples out;
  StackAttributor attributor;
  std::vector<std::string> frames;
  bool in_sample = false;
  int64_t line_number = 0;
  auto flush = [&] {
    if (!in_sample) return;
    std::vector<std::string_view> views(frames.begin(), frames.end());
    attributor.Charge(views, 1);
    ++out.sample_count;
    frames.clear();
    in_sample = false;
  };
  std::string line;
  while (std::getline(in, line)) {
    ++line_number;
    if (Strip(line).empty()) {
      flush();
      continue;
    }
    const bool indented = line[0] == ' ' || line[0] == '\t';
    if (!indented) {
      flush();
      in_sample = true;
      if (out.event.empty()) out.event = HeaderEvent(line);
      continue;
    }
    if (!in_sample) {
      return absl::InvalidArgumentError(
          Cat("perf script output, line ", line_number, ": a stack frame before any sample header"));
    }
    std::string_view symbol = PerfFrameSymbol(line);
    if (!symbol.empty()) frames.emplace_back(symbol);
  }
  flush();
  out.samples = attributor.tally();
  return out;
}

absl::StatusOr<PerfSamples> ParsePerfScript(std::string_view text) {
  std::istringstream in{std::string(text)};
  return ParsePerfScript(in);
}

}  // namespace dispatchlab::profiling
