// scripts/bench.sh: its `key: value` output parsed strictly in quick mode (every line, the keys the docs
// promise, numbers where a figure is due), its bad input (one line, exit 2), and its cleanup when
// terminated (nothing left in TMPDIR, no child left running).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::string Script() { return std::string(DISPATCHLAB_SOURCE_DIR) + "/scripts/bench.sh"; }

std::string BuildDir() {
  const std::string cli = DISPATCHLAB_CLI;
  return cli.substr(0, cli.rfind('/'));
}

bool HaveValgrind() { return RunChild({"/bin/sh", "-c", "command -v valgrind"}, 10).exit_status == 0; }

bool HaveNumpy() { return RunChild({"/usr/bin/python3", "-c", "import numpy"}, 30).exit_status == 0; }

// Every line `key: value`, keys unique; the map of them.
std::map<std::string, std::string> ParseLines(const std::string& out) {
  static const std::regex line_re("^([a-z0-9_]+(\\.[a-z0-9_]+)*): (\\S.*)$");
  std::map<std::string, std::string> figures;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    INFO("line: " << line);
    std::cmatch m;
    REQUIRE(std::regex_match(line.begin(), line.end(), m, line_re));
    REQUIRE(figures.count(m[1].str()) == 0);
    figures[m[1].str()] = m[3].str();
  }
  return figures;
}

double Number(const std::map<std::string, std::string>& figures, const std::string& key) {
  INFO("key: " << key);
  REQUIRE(figures.count(key) == 1);
  double v = 0;
  REQUIRE(absl::SimpleAtod(figures.at(key), &v));
  return v;
}

TEST_CASE("bench.sh --quick prints every figure as a parsable key: value line", "[scripts][bench]") {
  std::string only = "attribute";
  const bool memory = HaveNumpy();
  const bool counting = HaveValgrind() && !kSanitized;
  if (memory) only += ",memory";
  if (counting) only += ",counting";
  if (!memory || !counting) {
    WARN("numpy under /usr/bin/python3 or valgrind missing (or an ASan build): bench.sh --only=" << only);
  }
  TempDir tmp;
  const ChildResult r =
      RunChild({Script(), "--quick", "--build-dir=" + BuildDir(), "--only=" + only}, 600, tmp.path);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_status == 0);
  const std::map<std::string, std::string> f = ParseLines(r.out);
  CHECK(f.at("mode") == "quick");
  CHECK(Number(f, "cpus") >= 1);
  Number(f, "load_average_start");
  Number(f, "load_average_end");
  CHECK(Number(f, "attribute.n") == 1000);
  CHECK(Number(f, "attribute.runs") == 2);
  CHECK(Number(f, "attribute.seconds.1") > 0);
  CHECK(Number(f, "attribute.seconds.2") > 0);
  for (const char* layer : {"trampoline", "boxing"}) {
    Number(f, std::string("attribute.share.") + layer + ".mean");
    CHECK(Number(f, std::string("attribute.share.") + layer + ".cv") >= 0);
  }
  CHECK(Number(f, "attribute.max_cv_shares_over_2pct") >= 0);
  CHECK(f.at("attribute.flags") == "--layers=trampoline,boxing --repetitions=2 --sample-time=0.001");
  CHECK(Number(f, "attribute.max_seconds") >= Number(f, "attribute.seconds.1"));
  double widest = 0;
  for (const char* run : {"1", "2"}) {
    Number(f, std::string("attribute.load_average.") + run);
    const double half = Number(f, std::string("attribute.ci_half_width_share.") + run);
    CHECK(half >= 0);
    widest = std::max(widest, half);
    CHECK(Number(f, std::string("attribute.measurements.") + run) == 8);  // 4 configurations, 2 each
    CHECK(Number(f, std::string("attribute.rounds.") + run) == 1);
    CHECK(Number(f, std::string("attribute.median_config_cv.") + run) >= 0);
  }
  CHECK(Number(f, "attribute.max_ci_half_width_share") == Approx(widest).margin(1e-6));
  if (memory) {
    CHECK(Number(f, "memory.n") == 10000);
    for (const char* s : {"sct_init", "sct_subscript", "sct_init_list", "sct_subscript_list"}) {
      const std::string key = std::string("memory.") + s;
      CHECK(Number(f, key + ".cpython_max_rss_bytes") > 1000000);
      CHECK(Number(f, key + ".dispatchlab_max_rss_bytes") > 1000000);
      CHECK(Number(f, key + ".ratio") > 0);
    }
  }
  if (counting) {
    CHECK(Number(f, "counting.n") == 300);
    for (const char* s : {"sct_init", "sct_subscript"}) {
      const std::string key = std::string("counting.") + s;
      const double counted = Number(f, key + ".counted_instructions_per_element");
      const double nocount = Number(f, key + ".nocount_instructions_per_element");
      CHECK(nocount > 0);
      CHECK(counted > nocount);  // counting compiled in costs instructions
      CHECK(Number(f, key + ".overhead") == Approx(counted / nocount - 1).margin(1e-5));
    }
  }
  CHECK(EntriesOf(tmp.path).empty());
}

