// Every subcommand, run for real (issue 16): each with each of its --format values runs cleanly and its
// output parses (under the asan-ubsan preset this is the end-to-end sanitizer pass: any ASan, LSan or
// UBSan report fails it); each reports a failed write of its output (stdout on /dev/full, stdout closed)
// as one line and a non-zero exit, never a silent 0 or a signal; error lines stay one line whatever the
// arguments hold; memory limits (ulimit -v) are refused up front or reported in one line.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

// A quick, valid run of each subcommand (small n, one repetition, short times). A command missing here
// (one added later) is still covered through its --help, which goes through the same output checks.
std::vector<std::string> QuickRun(const std::string& command, const std::string& out_dir) {
  static const std::map<std::string, std::vector<std::string>> runs = {
      {"run", {"sct_init", "sct_subscript", "--n=1000", "--repetitions=2", "--min-time=0.001"}},
      {"counts", {"sct_init", "sct_subscript", "--n=100"}},
      {"list", {}},
      {"sweep", {"sct_init", "--n=100,1000", "--repetitions=2", "--min-time=0.001"}},
      {"attribute",
       {"sct_init", "--layers=boxing,call", "--n=1000", "--repetitions=2", "--sample-time=0.001", "--quiet"}},
      {"perf", {"sct_init", "--seconds=0.05", "--n=1000", "--quiet"}},
      {"profile", {"sct_init", "--tool=callgrind", "--n=100"}},
      {"report", {"--quick", "--n=1000", "--repetitions=1", "--min-time=0.001"}},
      {"mp", {"sct_init", "--workers=1,2", "--n=1000", "--repetitions=1"}},
      {"alloc", {"--n=1e4", "--repetitions=1", "--min-time=0.001", "--backend=anon,private"}},
      {"cpython", {"sct_init_list", "sct_subscript_list", "--n=1000", "--rounds=2", "--min-time=0.001"}},
  };
  auto it = runs.find(command);
  if (it == runs.end()) return {command, "--help"};
  std::vector<std::string> args{command};
  args.insert(args.end(), it->second.begin(), it->second.end());
  if (command == "report") args.push_back(absl::StrCat("--out=", out_dir, "/report"));
  return args;
}

// The values of a command's --format flag, from its --help ("table, json or csv"); empty without one.
std::vector<std::string> Formats(const std::string& command) {
  const ChildResult help = RunCli({command, "--help"});
  REQUIRE(help.exit_status == 0);
  for (absl::string_view line : absl::StrSplit(help.out, '\n')) {
    line = absl::StripLeadingAsciiWhitespace(line);
    if (!absl::StartsWith(line, "--format=")) continue;
    std::string text(line.substr(line.find(' ')));
    text = text.substr(0, text.find('('));
    std::vector<std::string> formats;
    for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" ,"), absl::SkipEmpty())) {
      if (word != "or") formats.emplace_back(word);
    }
    return formats;
  }
  return {};
}

// A sanitizer or UBSan report anywhere in what the child printed.
bool HasSanitizerReport(const std::string& err) {
  return absl::StrContains(err, "Sanitizer") || absl::StrContains(err, "runtime error:") ||
         absl::StrContains(err, "SUMMARY:");
}

// The tool `profile` needs cannot run here (valgrind cannot run an ASan build; perf may be forbidden):
// such a run may fail, but only with one error line.
bool MayFailForLackOfTool(const std::string& command) { return command == "profile"; }

