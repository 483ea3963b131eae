// `dispatchlab counts`.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_COUNTS_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_COUNTS_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {
const CommandSpec& CountsCommandSpec();
int RunCountsCommand(const ParsedArgs& args);
}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_COUNTS_H_
