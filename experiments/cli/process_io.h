// The process's standard streams, checked once for every subcommand (Main in commands.cc wraps each
// command in these): no command writes its output and then exits 0 when the write failed.
//
//  - PrepareStandardStreams, at start: SIGPIPE is ignored (a vanished reader of stdout or of a FIFO is
//    EPIPE, reported as an error, never a silent death by signal); a closed descriptor 0, 1 or 2 is
//    reopened on /dev/null so that no file the command opens lands on it; a closed stdout is an error.
//  - FinishStandardStreams, at exit: flushes std::cout and stdout and checks both (and stderr) for any
//    write error during the run; a failure turns the exit status into kExitFailure with one line.
//  - EscapeForMessage: control characters and invalid UTF-8 in an echoed argument become \n, \t, \xHH,
//    so every error stays one line and no escape sequence reaches the terminal.
#ifndef DISPATCHLAB_EXPERIMENTS_CLI_PROCESS_IO_H_
#define DISPATCHLAB_EXPERIMENTS_CLI_PROCESS_IO_H_

#include <string>

#include "absl/strings/string_view.h"

namespace dispatchlab::cli {

// Returns false (after printing one line on stderr) when stdout is closed: the command must not run.
bool PrepareStandardStreams();

// The exit status after the command returned `status`: `status`, or kExitFailure (with one line on
// stderr when it can still be written) when writing stdout or stderr failed.
int FinishStandardStreams(int status);

// `text` with C0/C1 control characters, DEL and bytes that are not UTF-8 written as escapes (\n, \r, \t,
// \\x1b ...); printable text, including non-ASCII UTF-8, is kept.
std::string EscapeForMessage(absl::string_view text);

}  // namespace dispatchlab::cli

#endif  // DISPATCHLAB_EXPERIMENTS_CLI_PROCESS_IO_H_
