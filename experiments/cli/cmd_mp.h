// `dispatchlab mp SCENARIO --workers=W --n=N`: W forked workers fill disjoint slices of one shared array;
// the parent checks every element (experiments/shm/mp_run.h).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_MP_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_MP_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& MpCommandSpec();
// Exit status: 0 when every element was right, 1 when some were wrong or a worker failed, 2 for bad input.
int RunMpCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_MP_H_
