// `dispatchlab report`: the seed suite, a per-layer attribution and a sweep, measured on this machine and
// written as Markdown, HTML and SVG pictures (experiments/report/, docs/report.md).
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_CMD_REPORT_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_CMD_REPORT_H_

#include "experiments/cli/args.h"

namespace dispatchlab::cli {

const CommandSpec& ReportCommandSpec();
int RunReportCommand(const ParsedArgs& args);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_CMD_REPORT_H_
