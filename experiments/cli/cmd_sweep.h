// `dispatchlab sweep`: cost per element against n.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_SWEEP_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_SWEEP_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {
const CommandSpec& SweepCommandSpec();
int RunSweepCommand(const ParsedArgs& args);
}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_SWEEP_H_
