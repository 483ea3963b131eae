// Keeps docs/ honest: every `dispatchlab ...` command quoted in a ```sh or ```console block of docs/*.md
// runs (with small n) and exits 0 (under the asan-ubsan preset too, with no sanitizer report), every layer of
// the layer table has its section in docs/layers.md, and every scenario of the scenario table is named in
// docs/. A ```sh block whose first line starts with "# one script" is run instead as one bash script,
// exactly as written (`dispatchlab` on PATH is the binary under test, `set -e`), and must exit 0; its
// checks (a grep for a layer's symbols in `perf report`, say) are part of the block. Such a block that
// calls perf or valgrind is skipped, with a message, where the tool is missing or not permitted (and,
// for valgrind, under ASan).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/layers.h"
#include "experiments/scenarios/scenarios.h"

#if defined(__SANITIZE_ADDRESS__)
#define DISPATCHLAB_DOCS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DISPATCHLAB_DOCS_ASAN 1
#endif
#endif

namespace {

namespace fs = std::filesystem;

constexpr const char* kScriptMarker = "# one script";

#ifdef DISPATCHLAB_DOCS_ASAN
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif

// Under the asan-ubsan preset, the commands that run the CLI under valgrind (profile --tool=callgrind,
// attribute --metric=instructions) cannot work: valgrind cannot run an ASan build. They run in the
// release pass; every other command runs under ASan too. scripts/test.sh, which runs the asan-ubsan pass
// after the release one, sets DISPATCHLAB_DOCS_COMMANDS=valgrind-only for the release pass, so that each
// quoted command runs once in CI: under ASan where it can, in the release build where it needs valgrind.
bool NeedsValgrind(const std::string& command) {
  return command.find("--tool=callgrind") != std::string::npos ||
         command.find("--metric=instructions") != std::string::npos ||
         (command.rfind("profile ", 0) == 0 && command.find("--tool=perf") == std::string::npos);
}

bool OnlyValgrindCommands() {
  const char* only = std::getenv("DISPATCHLAB_DOCS_COMMANDS");
  if (only == nullptr || *only == '\0') return false;
  INFO("DISPATCHLAB_DOCS_COMMANDS=" << only);
  REQUIRE(std::string(only) == "valgrind-only");  // the one value it takes
  return !kAsan;
}

struct Quoted {
  std::string file;
  int line = 0;
  std::string command;  // the words after "dispatchlab "
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> DocFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(DISPATCHLAB_SOURCE_DIR) / "docs")) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Lines of ```sh / ```console blocks that start with "dispatchlab " or "$ dispatchlab ".
std::vector<Quoted> QuotedCommands() {
  std::vector<Quoted> out;
  for (const fs::path& file : DocFiles()) {
    std::istringstream in(ReadFile(file));
    std::string line;
    bool in_block = false;
    bool first_line = false;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      const std::string trimmed = line.substr(std::min(line.find_first_not_of(' '), line.size()));
      if (trimmed.rfind("```", 0) == 0) {
        if (in_block) {
          in_block = false;
        } else {
          const std::string lang = trimmed.substr(3);
          in_block = lang == "sh" || lang == "console" || lang == "shell" || lang == "bash";
          first_line = true;
        }
        continue;
      }
      if (!in_block) continue;
      if (first_line && trimmed.rfind(kScriptMarker, 0) == 0) {
        in_block = false;  // a script block: run whole by its own test, skip its lines here
        // Skip to the closing fence.
        while (std::getline(in, line)) {
          ++number;
          if (line.find("```") != std::string::npos) break;
        }
        continue;
      }
      first_line = false;
      std::string body = trimmed;
      if (body.rfind("$ ", 0) == 0) body = body.substr(2);
      if (body.rfind("dispatchlab ", 0) == 0) {
        out.push_back({file.filename().string(), number, body.substr(std::string("dispatchlab ").size())});
      }
    }
  }
  return out;
}

struct Script {
  std::string file;
  int line = 0;
  std::string body;
};

// The ```sh blocks of docs/*.md whose first line starts with "# one script".
std::vector<Script> ScriptBlocks() {
  std::vector<Script> out;
  for (const fs::path& file : DocFiles()) {
    std::istringstream in(ReadFile(file));
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line != "```sh") continue;
      const int start = number;
      std::string body;
      bool script = false, first = true;
      while (std::getline(in, line) && line.rfind("```", 0) != 0) {
        ++number;
        if (first) script = line.rfind(kScriptMarker, 0) == 0;
        first = false;
        body += line + "\n";
      }
      ++number;
      if (script) out.push_back({file.filename().string(), start, body});
    }
  }
  return out;
}

