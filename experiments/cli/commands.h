// The subcommand table of the dispatchlab CLI. Each subcommand lives in its own file
// (experiments/cli/cmd_<name>.cc) and adds one row to the table in commands.cc; dispatchlab-untagged has
// only the rows not marked DISPATCHLAB_TAGGED_ONLY there.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_COMMANDS_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

struct Command {
  const CommandSpec& (*spec)() = nullptr;
  // Runs the command on parsed arguments; returns the process exit status (kExitOk, kExitUsage, ...).
  // Bad input is reported on stderr as one line: "dispatchlab: <what was wrong>".
  int (*run)(const ParsedArgs& args) = nullptr;
  bool hidden = false;  // internal commands (run by the tool itself) are left out of the usage text
};

const std::vector<Command>& CommandTable();

// Entry point used by main(): dispatches argv to a subcommand, inside one frame every command shares:
// the standard streams are checked before and after (experiments/cli/process_io.h: a failed write of
// the output is exit 1 with one line, never a silent 0), and std::bad_alloc is one line and exit 1.
int Main(int argc, char** argv);

// Prints "dispatchlab: <message>" on stderr and returns kExitUsage.
int UsageError(absl::string_view message);
// Prints "dispatchlab: <message>" on stderr and returns kExitFailure.
int Failure(absl::string_view message);
// The end of `command` stopped by SIGINT, SIGTERM or SIGHUP (profiling::InterruptSignal()), once its
// children are stopped and its temporary files removed: one line on stderr, then the process dies of the
// same signal with its default action, so that a calling shell or loop stops as it does for any program
// killed by Ctrl-C (`run`, `sweep`, `mp` and `alloc` die the same way, from core/shm_names.cc's handler).
// Returns 128+signal only where the signal cannot end the process.
int Interrupted(absl::string_view command);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_COMMANDS_H_
