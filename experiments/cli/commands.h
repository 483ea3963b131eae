// The subcommand table of the dispatchlab CLI. Each subcommand lives in its own file
// (experiments/cli/cmd_<name>.cc) and adds one row to the table in commands.cc.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_COMMANDS_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

struct Command {
  const CommandSpec& (*spec)();
  // Runs the command on parsed arguments; returns the process exit status (kExitOk, kExitUsage, ...).
  // Bad input is reported on stderr as one line: "dispatchlab: <what was wrong>".
  int (*run)(const ParsedArgs& args);
  bool hidden = false;  // internal commands (run by the tool itself) are left out of the usage text
};

const std::vector<Command>& CommandTable();

// Entry point used by main(): dispatches argv to a subcommand.
int Main(int argc, char** argv);

// Prints "dispatchlab: <message>" on stderr and returns kExitUsage.
int UsageError(absl::string_view message);
// Prints "dispatchlab: <message>" on stderr and returns kExitFailure.
int Failure(absl::string_view message);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_COMMANDS_H_
