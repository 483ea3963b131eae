// `dispatchlab attribute SCENARIO`: attribute a scenario's overhead to its layers (waterfall,
// leave-one-out beside add-one-in, Shapley values, a 2^k r factorial design), measured in random
// interleaved order with repetitions and a stability verdict. The engine is experiments/attribution/;
// the guide is docs/attribution.md.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_ATTRIBUTE_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_ATTRIBUTE_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& AttributeCommandSpec();
// Exit status: kExitOk; kExitUsage for bad input (unknown scenario, layer, method, format, r < 2, ...);
// kExitFailure when measuring fails (e.g. no sampler for the metric).
int RunAttributeCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_ATTRIBUTE_H_
