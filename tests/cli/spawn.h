// Runs the dispatchlab binary (or any program) as a child process and collects what it printed, for the
// CLI tests: exit status, stdout, stderr, with a time limit so a command that fails to reject bad input
// cannot hang the suite. Also lists the files a run may leave behind (names with the project's prefix in
// /dev/shm and the temp directory, core/shm_names.h).
#ifndef DISPATCHLAB_TESTS_CLI_SPAWN_H_
#define DISPATCHLAB_TESTS_CLI_SPAWN_H_

#include <set>
#include <string>
#include <vector>

namespace dispatchlab::testing {

struct ChildResult {
  int exit_status = -1;  // the exit code, or 128 + signal when killed
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path) with stdin from /dev/null. Kills the child (its own pid only)
// after `timeout_seconds`.
ChildResult RunChild(const std::vector<std::string>& argv, int timeout_seconds = 60);

// The dispatchlab CLI under test with `args`.
ChildResult RunCli(const std::vector<std::string>& args, int timeout_seconds = 60);

// Entries of /dev/shm and of the temp directory ($TMPDIR or /tmp) whose names start with "dispatchlab-".
std::set<std::string> ProjectTempFiles();

// The number of newline-terminated lines in `text` (a last line without '\n' counts too).
int LineCount(const std::string& text);

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_CLI_SPAWN_H_