TEST_CASE("every subcommand with each --format runs cleanly and its output parses", "[cli][e2e]") {
  const std::vector<std::string> commands = CommandNames();
  REQUIRE(commands.size() >= 10);
  for (const std::string& command : commands) {
    std::vector<std::string> formats = Formats(command);
    if (formats.empty()) formats.push_back("");
    for (const std::string& format : formats) {
      TempDir tmp;
      REQUIRE(!tmp.path.empty());
      std::vector<std::string> args = QuickRun(command, tmp.path);
      if (!format.empty() && args.back() != "--help") args.push_back(absl::StrCat("--format=", format));
      const ChildResult r = RunCli(args, 300, tmp.path);
      INFO("dispatchlab " << absl::StrJoin(args, " ") << "\nexit " << r.exit_status << "\nstderr:\n"
                          << r.err.substr(0, 4000));
      CHECK_FALSE(r.timed_out);
      CHECK_FALSE(HasSanitizerReport(r.err));
      if (r.exit_status != 0 && MayFailForLackOfTool(command)) {
        CHECK(r.exit_status == 1);
        CHECK(LineCount(r.err) == 1);
        continue;
      }
      CHECK(r.exit_status == 0);
      if (format == "json") {
        nlohmann::json parsed;
        CHECK_NOTHROW(parsed = nlohmann::json::parse(r.out));  // strict: one document, valid UTF-8
        CHECK(parsed.is_object());
      } else if (format == "csv") {
        const std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
        REQUIRE(lines.size() >= 2);
        const size_t columns = std::count(lines[0].begin(), lines[0].end(), ',');
        for (const std::string& line : lines)
          CHECK(static_cast<size_t>(std::count(line.begin(), line.end(), ',')) == columns);
      } else {
        CHECK_FALSE(r.out.empty());
      }
      CHECK(ShmFilesOf(r.pid).empty());
      if (command == "report") {
        for (const char* file : {"report.md", "report.html"}) {
          CHECK(access(absl::StrCat(tmp.path, "/report/", file).c_str(), R_OK) == 0);
        }
        std::system(absl::StrCat("rm -rf '", tmp.path, "/report'").c_str());
      }
    }
  }
}

// The last line of stderr (progress may come before it).
std::string LastLine(const std::string& err) {
  std::vector<std::string> lines = absl::StrSplit(err, '\n', absl::SkipEmpty());
  return lines.empty() ? "" : lines.back();
}

TEST_CASE("every subcommand reports a failed write of its output instead of exiting 0", "[cli]") {
  for (const std::string& command : CommandNames()) {
    for (bool help : {true, false}) {
      TempDir tmp;
      std::vector<std::string> args =
          help ? std::vector<std::string>{command, "--help"} : QuickRun(command, tmp.path);
      // Standard output on a full disk: every write fails (ENOSPC).
      const ChildResult full = RunCli(args, 300, tmp.path, Stdout::kDevFull);
      INFO("dispatchlab " << absl::StrJoin(args, " ") << " >/dev/full\nexit " << full.exit_status
                          << "\nstderr:\n"
                          << full.err.substr(0, 4000));
      CHECK_FALSE(HasSanitizerReport(full.err));
      if (!(MayFailForLackOfTool(command) && full.exit_status == 1 &&
            !absl::StrContains(full.err, "standard output"))) {
        CHECK(full.exit_status == 1);
        CHECK(absl::StartsWith(LastLine(full.err), "dispatchlab: cannot write standard output"));
        // One error line for one failed write: no command adds its own before the frame's.
        int error_lines = 0;
        for (absl::string_view line : absl::StrSplit(full.err, '\n')) {
          error_lines += absl::StartsWith(line, "dispatchlab: ") && absl::StrContains(line, "write");
        }
        CHECK(error_lines == 1);
      }
      // Standard output closed: refused before any work, in one line.
      const ChildResult closed = RunCli(args, 300, tmp.path, Stdout::kClosed);
      INFO("stdout closed: exit " << closed.exit_status << "\nstderr:\n" << closed.err);
      CHECK(closed.exit_status == 1);
      CHECK(LineCount(closed.err) == 1);
      CHECK(absl::StartsWith(closed.err, "dispatchlab: standard output is closed"));
      std::system(absl::StrCat("rm -rf '", tmp.path, "/report'").c_str());
    }
  }
}

TEST_CASE("a vanished reader of stdout is an error line, not a silent death by SIGPIPE", "[cli]") {
  const ChildResult r =
      RunChild({"/bin/sh", "-c", absl::StrCat("'", DISPATCHLAB_CLI, "' list | true; exit 0")});
  // The pipeline's status is true's; run it again keeping the CLI's status.
  const ChildResult kept =
      RunChild({"/bin/bash", "-c",
                absl::StrCat("'", DISPATCHLAB_CLI, "' list --format=json | true; echo ${PIPESTATUS[0]}")});
  INFO(kept.out << kept.err);
  // A write to a pipe whose reader is gone is EPIPE (SIGPIPE ignored): exit 1 with one line, unless the
  // whole output fit in the pipe before `true` exited (then exit 0 and no message).
  const std::string status(absl::StripAsciiWhitespace(kept.out));
  CHECK((status == "1" || status == "0"));
  if (status == "1") CHECK(absl::StrContains(kept.err, "dispatchlab: cannot write standard output"));
  CHECK(r.exit_status == 0);
}

