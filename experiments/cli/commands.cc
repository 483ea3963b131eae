#include "experiments/cli/commands.h"

#include <signal.h>

#include <iostream>
#include <new>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/counters.h"
#include "experiments/base/metadata.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/cli/cmd_alloc.h"
#include "experiments/cli/cmd_attribute.h"
#include "experiments/cli/cmd_counts.h"
#include "experiments/cli/cmd_cpython.h"
#include "experiments/cli/cmd_explore.h"
#include "experiments/cli/cmd_list.h"
#include "experiments/cli/cmd_mp.h"
#include "experiments/cli/cmd_perf.h"
#include "experiments/cli/cmd_profile.h"
#include "experiments/cli/cmd_report.h"
#include "experiments/cli/cmd_run.h"
#include "experiments/cli/cmd_sweep.h"
#include "experiments/cli/process_io.h"

namespace dispatchlab::cli {

// A row that dispatchlab-untagged leaves out: its layers are fixed, so it offers only the commands that run
// one layer set the caller names (run, list, and profile-child for the model side of `dispatchlab cpython`),
// and experiments/components.cmake builds only their sources for it. There the row is empty, and dropped.
#if DISPATCHLAB_TAGGED
#define DISPATCHLAB_TAGGED_ONLY(spec, run) \
  Command { spec, run }
#else
#define DISPATCHLAB_TAGGED_ONLY(spec, run) \
  Command {}
#endif

const std::vector<Command>& CommandTable() {
  static const std::vector<Command> table = [] {
    std::vector<Command> rows = {
        {RunCommandSpec, RunRunCommand},
        DISPATCHLAB_TAGGED_ONLY(CountsCommandSpec, RunCountsCommand),
        {ListCommandSpec, RunListCommand},
        DISPATCHLAB_TAGGED_ONLY(SweepCommandSpec, RunSweepCommand),
        DISPATCHLAB_TAGGED_ONLY(AttributeCommandSpec, RunAttributeCommand),
        DISPATCHLAB_TAGGED_ONLY(PerfCommandSpec, RunPerfCommand),
        DISPATCHLAB_TAGGED_ONLY(ProfileCommandSpec, RunProfileCommand),
        {ProfileChildCommandSpec, RunProfileChildCommand, /*hidden=*/true},  // valgrind runs it
        DISPATCHLAB_TAGGED_ONLY(ReportCommandSpec, RunReportCommand),
        DISPATCHLAB_TAGGED_ONLY(ExploreCommandSpec, RunExploreCommand),
        DISPATCHLAB_TAGGED_ONLY(MpCommandSpec, RunMpCommand),
        DISPATCHLAB_TAGGED_ONLY(AllocCommandSpec, RunAllocCommand),
        DISPATCHLAB_TAGGED_ONLY(CPythonCommandSpec, RunCPythonCommand),
    };
    std::erase_if(rows, [](const Command& c) { return c.spec == nullptr; });
    return rows;
  }();
  return table;
}
#undef DISPATCHLAB_TAGGED_ONLY

int UsageError(absl::string_view message) {
  std::cerr << "dispatchlab: " << EscapeForMessage(message) << "\n";
  return kExitUsage;
}

int Failure(absl::string_view message) {
  std::cerr << "dispatchlab: " << EscapeForMessage(message) << "\n";
  return kExitFailure;
}

int Interrupted(absl::string_view command) {
  const int sig = profiling::InterruptSignal();
  std::cerr << "dispatchlab: " << command << ": interrupted; temporary files removed" << std::endl;
  struct sigaction default_action = {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(sig, &default_action, nullptr);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, nullptr);
  raise(sig);
  return 128 + sig;
}

namespace {
void PrintUsage(std::ostream& out) {
  out << "usage: " << kThisBuildName
      << " COMMAND [ARGS...]\n\n"
         "An instrumented miniature of CPython's dispatch: time, count and attribute each layer of\n"
         "indirection between RawArray(c_int, numpy_array) and the buffer.\n\ncommands:\n";
  for (const Command& c : CommandTable()) {
    if (c.hidden) continue;
    out << absl::StrFormat("  %-10s %s\n", c.spec().name, c.spec().synopsis);
  }
  out << "\n'" << kThisBuildName << " COMMAND --help' explains one command; '" << kThisBuildName
      << " --version' names the build.\n"
         "docs/README.md is the guide.\n";
}
}  // namespace

namespace {
int Dispatch(int argc, char** argv) {
  if (argc < 2) return UsageError(absl::StrCat("no command given (see '", kThisBuildName, " --help')"));
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(std::cout);
    return kExitOk;
  }
  if (name == "--version") {
    if (argc > 2) return UsageError("--version takes no arguments");
    // The same git describe as the "version" of every JSON's metadata.
    std::cout << "dispatchlab " << DispatchlabVersion() << " (" << CompilerName() << ", "
              << (kCountingCompiledIn ? "counting compiled in" : "counting compiled out")
              << (kTaggedCompiledIn ? ""
                  : kImmortalInline ? ", untagged, immortal inline"
                                    : ", untagged")
              << ")\n";
    return kExitOk;
  }
  for (const Command& c : CommandTable()) {
    if (c.spec().name != name) continue;
    std::vector<std::string> words(argv + 2, argv + argc);
    absl::StatusOr<ParsedArgs> args = ParseArgs(c.spec(), words);
    if (!args.ok()) return UsageError(args.status().message());
    if (args->Has("help")) {
      std::cout << HelpText(c.spec());
      return kExitOk;
    }
    return c.run(*args);
  }
  if (!kTaggedCompiledIn) {
    return UsageError(
        absl::StrFormat("unknown command '%s' for %s, which runs only run, list and the model side of "
                        "'dispatchlab cpython' (its boxing and refcount layers are fixed): see "
                        "'%s --help', or use dispatchlab or dispatchlab-nocount for the other commands",
                        name, kThisBuildName, kThisBuildName));
  }
  return UsageError(absl::StrFormat("unknown command '%s' (see '%s --help')", name, kThisBuildName));
}
}  // namespace

// Every command runs inside the same frame: standard streams checked before and after (a write that
// failed is never exit 0), and memory exhaustion anywhere is one line and exit 1, not an abort.
int Main(int argc, char** argv) {
  if (!PrepareStandardStreams()) return kExitFailure;
  int status = kExitFailure;
  try {
    status = Dispatch(argc, argv);
  } catch (const std::bad_alloc&) {
    status = Failure("out of memory (a smaller --n, or a higher ulimit -v, may help)");
  }
  return FinishStandardStreams(status);
}

}  // namespace dispatchlab::cli
