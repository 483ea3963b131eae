// `dispatchlab perf SCENARIO`: runs a scenario in a steady hot loop for a fixed time, inside a region
// that `perf record --delay=-1 --control=fifo:CTL,ACK` records alone (experiments/profiling/region.h).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_PERF_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_PERF_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& PerfCommandSpec();
int RunPerfCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_PERF_H_
