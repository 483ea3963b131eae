// `profile` interrupted (issue 16): SIGHUP, like SIGINT and SIGTERM, stops the tool and removes the scratch
// folder; SIGKILL, which no handler sees, still leaves no tool running (the tool gets PR_SET_PDEATHSIG).
// A process "of this run" is any process whose environment holds the run's private TMPDIR.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/cli/spawn.h"

#if defined(__SANITIZE_ADDRESS__)
#define DISPATCHLAB_ORPHANS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DISPATCHLAB_ORPHANS_ASAN 1
#endif
#endif

extern char** environ;

namespace dispatchlab::testing {
namespace {

// Pids of the processes whose environment contains exactly `entry` ("TMPDIR=/tmp/dl-test-...").
std::vector<int> ProcessesWithEnv(const std::string& entry) {
  std::vector<int> pids;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* e = readdir(proc)) {
    const int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream in(absl::StrCat("/proc/", pid, "/environ"), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string env = ss.str();
    size_t start = 0;
    while (start < env.size()) {
      size_t end = env.find('\0', start);
      if (end == std::string::npos) end = env.size();
      if (env.compare(start, end - start, entry) == 0) {
        pids.push_back(pid);
        break;
      }
      start = end + 1;
    }
  }
  closedir(proc);
  return pids;
}

// Whether one of `pids` is the tool (valgrind runs as "callgrind-amd64-linux" once it has started).
bool AnyTool(const std::vector<int>& pids) {
  for (int pid : pids) {
    std::ifstream in(absl::StrCat("/proc/", pid, "/comm"));
    std::string comm;
    std::getline(in, comm);
    if (comm.find("grind") != std::string::npos) return true;
  }
  return false;
}

bool WaitFor(const std::function<bool()>& done, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Starts a long `profile --tool=callgrind` with TMPDIR=tmpdir; returns its pid.
pid_t StartProfile(const std::string& tmpdir) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string(*e).rfind("TMPDIR=", 0) != 0) env_strings.push_back(*e);
  }
  env_strings.push_back("TMPDIR=" + tmpdir);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> words = {DISPATCHLAB_CLI,    "profile",    "sct_init",
                                    "--tool=callgrind", "--n=100000", "--iterations=100000"};
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

bool HaveValgrind() { return std::system("valgrind --version >/dev/null 2>&1") == 0; }

TEST_CASE("profile leaves no tool running and no scratch folder on SIGHUP, and no tool on SIGKILL", "[cli]") {
#ifdef DISPATCHLAB_ORPHANS_ASAN
  return;  // valgrind cannot run an ASan build
#endif
  if (!HaveValgrind()) {
    WARN("valgrind not installed: skipped");
    return;
  }
  for (int sig : {SIGHUP, SIGKILL}) {
    TempDir tmp;
    REQUIRE(!tmp.path.empty());
    const std::string entry = "TMPDIR=" + tmp.path;
    const pid_t pid = StartProfile(tmp.path);
    REQUIRE(pid > 0);
    // The tool runs once the scratch folder exists and a second process of this run (valgrind) is up.
    const bool started = WaitFor([&] { return AnyTool(ProcessesWithEnv(entry)); }, 60);
    INFO("signal " << sig);
    CHECK(started);
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    if (sig == SIGHUP) {
      // It cleans up, then dies of the signal itself (cli::Interrupted), as a calling shell expects.
      CHECK(WIFSIGNALED(status));
      CHECK(WTERMSIG(status) == SIGHUP);
      CHECK(EntriesOf(tmp.path).empty());
    } else {
      CHECK(WIFSIGNALED(status));
    }
    CHECK(WaitFor([&] { return ProcessesWithEnv(entry).empty(); }, 10));
    for (int orphan : ProcessesWithEnv(entry)) kill(orphan, SIGKILL);  // never leave one behind
    std::system(absl::StrCat("rm -rf '", tmp.path, "'/dispatchlab-*").c_str());
  }
}

}  // namespace
}  // namespace dispatchlab::testing
