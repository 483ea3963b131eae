// `dispatchlab explore`: writes the explorable page, DIR/explore.html, with every configuration of the
// chosen layers timed and counted (experiments/explore/, docs/explore.md), and its data, DIR/explore.json.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_EXPLORE_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_EXPLORE_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& ExploreCommandSpec();
int RunExploreCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_EXPLORE_H_
