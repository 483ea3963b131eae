// Running a child process (perf, valgrind, a Python interpreter, the sibling build of dispatchlab) and
// waiting for it, interruptibly: the one way dispatchlab starts a program.
//
// The child's stdout and stderr go to files (so a chatty tool cannot fill a pipe and stall), its
// environment is ours plus `extra_env`. It gets SIGKILL when this process dies (PR_SET_PDEATHSIG). While
// waiting, a SIGINT/SIGTERM recorded by scratch_dir.h stops the child (SIGTERM, then SIGKILL after a grace
// period) and the call returns Cancelled.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_SUBPROCESS_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_SUBPROCESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dispatchlab::profiling {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::pair<std::string, std::string>> extra_env;
  std::string stdout_path = "/dev/null";
  std::string stderr_path = "/dev/null";
  // When >= 0, the child's stdout / stderr is this descriptor of ours instead of the path (it stays open).
  int stdout_fd = -1;
  int stderr_fd = -1;
  // When > 0, a child still running after this many seconds is stopped (as on an interrupt) and the call
  // fails with DeadlineExceeded; for a child that should answer at once, such as an interpreter's probe.
  double timeout_seconds = 0;
};

struct ProcessResult {
  int exit_code = -1;      // when the child exited
  int term_signal = 0;     // when a signal killed it
  int64_t max_rss_kb = 0;  // the child's peak resident set (getrusage's ru_maxrss, kilobytes)
  bool ok() const { return term_signal == 0 && exit_code == 0; }
  std::string Describe() const;  // "exit status 1" / "killed by signal 9"
};

// Runs the child to completion. Fails with NotFound when argv[0] cannot be executed, Cancelled when
// interrupted, DeadlineExceeded past spec.timeout_seconds (the child is stopped first).
absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec);

// Runs `argv` to completion and returns its standard output (held in an anonymous memory file, so nothing
// is left on disk whatever happens); its stderr is ours. Fails with Internal "<argv[0]> failed with exit
// status N" / "<argv[0]> was killed by signal N (name)" / "cannot start <argv[0]>", Cancelled as RunProcess.
absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& argv);

// The full path of `program` found in PATH, or nullopt.
std::optional<std::string> FindInPath(const std::string& program);

// This executable (readlink /proc/self/exe).
absl::StatusOr<std::string> SelfExecutable();

// The contents of a (small) text file, e.g. a child's captured stderr; empty when unreadable.
std::string ReadTextFile(const std::string& path);

// The last non-empty line of `text`, for error messages.
std::string LastLine(const std::string& text);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_SUBPROCESS_H_
