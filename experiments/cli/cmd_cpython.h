// `dispatchlab cpython`: the same cases on the reader's real interpreters and on the model, side by side
// (experiments/cpython/, docs/faithfulness.md).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_CPYTHON_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_CPYTHON_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {
const CommandSpec& CPythonCommandSpec();
int RunCPythonCommand(const ParsedArgs& args);
}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_CPYTHON_H_