TEST_CASE("bench.sh rejects bad input with one line and exit 2", "[scripts][bench]") {
  const std::vector<std::vector<std::string>> bad = {{"--bogus"},
                                                     {"--runs=1"},
                                                     {"--runs=x"},
                                                     {"--only=speed"},
                                                     {"--only="},
                                                     {"--attribute-flags=ci-target=0.01"},
                                                     {"--build-dir=/nonexistent"},
                                                     {"--python=/nonexistent/python", "--only=memory"}};
  for (const std::vector<std::string>& args : bad) {
    std::vector<std::string> argv = {Script()};
    if (args[0].rfind("--build-dir", 0) != 0) argv.push_back("--build-dir=" + BuildDir());
    argv.insert(argv.end(), args.begin(), args.end());
    INFO(args[0]);
    TempDir tmp;
    const ChildResult r = RunChild(argv, 60, tmp.path);
    CHECK(r.exit_status == 2);
    CHECK(r.out.empty());
    CHECK(LineCount(r.err) == 1);
    CHECK(r.err.rfind("bench.sh: ", 0) == 0);
    CHECK(EntriesOf(tmp.path).empty());
  }
}

TEST_CASE("bench.sh removes its temporary files and stops its child when terminated", "[scripts][bench]") {
  TempDir tmp;
  // An interpreter that never answers (it becomes `sleep`), kept outside TMPDIR: bench.sh's memory step
  // is then still running `dispatchlab cpython`, which waits on it, when the TERM comes, whatever the
  // machine's speed. Terminated: exit 143, TMPDIR empty (bench.sh's directory, and the CLI's own scratch
  // files: the trap stops the running command, which removes them), and no process left behind.
  TempDir fake_dir;
  const std::string fake = fake_dir.path + "/python3";
  const std::string marker = "299." + std::to_string(::getpid());  // sleep's argument, ours alone
  {
    std::ofstream out(fake);
    out << "#!/bin/sh\nexec sleep " << marker << "\n";
  }
  REQUIRE(::chmod(fake.c_str(), 0755) == 0);
  const std::string command = "TMPDIR='" + tmp.path + "' '" + Script() + "' --build-dir='" + BuildDir() +
                              "' --quick --only=memory --python='" + fake +
                              "' >/dev/null 2>&1 & pid=$!; sleep 3; kill -TERM $pid; wait $pid; echo $?";
  const ChildResult r = RunChild({"/bin/sh", "-c", command}, 120);
  REQUIRE(r.exit_status == 0);
  CHECK(r.out == "143\n");
  CHECK(EntriesOf(tmp.path).empty());
  // The interpreter dies with its parent (PR_SET_PDEATHSIG): no `sleep MARKER` is left.
  const auto sleeper_alive = [&marker] {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
      std::ifstream in(entry.path() / "cmdline", std::ios::binary);
      const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (cmdline.find(std::string("sleep\0", 6) + marker) != std::string::npos) return true;
    }
    return false;
  };
  bool left = true;
  for (int i = 0; i < 50 && (left = sleeper_alive()); ++i) ::usleep(100000);
  CHECK_FALSE(left);
}

}  // namespace
}  // namespace dispatchlab::testing
