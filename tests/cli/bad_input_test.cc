// The CLI's bad-input matrix (issue 8): every kind of bad input is rejected with exit status 2, one line
// on stderr starting "dispatchlab: " that names the problem, nothing on stdout, no output file, and no
// shared-memory or temporary file left behind. The matrix is generated from each subcommand's own --help
// (which flags it takes), so a new subcommand is covered by the generic rows as soon as it is in the table.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

struct BadInput {
  std::vector<std::string> args;
  std::string mentions;  // the message must contain this (what was wrong)
};

std::string BaseOutPath();

// Checks one bad input; `out_file` (if any) must not exist afterwards. The child gets a private TMPDIR,
// which must be empty afterwards, and must leave no /dev/shm file named after its pid.
void ExpectRejected(const BadInput& bad, const std::string& out_file = "") {
  TempDir tmp;
  REQUIRE(!tmp.path.empty());
  const ChildResult r = RunCli(bad.args, 30, tmp.path);
  INFO("dispatchlab " << absl::StrJoin(bad.args, " ") << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(LineCount(r.err) == 1);
  CHECK(absl::StartsWith(r.err, "dispatchlab: "));
  CHECK(absl::StrContains(r.err, bad.mentions));
  CHECK(EntriesOf(tmp.path).empty());
  CHECK(ShmFilesOf(r.pid).empty());
  if (!out_file.empty()) CHECK(access(out_file.c_str(), F_OK) != 0);
  CHECK(access(BaseOutPath().c_str(), F_OK) != 0);
}

std::string HelpOf(const std::string& command) {
  const ChildResult help = RunCli({command, "--help"});
  REQUIRE(help.exit_status == 0);
  return help.out;
}

// The value given to a required output flag (--out=DIR) in a valid base line: a path in the temp directory
// that no rejected command may create.
std::string BaseOutPath() {
  const char* tmp = std::getenv("TMPDIR");
  return absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp", "/dl-cli-base-out-", getpid());
}

// The usage line of a command's help ("usage: dispatchlab NAME ...").
std::string Synopsis(const std::string& help) { return help.substr(0, help.find('\n')); }

// A command line that is valid but for what a row adds: the command, a scenario when the command
// requires one (a positional outside brackets), and every required flag (outside brackets) with its
// last listed value ("--tool=perf|callgrind" -> "--tool=callgrind").
std::vector<std::string> ValidBase(const std::string& command, bool with_scenario = true) {
  const std::string synopsis = Synopsis(HelpOf(command));
  std::vector<std::string> args{command};
  int depth = 0;
  for (absl::string_view word : absl::StrSplit(synopsis, ' ', absl::SkipEmpty())) {
    const bool outside = depth == 0 && word[0] != '[';
    for (char c : word) depth += c == '[' ? 1 : c == ']' ? -1 : 0;
    if (!outside) continue;
    if (absl::StartsWith(word, "SCENARIO") && with_scenario) args.push_back("sct_init");
    if (absl::StartsWith(word, "--") && absl::StrContains(word, "=")) {
      const size_t eq = word.find('=');
      const size_t bar = word.rfind('|');
      absl::string_view value = bar == absl::string_view::npos ? word.substr(eq + 1) : word.substr(bar + 1);
      const std::string out_path = BaseOutPath();
      if (value == "DIR" || value == "FILE") value = out_path;  // a required output: never created
      args.push_back(absl::StrCat(word.substr(0, eq + 1), value));
    }
  }
  return args;
}

// ValidBase plus `extra`.
std::vector<std::string> With(const std::string& command, std::vector<std::string> extra,
                              bool with_scenario = true) {
  std::vector<std::string> args;
  for (const std::string& base : ValidBase(command, with_scenario)) {
    const std::string name = base.substr(0, base.find('=') + 1);  // "--out=" (or the whole word)
    const bool overridden = absl::StartsWith(name, "--") && absl::EndsWith(name, "=") &&
                            std::any_of(extra.begin(), extra.end(),
                                        [&](const std::string& e) { return absl::StartsWith(e, name); });
    if (!overridden) args.push_back(base);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_CASE("the CLI rejects an unknown or missing command with one line", "[cli]") {
  ExpectRejected({{"frobnicate"}, "unknown command 'frobnicate'"});
  ExpectRejected({{"--frobnicate"}, "unknown command '--frobnicate'"});
  ExpectRejected({{}, "no command"});
  REQUIRE(CommandNames().size() >= 3);
}

TEST_CASE("every subcommand rejects malformed flags", "[cli]") {
  for (const std::string& cmd : CommandNames()) {
    const std::string help = HelpOf(cmd);
    ExpectRejected({With(cmd, {"--no-such-flag"}), "unknown flag '--no-such-flag'"});
    ExpectRejected({With(cmd, {"-x"}), "unknown option '-x'"});
    if (absl::StrContains(help, "--format=")) {
      ExpectRejected({With(cmd, {"--format=xml"}), "--format=xml"});
      ExpectRejected({With(cmd, {"--format=json", "--format=json"}), "given twice"});
      ExpectRejected({With(cmd, {"--format"}), "needs a value"});
      ExpectRejected({With(cmd, {"--format="}), "needs a value"});
    }
    if (!absl::StrContains(Synopsis(help), "SCENARIO")) {
      ExpectRejected({With(cmd, {"stray"}), "unexpected argument 'stray'"});
    }
  }
}

TEST_CASE("every subcommand with --n rejects a bad element count", "[cli]") {
  for (const std::string& cmd : CommandNames()) {
    if (!absl::StrContains(HelpOf(cmd), "--n=")) continue;
    ExpectRejected({With(cmd, {"--n=0"}), "--n=0: must be a positive"});
    ExpectRejected({With(cmd, {"--n=-5"}), "--n=-5: must be a positive"});
    ExpectRejected({With(cmd, {"--n=abc"}), "--n=abc: not a number"});
    ExpectRejected({With(cmd, {"--n=1e5x"}), "not a number"});
    ExpectRejected({With(cmd, {"--n=2.5"}), "whole number"});
    ExpectRejected({With(cmd, {"--n=nan"}), "not a number"});
    ExpectRejected({With(cmd, {"--n=1e30"}), "too large"});                 // n * itemsize overflows
    ExpectRejected({With(cmd, {"--n=9223372036854775807"}), "too large"});  // INT64_MAX
    ExpectRejected({With(cmd, {"--n=99999999999999999999"}), "--n="});      // beyond int64
    ExpectRejected({With(cmd, {"--n=1e12"}), "MB"});                        // more than this machine's memory
    ExpectRejected({With(cmd, {"--n=10", "--n=10"}), "given twice"});
    ExpectRejected({With(cmd, {"--n"}), "needs a value"});
  }
}

TEST_CASE("every subcommand rejects unknown names", "[cli]") {
  for (const std::string& cmd : CommandNames()) {
    const std::string help = HelpOf(cmd);
    if (absl::StrContains(Synopsis(help), "SCENARIO")) {
      ExpectRejected({With(cmd, {"no_such_scenario"}, false), "no_such_scenario"});
    }
    if (absl::StrContains(Synopsis(help), "SCENARIO...")) {
      ExpectRejected({With(cmd, {"sct_init", "sct_init"}, false), "given twice"});
    }
    if (absl::StrContains(help, "--profile=")) {
      ExpectRejected({With(cmd, {"--profile=cpython27"}), "cpython27"});
    }
    if (absl::StrContains(help, "--layers=")) {
      ExpectRejected({With(cmd, {"--layers=no_such_layer"}), "no_such_layer"});
      ExpectRejected({With(cmd, {"--layers=+no_such_layer"}), "no_such_layer"});
      ExpectRejected({With(cmd, {"--layers=boxing,boxing"}), "boxing"});
    }
    if (absl::StrContains(help, "--backend=")) {
      ExpectRejected({With(cmd, {"--backend=nosuch"}), "nosuch"});
      // --tempdir conflicts with a backend that is not file: the default of every command but alloc, whose
      // default list names file.
      ExpectRejected({With(cmd, cmd == "alloc" ? std::vector<std::string>{"--backend=anon", "--tempdir=/tmp"}
                                               : std::vector<std::string>{"--tempdir=/tmp"}),
                      "--tempdir"});
      ExpectRejected({With(cmd, {"--backend=file", "--tempdir=/no/such/dir"}), "/no/such/dir"});
    }
    if (absl::StrContains(help, "--method=")) ExpectRejected({With(cmd, {"--method=nosuch"}), "nosuch"});
    if (absl::StrContains(help, "--repetitions=")) {
      ExpectRejected({With(cmd, {"--repetitions=0"}), "--repetitions=0"});
      ExpectRejected({With(cmd, {"--repetitions=-1"}), "--repetitions=-1"});
      ExpectRejected({With(cmd, {"--repetitions=many"}), "--repetitions=many"});
      // The number forms --n takes, held to the same rules: a whole number, within the range.
      ExpectRejected({With(cmd, {"--repetitions=2.5"}), "--repetitions=2.5: not a whole number"});
      ExpectRejected({With(cmd, {"--repetitions=1e300"}), "--repetitions=1e300: must be between"});
    }
  }
}

TEST_CASE("every subcommand with an output rejects an unwritable path and writes nothing", "[cli]") {
  for (const std::string& cmd : CommandNames()) {
    const std::string help = HelpOf(cmd);
    std::string flag;
    bool is_dir = false;
    for (const char* name : {"--out=", "--output="}) {
      const size_t at = help.find(name);
      if (at == std::string::npos) continue;
      flag = name;
      is_dir = help.compare(at + flag.size(), 3, "DIR") == 0;
    }
    if (flag.empty()) continue;
    TempDir dir;
    REQUIRE(!dir.path.empty());
    if (is_dir) {
      const std::string file = dir.path + "/a-file";
      { std::ofstream(file) << "x"; }
      ExpectRejected({With(cmd, {flag + file}), file});  // not a directory
      unlink(file.c_str());
    } else {
      ExpectRejected({With(cmd, {flag + dir.path}), dir.path});  // a directory
    }
    ExpectRejected({With(cmd, {flag + "/no/such/dir/out"}), "/no/such/dir"});
    // A folder that takes no new file even for root (access() says yes there): refused before the run.
    ExpectRejected({With(cmd, {flag + "/proc/dispatchlab-out"}), "/proc/dispatchlab-out"});
    const std::string target = dir.path + "/out";
    ExpectRejected({With(cmd, {flag + target, "--no-such-flag"}), "--no-such-flag"}, target);
    if (absl::StrContains(help, "--n="))
      ExpectRejected({With(cmd, {flag + target, "--n=0"}), "--n=0"}, target);
  }
}

TEST_CASE("run rejects conflicting and out-of-range settings", "[cli]") {
  ExpectRejected({{"run", "--suite=seed", "sct_init"}, "conflict"});
  ExpectRejected({{"run", "--suite=nosuch"}, "nosuch"});
  ExpectRejected({{"run", "--min-time=0"}, "--min-time=0"});
  ExpectRejected({{"run", "--min-time=abc"}, "--min-time=abc"});
  ExpectRejected({{"run", "--no-interleave=1"}, "takes no value"});
  ExpectRejected({{"run", "--no-interleave", "--no-interleave"}, "given twice"});
}

}  // namespace
}  // namespace dispatchlab::testing