TEST_CASE("error lines escape control characters of echoed arguments", "[cli]") {
  const ChildResult r = RunCli({"run", "sct_init", "--n=1\n2\x1b[31m\r\x7f"});
  INFO(r.err);
  CHECK(r.exit_status == 2);
  CHECK(LineCount(r.err) == 1);
  CHECK(absl::StrContains(r.err, "--n=1\\n2\\x1b[31m\\r\\x7f: not a number"));
  CHECK(r.err.find('\x1b') == std::string::npos);
  const ChildResult name = RunCli({"counts",
                                   "sct_init\n\x9b"
                                   "2J"});
  INFO(name.err);
  CHECK(name.exit_status == 2);
  CHECK(LineCount(name.err) == 1);
  CHECK(name.err.find('\x9b') == std::string::npos);
  const ChildResult utf8 = RunCli({"counts", "sc\xc3\xa9nario"});  // printable UTF-8 is kept
  CHECK(absl::StrContains(utf8.err, "sc\xc3\xa9nario"));
}

TEST_CASE("numbers are plain decimals with an upper bound", "[cli]") {
  for (const char* bad : {"--n=0x10", "--n=+5", "--n= 5", "--n=5 ", "--n=inf", "--n=1e5x"}) {
    const ChildResult r = RunCli({"counts", "sct_init", bad});
    INFO(bad << ": " << r.err);
    CHECK(r.exit_status == 2);
    CHECK(LineCount(r.err) == 1);
  }
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"run", "sct_init", "--min-time=1e300"},
           {"run", "sct_init", "--min-time=3601"},
           {"perf", "sct_init", "--seconds=1e10"},
           {"attribute", "sct_init", "--sample-time=1e300"},
           {"sweep", "sct_init", "--min-time=1e300"},
           {"run", "sct_init", "--repetitions=+3"},
           {"sweep", "sct_init", "--n=1e3,1000"},
           {"mp", "sct_init", "--workers=2,2"},
           {"alloc", "--experiment=warm,warm"},
       }) {
    const ChildResult r = RunCli(bad);
    INFO(absl::StrJoin(bad, " ") << ": " << r.err);
    CHECK(r.exit_status == 2);
    CHECK(LineCount(r.err) == 1);
    CHECK(r.out.empty());
  }
  // Every flag that takes a number states its bound in --help.
  for (const std::string& command : CommandNames()) {
    const ChildResult help = RunCli({command, "--help"});
    for (absl::string_view line : absl::StrSplit(help.out, '\n')) {
      line = absl::StripLeadingAsciiWhitespace(line);
      for (const char* numeric :
           {"=N ", "=N,", "=R ", "=S ", "=SECONDS", "=K ", "=W ", "=W,", "=SEED", "=P "}) {
        if (!absl::StartsWith(line, "--") || !absl::StrContains(line, numeric)) continue;
        if (absl::StartsWith(line, "--profile=") || absl::StartsWith(line, "--statistic="))
          continue;  // names
        INFO(command << ": " << line);
        CHECK((absl::StrContains(line, "at most") || absl::StrContains(line, "..")));
      }
    }
  }
}

