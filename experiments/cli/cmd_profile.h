// `dispatchlab profile SCENARIO --tool=perf|callgrind`: runs the profiler on the scenario and maps the
// profile back to layers (share of samples, or instructions per element). Also the hidden
// `dispatchlab profile-child`, the process the profilers run (one measured region per layer set).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_PROFILE_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_PROFILE_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& ProfileCommandSpec();
int RunProfileCommand(const ParsedArgs& args);

// Hidden: not for people. `profile-child SCENARIO --n=N --configs=0xBITS,... --iterations=K --warmup=W`
// runs each layer set (a LayerSet bitmask) in its own measured region labelled "config <i>".
const CommandSpec& ProfileChildCommandSpec();
int RunProfileChildCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_PROFILE_H_
