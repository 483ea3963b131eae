// The dispatchlab command line (subcommands: experiments/cli/commands.cc).
#include "experiments/cli/commands.h"

int main(int argc, char** argv) { return dispatchlab::cli::Main(argc, argv); }
