// `dispatchlab alloc`: what RawArray(c_int, n)'s memory costs per backend (experiments/shm/alloc_bench.h).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_ALLOC_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_ALLOC_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& AllocCommandSpec();
// Exit status: 0 when every benchmark ran, 1 when one failed (its row carries the error, e.g. ENOSPC),
// 2 for bad input.
int RunAllocCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_ALLOC_H_
