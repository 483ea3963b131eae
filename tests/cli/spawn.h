// Runs the dispatchlab binary (or any program) as a child process and collects what it printed, for the
// CLI tests: exit status, stdout, stderr, with a time limit so a command that fails to reject bad input
// cannot hang the suite. Also lists the files a run may leave behind: /dev/shm entries named after the
// child's pid (core/shm_names.h) and a private TMPDIR.
#ifndef DISPATCHLAB_TESTS_CLI_SPAWN_H_
#define DISPATCHLAB_TESTS_CLI_SPAWN_H_

#include <set>
#include <string>
#include <vector>

namespace dispatchlab::testing {

struct ChildResult {
  int pid = -1;
  int exit_status = -1;  // the exit code, or 128 + signal when killed
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Where the child's stdout goes: a pipe (captured in `out`), /dev/full (every write fails with ENOSPC),
// or nowhere (descriptor 1 closed).
enum class Stdout { kPipe, kDevFull, kClosed };

// Runs `argv` (argv[0] is the program path) with stdin from /dev/null, and TMPDIR set to `tmpdir` when it
// is not empty. Kills the child (its own pid only) after `timeout_seconds`.
ChildResult RunChild(const std::vector<std::string>& argv, int timeout_seconds = 60,
                     const std::string& tmpdir = "", Stdout stdout_to = Stdout::kPipe);

// Whether this build (and so the CLI under test, built with the same flags) runs under AddressSanitizer
// (the asan-ubsan preset): valgrind cannot run such a binary.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// The dispatchlab CLI under test with `args`.
ChildResult RunCli(const std::vector<std::string>& args, int timeout_seconds = 60,
                   const std::string& tmpdir = "", Stdout stdout_to = Stdout::kPipe);

// The subcommand names `dispatchlab --help` lists under "commands:", in its order. Throws
// std::runtime_error (a failed test case) when --help fails or lists none.
std::vector<std::string> CommandNames();

// Entries of /dev/shm that process `pid` created (core/shm_names.h names them "dispatchlab-PID-...").
std::set<std::string> ShmFilesOf(int pid);
// Every entry of `dir` (without "." and "..").
std::set<std::string> EntriesOf(const std::string& dir);

// A fresh, private temporary directory, removed (when empty) at the end of the scope.
struct TempDir {
  TempDir();
  ~TempDir();
  std::string path;
};

// The number of newline-terminated lines in `text` (a last line without '\n' counts too).
int LineCount(const std::string& text);

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_CLI_SPAWN_H_
