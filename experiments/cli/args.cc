#include "experiments/cli/args.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/layers.h"

namespace dispatchlab::cli {

std::string ParsedArgs::Get(absl::string_view flag, absl::string_view fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::string(fallback) : it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec, const std::vector<std::string>& args) {
  ParsedArgs out;
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      out.values_["help"] = "";
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      if (!arg.empty() && arg[0] == '-' && arg.size() > 1) {
        return absl::InvalidArgumentError(absl::StrCat(spec.name, ": unknown option '", arg, "'"));
      }
      if (spec.positionals.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(spec.name, ": unexpected argument '", arg, "' (this command takes none)"));
      }
      out.positionals_.push_back(arg);
      continue;
    }
    absl::string_view body(arg);
    body.remove_prefix(2);
    absl::string_view name = body;
    std::optional<absl::string_view> value;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
    }
    const FlagSpec* flag = nullptr;
    for (const FlagSpec& f : spec.flags) {
      if (f.name == name) flag = &f;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": unknown flag '--", name,
                                                     "' (see 'dispatchlab ", spec.name, " --help')"));
    }
    if (out.values_.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat(spec.name, ": flag '--", name, "' given twice"));
    }
    if (flag->value_name.empty()) {
      if (value.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(spec.name, ": flag '--", name, "' takes no value"));
      }
      out.values_[std::string(name)] = "true";
    } else {
      if (!value.has_value() || value->empty()) {
        return absl::InvalidArgumentError(absl::StrCat(spec.name, ": flag '--", name, "' needs a value (--",
                                                       name, "=", flag->value_name, ")"));
      }
      out.values_[std::string(name)] = std::string(*value);
    }
  }
  return out;
}

std::string HelpText(const CommandSpec& spec) {
  std::string text =
      absl::StrCat("usage: ", kThisBuildName, " ", spec.synopsis, "\n\n", spec.description, "\n");
  if (!spec.flags.empty()) {
    absl::StrAppend(&text, "\nflags:\n");
    for (const FlagSpec& f : spec.flags) {
      std::string left = absl::StrCat("  --", f.name);
      if (!f.value_name.empty()) absl::StrAppend(&left, "=", f.value_name);
      if (left.size() < 26)
        left.resize(26, ' ');
      else
        absl::StrAppend(&left, "\n", std::string(26, ' '));
      absl::StrAppend(&text, left, f.help);
      if (!f.default_value.empty()) absl::StrAppend(&text, " (default: ", f.default_value, ")");
      absl::StrAppend(&text, "\n");
    }
  }
  return text;
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The only number syntax the flags accept: an optional '-', decimal digits, an optional fraction and an
// optional exponent (1e5, 0.05, 2.5E-3). absl's parsers alone would also take " 5", "+5", "0x10" (a hex
// float) and "inf"; a flag value that is not written as a plain decimal is refused.
bool IsPlainDecimal(absl::string_view text) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  size_t digits = 0;
  while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && IsDigit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    size_t exponent_digits = 0;
    while (i < text.size() && IsDigit(text[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == text.size();
}

// The value of a plain decimal with an optional exponent (IsPlainDecimal), or nullopt for anything else or
// a value beyond double's range. Every whole number a flag takes (at most 2^53) is exact in a double.
std::optional<double> DecimalValue(absl::string_view text) {
  double d = 0;
  if (!IsPlainDecimal(text) || !absl::SimpleAtod(text, &d) || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

absl::StatusOr<int64_t> ParseCount(absl::string_view flag, absl::string_view text) {
  constexpr int64_t kMax = int64_t{1} << 40;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", text, ": ", why));
  };
  const std::optional<double> d = DecimalValue(text);
  if (!d.has_value()) return bad("not a number");
  if (*d <= 0) return bad("must be a positive number of elements");
  if (*d > static_cast<double>(kMax)) return bad("too large (at most 2^40)");
  if (*d != std::floor(*d)) return bad("must be a whole number");
  return static_cast<int64_t>(*d);
}

absl::StatusOr<std::vector<int64_t>> ParseCountList(absl::string_view flag, absl::string_view text) {
  std::vector<int64_t> out;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    absl::StatusOr<int64_t> n = ParseCount(flag, item);
    if (!n.ok()) return n.status();
    if (std::find(out.begin(), out.end(), *n) != out.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", text, ": ", *n, " given twice"));
    }
    out.push_back(*n);
  }
  return out;
}

absl::StatusOr<int64_t> ParseIntInRange(absl::string_view flag, absl::string_view text, int64_t min,
                                        int64_t max) {
  // The number forms --n takes (10, 1e1, 1.0e1), as long as the value is whole.
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", text, ": ", why));
  };
  const std::optional<double> d = DecimalValue(text);
  if (!d.has_value()) return bad("not a whole number");
  if (*d < static_cast<double>(min) || *d > static_cast<double>(max)) {
    return bad(absl::StrCat("must be between ", min, " and ", max));
  }
  if (*d != std::floor(*d)) return bad("not a whole number");
  return static_cast<int64_t>(*d);
}

absl::StatusOr<double> ParsePositiveDouble(absl::string_view flag, absl::string_view text, double max) {
  const std::optional<double> d = DecimalValue(text);
  if (!d.has_value() || *d <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", text, ": must be a positive number"));
  }
  if (*d > max) return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", text, ": at most ", max));
  return *d;
}

absl::StatusOr<std::string> ParseChoice(absl::string_view flag, absl::string_view text,
                                        const std::vector<absl::string_view>& choices) {
  for (absl::string_view c : choices) {
    if (c == text) return std::string(text);
  }
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", text, ": unknown value (choose from ",
                                                 absl::StrJoin(choices, ", "), ")"));
}

}  // namespace dispatchlab::cli
