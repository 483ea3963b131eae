// Command-line parsing for dispatchlab's subcommands.
//
// Each subcommand declares its flags in a CommandSpec (a table, so --help, the parser and the docs come
// from one place). Flags are written --name=value (or --name for a boolean); every flag may appear once;
// unknown flags, repeated flags and missing values are errors naming the flag. Bad input exits with
// status 2 (kExitUsage) and a one-line message on stderr.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_ARGS_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dispatchlab::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the run itself failed (a tool missing, an I/O error, ...)
inline constexpr int kExitUsage = 2;    // bad input: unknown name, bad number, conflicting flags, ...

struct FlagSpec {
  absl::string_view name;        // without the leading "--"
  absl::string_view value_name;  // e.g. "N"; empty for a boolean flag
  absl::string_view help;
  absl::string_view default_value;  // shown in --help; empty for none
};

struct CommandSpec {
  absl::string_view name;
  absl::string_view synopsis;     // e.g. "run [SCENARIO...] [--n=N]"
  absl::string_view description;  // one paragraph
  std::vector<FlagSpec> flags;
  absl::string_view positionals;  // e.g. "SCENARIO..."; empty when the command takes none
};

class ParsedArgs {
 public:
  const std::vector<std::string>& positionals() const { return positionals_; }
  bool Has(absl::string_view flag) const { return values_.contains(flag); }
  // The flag's value, or `fallback` when absent.
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const;

  std::vector<std::string> positionals_;
  absl::flat_hash_map<std::string, std::string> values_;
};

// Parses `args` (the words after the subcommand name). "--help" is reported as has_help.
absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec, const std::vector<std::string>& args);
std::string HelpText(const CommandSpec& spec);

// Value parsers shared by the commands; errors name the flag.
// An element count: a positive integer, also written 1e5 or 100000; at most 2^40.
absl::StatusOr<int64_t> ParseCount(absl::string_view flag, absl::string_view text);
// A comma-separated list of distinct counts (for --n=1e3,1e4 in sweeps); a repeated count is an error.
absl::StatusOr<std::vector<int64_t>> ParseCountList(absl::string_view flag, absl::string_view text);
// A positive integer (repetitions, workers, ...) in [min, max].
absl::StatusOr<int64_t> ParseIntInRange(absl::string_view flag, absl::string_view text, int64_t min,
                                        int64_t max);
// Numbers are plain decimals ("-12", "1e5", "0.05"): no spaces, '+', hex or "inf".
// A positive number at most `max` (every number flag has an upper bound, stated in its --help, so that no
// later conversion to an integer count of nanoseconds or iterations can overflow).
inline constexpr double kMaxSeconds = 3600;  // the bound of every duration flag (--min-time, --seconds, ...)
absl::StatusOr<double> ParsePositiveDouble(absl::string_view flag, absl::string_view text,
                                           double max = kMaxSeconds);
// One of `choices`.
absl::StatusOr<std::string> ParseChoice(absl::string_view flag, absl::string_view text,
                                        const std::vector<absl::string_view>& choices);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_ARGS_H_