int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, got);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Whether `dispatchlab SUBCOMMAND --help` lists `flag` (cached per subcommand).
bool HasFlag(const std::string& subcommand, const std::string& flag) {
  static std::map<std::string, std::string> help;
  auto it = help.find(subcommand);
  if (it == help.end()) {
    std::string text;
    RunShell(std::string("'") + DISPATCHLAB_CLI + "' " + subcommand + " --help", &text);
    it = help.emplace(subcommand, text).first;
  }
  return it->second.find("--" + flag) != std::string::npos;
}

// Small n, few repetitions, short minimum times: the docs test checks that commands run, not their numbers.
std::string Shrink(const std::string& command) {
  std::string c = std::regex_replace(command, std::regex(R"(--n=[0-9eE.]+(,[0-9eE.]+)+)"), "--n=300,600");
  c = std::regex_replace(c, std::regex(R"(--n=[0-9eE.]+)"), "--n=300");
  c = std::regex_replace(c, std::regex(R"(--repetitions=[0-9]+)"), "--repetitions=2");
  c = std::regex_replace(c, std::regex(R"(--min-time=[0-9.]+)"), "--min-time=0.01");
  c = std::regex_replace(c, std::regex(R"(--rounds=[0-9]+)"), "--rounds=2");
  const std::string subcommand = c.substr(0, c.find(' '));
  // Flags go before any shell redirection or pipe.
  size_t cut = c.find_first_of("|>");
  std::string head = cut == std::string::npos ? c : c.substr(0, cut);
  std::string tail = cut == std::string::npos ? "" : c.substr(cut);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  // --min-time is a time flag: an instruction count (cpython --metric=instructions) refuses it.
  if (head.find("--min-time") == std::string::npos &&
      head.find("--metric=instructions") == std::string::npos && HasFlag(subcommand, "min-time"))
    head += " --min-time=0.01";
  if (head.find("--quick") == std::string::npos && HasFlag(subcommand, "quick")) head += " --quick";
  // Two repetitions (the fewest every command takes) rather than the default 3 to 9: the docs test runs
  // under ASan too, where report and attribute dominate its time.
  if (head.find("--repetitions") == std::string::npos && HasFlag(subcommand, "repetitions"))
    head += " --repetitions=2";
  return tail.empty() ? head : head + " " + tail;
}

// The interpreter a `--python=PATH` names (~ expanded) when it is not installed here, else "". Commands that
// quote a particular interpreter (pyenv's 3.6, ...) are skipped, with a message, on machines without it.
std::string AbsentInterpreter(const std::string& command) {
  std::smatch m;
  if (!std::regex_search(command, m, std::regex(R"(--python=(\S+))")) || m[1] == "all") return "";
  std::string path = m[1];
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    path = std::string(home != nullptr ? home : "") + path.substr(1);
  }
  return access(path.c_str(), X_OK) == 0 ? "" : path;
}

// The quoted commands run in kQuotedCommandParts test cases, so that `ctest -j` runs them side by side: as
// one test they were the longest of the suite (212 s of the release stage's 365 s of tests in CI, 299 s of
// the asan-ubsan stage's 453 s) and ended the run alone. The costly commands come in kinds (the four
// `report` runs take about 28 s each in release and most of a sanitizer run; `cpython --metric=instructions`
// runs callgrind), so the commands are dealt out in order of subcommand and the parts share each kind.
constexpr size_t kQuotedCommandParts = 4;

// The commands of one part: sorted by subcommand (stable, so docs order within one), every part-th.
std::vector<Quoted> QuotedCommandsOfPart(std::vector<Quoted> all, size_t part) {
  auto subcommand = [](const Quoted& q) { return q.command.substr(0, q.command.find(' ')); };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Quoted& a, const Quoted& b) { return subcommand(a) < subcommand(b); });
  std::vector<Quoted> mine;
  for (size_t i = part; i < all.size(); i += kQuotedCommandParts) mine.push_back(all[i]);
  return mine;
}

void RunQuotedCommands(size_t part) {
  std::vector<Quoted> all = QuotedCommands();
  REQUIRE(all.size() >= 10);
  const std::vector<Quoted> commands = QuotedCommandsOfPart(std::move(all), part);
  REQUIRE(!commands.empty());
  const bool only_valgrind = OnlyValgrindCommands();
  char pattern[] = "/tmp/dispatchlab-docs-test-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string workdir = pattern;
  for (const Quoted& q : commands) {
    if (kAsan && NeedsValgrind(q.command)) continue;
    if (only_valgrind && !NeedsValgrind(q.command)) continue;
    if (const std::string python = AbsentInterpreter(q.command); !python.empty()) {
      WARN(q.file << ":" << q.line << ": skipped (the interpreter " << python << " is not on this machine): "
                  << "dispatchlab " << q.command);
      continue;
    }
    const std::string shrunk = Shrink(q.command);
    const std::string shell =
        "cd '" + workdir + "' && timeout 600 '" + std::string(DISPATCHLAB_CLI) + "' " + shrunk;
    std::string output;
    const int rc = RunShell(shell, &output);
    INFO(q.file << ":" << q.line << ": dispatchlab " << q.command << "\nran: " << shrunk << "\noutput:\n"
                << output.substr(0, 2000));
    CHECK(rc == 0);
    // Under the asan-ubsan preset: no sanitizer report, even one that would not change the exit status.
    CHECK(output.find("Sanitizer") == std::string::npos);
    CHECK(output.find("runtime error:") == std::string::npos);
  }
  fs::remove_all(workdir);
}

}  // namespace

