// The real interpreters `dispatchlab cpython` runs: probing one (version, numpy, _ctypes, the cases it can
// run), finding every one on the machine, and matching each to the dispatchlab profile of its version.
//
// Everything is asked of the interpreter itself through experiments/cpython/cases.py (`info`, `list`), run
// as `PYTHON -c <the script> ...` with the environment of the command plus --python-env.
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_INTERPRETER_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_INTERPRETER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace dispatchlab::cpython {

// Debian's interpreter: the default --python, the only one with numpy on the machine image.
inline constexpr char kDebianPython[] = "/usr/bin/python3";
// The one-line fixes the errors quote.
inline constexpr char kAptPython[] = "apt-get install -y python3 python3-numpy";
inline constexpr char kAptNumpy[] = "apt-get install -y python3-numpy";

using Env = std::vector<std::pair<std::string, std::string>>;

// One case of cases.py (`cases.py list`).
struct CaseInfo {
  std::string name;  // equals a scenario of experiments/scenarios/scenarios.cc
  bool needs_numpy = false;
  std::string statement;
  bool in_default = false;  // run when no scenario is named
};

struct Interpreter {
  std::string path;
  std::string implementation;  // "CPython"
  std::string version;         // "3.11.2"
  int major = 0, minor = 0;
  std::optional<std::string> numpy;  // numpy.__version__ when numpy imports
  std::string numpy_error;           // why it does not
  std::string ctypes_file;           // _ctypes.__file__
  std::string machine;               // platform.machine()
  std::string real_executable;       // sys.executable with symlinks resolved: one interpreter, one entry
  std::vector<CaseInfo> cases;

  // "3.11.2 (/usr/bin/python3)".
  std::string Label() const;
  // "3.13.0 (pyenv)" for pyenv's, else Label().
  std::string ShortLabel() const;
  const CaseInfo* Case(const std::string& name) const;
  bool CanRun(const CaseInfo& c) const { return !c.needs_numpy || numpy.has_value(); }
};

// Runs cases.py with `args` on `python` and returns what it printed on stdout. The error names the
// interpreter and quotes the last line of its stderr. With `timeout_seconds` > 0 a run that takes longer
// is stopped and fails (the probe's questions: a program that never answers is not an interpreter).
absl::StatusOr<std::string> RunCasesScript(const std::string& python, const std::vector<std::string>& args,
                                           const Env& env, const std::vector<std::string>& wrapper = {},
                                           double timeout_seconds = 0);

// How long the probe waits for `cases.py info` and `cases.py list` (an import of numpy and ctypes, well
// under a second on a warm machine).
inline constexpr double kProbeTimeoutSeconds = 60;

// Asks `path` what it is. NotFound when there is no such executable (for Debian's path: with the apt line),
// FailedPrecondition when it is not a Python interpreter, is Python 2, or has no working ctypes; each a
// one-line message naming what is missing.
absl::StatusOr<Interpreter> ProbeInterpreter(const std::string& path, const Env& env);

// Every interpreter to try for --python=all, in order, without duplicates (same real file): Debian's,
// pyenv's (~/.pyenv/versions/*/bin/python3, or bin/python for 2.x), then python3 and python3.N on PATH
// (except pyenv's shims, launchers of the interpreters of ~/.pyenv/versions).
// A launcher (pyenv's shims) may still lead to an interpreter found before: compare real_executable.
std::vector<std::string> DiscoverInterpreters();

// The profile matching the interpreter's version ("cpython311" for 3.11), or NotFound naming the version
// when dispatchlab has no profile for it.
absl::StatusOr<std::string> MatchingProfile(const Interpreter& interpreter);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_INTERPRETER_H_
