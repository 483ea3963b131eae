// `dispatchlab run`: times scenarios through Google Benchmark.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_RUN_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_RUN_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {
const CommandSpec& RunCommandSpec();
int RunRunCommand(const ParsedArgs& args);
}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_RUN_H_
