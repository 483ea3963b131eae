// `dispatchlab list`.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_LIST_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_LIST_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {
const CommandSpec& ListCommandSpec();
int RunListCommand(const ParsedArgs& args);
}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_LIST_H_