TEST_CASE("a memory limit is refused up front or reported in one line, never an abort", "[cli]") {
  if (kSanitized) return;  // ASan reserves terabytes of address space: ulimit -v does not apply to it
  // 200 and 400 MB of address space: --n=1e7 needs about 520 MB (sct_init keeps 1e7 scalars alive),
  // refused before any work.
  for (const char* limit : {"200000", "400000"}) {
    const ChildResult refused = RunChild(
        {"/bin/sh", "-c",
         absl::StrCat("ulimit -v ", limit, "; exec '", DISPATCHLAB_CLI, "' counts sct_init --n=1e7")});
    INFO("ulimit -v " << limit << ": " << refused.err);
    CHECK(refused.exit_status == 2);
    CHECK(LineCount(refused.err) == 1);
    CHECK(absl::StrContains(refused.err, "ulimit -v"));
  }
  const ChildResult child = RunChild({"/bin/sh", "-c",
                                      absl::StrCat("ulimit -v 200000; exec '", DISPATCHLAB_CLI,
                                                   "' profile-child sct_init --n=1e7 --configs=0x0")});
  INFO(child.err);
  CHECK(child.exit_status == 2);
  CHECK(absl::StrContains(child.err, "ulimit -v"));
  // Near the limit: refused up front (2), or run (0), or an allocation that still fails is one line and
  // exit 1 (never 134).
  for (const char* n : {"2e6", "3e6", "4e6"}) {
    const ChildResult r = RunChild({"/bin/sh", "-c",
                                    absl::StrCat("ulimit -v 200000; exec '", DISPATCHLAB_CLI,
                                                 "' counts sct_init sct_subscript --n=", n)});
    INFO("--n=" << n << ": exit " << r.exit_status << " " << r.err);
    CHECK((r.exit_status == 0 || r.exit_status == 1 || r.exit_status == 2));
    if (r.exit_status != 0) CHECK(LineCount(r.err) == 1);
  }
}

TEST_CASE("perf --perf-ctl writes only to a FIFO and reports a vanished reader", "[cli]") {
  TempDir tmp;
  const std::string regular = tmp.path + "/not-a-fifo";
  REQUIRE(std::system(absl::StrCat("printf keep > '", regular, "'").c_str()) == 0);
  const ChildResult r = RunCli({"perf", "sct_init", "--n=1000", "--seconds=0.05", "--perf-ctl=" + regular});
  INFO(r.err);
  CHECK(r.exit_status == 2);
  CHECK(absl::StrContains(r.err, "not a FIFO"));
  CHECK(std::system(absl::StrCat("test \"$(cat '", regular, "')\" = keep").c_str()) == 0);
  // A reader that opens the FIFO, then goes away before the first command is written.
  const std::string fifo = tmp.path + "/ctl";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const ChildResult gone =
      RunChild({"/bin/bash", "-c",
                absl::StrCat("(exec 3<'", fifo, "'; sleep 0.5) & sleep 0.2; '", DISPATCHLAB_CLI,
                             "' perf sct_init --n=1000 --seconds=1 --warmup=0 --perf-ctl='", fifo,
                             "'; echo \"exit $?\"")});
  INFO(gone.out << gone.err);
  // Whether the reader left before the first or a later write, the run ends with one error line and
  // exit 1 (EPIPE), never killed by SIGPIPE (exit 141).
  CHECK(absl::StrContains(gone.out, "exit 1"));
  CHECK(absl::StrContains(gone.err, "Broken pipe"));
  unlink(fifo.c_str());
  unlink(regular.c_str());
}

TEST_CASE("report --out refuses a name it cannot replace before measuring, and writes nothing", "[cli]") {
  TempDir tmp;
  const std::string out = tmp.path + "/out";
  REQUIRE(mkdir(out.c_str(), 0755) == 0);
  REQUIRE(std::system(
              absl::StrCat("printf old > '", out, "/report.md'; mkdir '", out, "/scaling.svg'").c_str()) ==
          0);
  const ChildResult r = RunCli({"report", "--out=" + out, "--quick", "--n=1000", "--repetitions=1"});
  INFO(r.err);
  CHECK(r.exit_status == 2);
  CHECK(LineCount(r.err) == 1);
  CHECK(absl::StrContains(r.err, "scaling.svg exists there and is not a regular file"));
  CHECK(std::system(absl::StrCat("test \"$(cat '", out, "/report.md')\" = old").c_str()) == 0);
  CHECK(EntriesOf(out) == std::set<std::string>{"report.md", "scaling.svg"});
  const std::string dangling = tmp.path + "/dangling";
  REQUIRE(symlink((tmp.path + "/nowhere").c_str(), dangling.c_str()) == 0);
  const ChildResult d = RunCli({"report", "--out=" + dangling, "--quick"});
  CHECK(d.exit_status == 2);
  CHECK(absl::StrContains(d.err, "symbolic link to nothing"));
  std::system(absl::StrCat("rm -rf '", out, "' '", dangling, "'").c_str());
}

}  // namespace
}  // namespace dispatchlab::testing