TEST_CASE("every dispatchlab command quoted in docs runs and exits 0 (part 1 of 4)") { RunQuotedCommands(0); }
TEST_CASE("every dispatchlab command quoted in docs runs and exits 0 (part 2 of 4)") { RunQuotedCommands(1); }
TEST_CASE("every dispatchlab command quoted in docs runs and exits 0 (part 3 of 4)") { RunQuotedCommands(2); }
TEST_CASE("every dispatchlab command quoted in docs runs and exits 0 (part 4 of 4)") { RunQuotedCommands(3); }
static_assert(kQuotedCommandParts == 4, "one TEST_CASE per part");

TEST_CASE("every one-script block of docs runs as written and exits 0") {
  const std::vector<Script> scripts = ScriptBlocks();
  REQUIRE(scripts.size() >= 2);  // docs/perf.md: the one-layer recordings
  char pattern[] = "/tmp/dispatchlab-docs-script-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  const std::string workdir = pattern;
  fs::create_directory(workdir + "/bin");
  fs::create_symlink(DISPATCHLAB_CLI, workdir + "/bin/dispatchlab");
  std::string probe;
  const bool perf_works = RunShell("perf stat -e cpu-clock true", &probe) == 0;
  probe.clear();
  const bool valgrind_works = !kAsan && RunShell("valgrind --version", &probe) == 0;  // not under ASan
  for (const Script& s : scripts) {
    auto has = [&](const char* what) { return s.body.find(what) != std::string::npos; };
    const bool needs_perf =
        has("--tool=perf") || has("perf record") || has("perf report") || has("dispatchlab perf ");
    const bool needs_valgrind = has("--tool=callgrind") || has("valgrind") || has("callgrind_annotate");
    if ((needs_perf && !perf_works) || (needs_valgrind && !valgrind_works)) {
      WARN(s.file << ":" << s.line << ": skipped, " << (needs_perf && !perf_works ? "perf" : "valgrind")
                  << " is not installed or not permitted here");
      continue;
    }
    std::ofstream(workdir + "/script.sh") << "set -e\n" << s.body;
    std::string output;
    const int rc = RunShell(
        "cd '" + workdir + "' && PATH='" + workdir + "/bin':\"$PATH\" timeout 600 bash script.sh", &output);
    INFO(s.file << ":" << s.line << ": the block\n" << s.body << "output:\n" << output.substr(0, 3000));
    CHECK(rc == 0);
  }
  fs::remove_all(workdir);
}

TEST_CASE("docs/layers.md has a section for every layer of the layer table") {
  const std::string layers = ReadFile(fs::path(DISPATCHLAB_SOURCE_DIR) / "docs" / "layers.md");
  REQUIRE(!layers.empty());
  for (const dispatchlab::LayerInfo& info : dispatchlab::LayerTable()) {
    INFO("layer " << info.name);
    CHECK(layers.find("## `" + std::string(info.name) + "`") != std::string::npos);
  }
  for (const dispatchlab::Profile& p : dispatchlab::ProfileTable()) {
    INFO("profile " << p.name);
    CHECK(layers.find("`" + std::string(p.name) + "`") != std::string::npos);
  }
}

TEST_CASE("every scenario of the scenario table is named in docs") {
  std::string all;
  for (const fs::path& file : DocFiles()) all += ReadFile(file);
  for (const std::string& name : dispatchlab::ScenarioNames()) {
    INFO("scenario " << name);
    CHECK(all.find("`" + name + "`") != std::string::npos);
  }
}

TEST_CASE("docs has at least ten chapters and README links each of them") {
  const std::vector<fs::path> files = DocFiles();
  CHECK(files.size() >= 11);  // README.md and ten chapters
  const std::string readme = ReadFile(fs::path(DISPATCHLAB_SOURCE_DIR) / "docs" / "README.md");
  for (const fs::path& file : files) {
    if (file.filename() == "README.md") continue;
    INFO("chapter " << file.filename().string());
    CHECK(readme.find("(" + file.filename().string() + ")") != std::string::npos);
  }
}
