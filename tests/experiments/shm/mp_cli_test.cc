// The `mp` and `alloc` subcommands from the command line: exit statuses, the JSON fields, one-line errors,
// and no leftovers in /dev/shm or the temp directory.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/core/shared_heap_tmpfs.h"

namespace {

struct Output {
  int status = -1;
  pid_t pid = -1;       // the CLI process: its arena names start with dispatchlab-PID-
  std::string out;      // stdout and stderr
  std::string compact;  // `out` without spaces and newlines
};

std::vector<std::string> Words(const std::string& args) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < args.size()) {
    size_t end = args.find(' ', start);
    if (end == std::string::npos) end = args.size();
    if (end > start) words.push_back(args.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Runs the CLI with `args` (words separated by single spaces; no shell), stderr folded into the output.
Output RunCli(const std::string& args) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  Output result;
  result.pid = fork();
  REQUIRE(result.pid >= 0);
  if (result.pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    std::string program = DISPATCHLAB_CLI;
    std::vector<std::string> words = Words(args);
    std::vector<char*> argv = {program.data()};
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  char buffer[4096];
  ssize_t got;
  while ((got = read(fds[0], buffer, sizeof(buffer))) != 0) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    result.out.append(buffer, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(result.pid, &status, 0) == result.pid);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // JSON is compared without whitespace, so the tests do not depend on the writer's layout.
  for (char c : result.out) {
    if (c != ' ' && c != '\n') result.compact += c;
  }
  return result;
}

// Names process `pid` created in `path` and left there. Per process, so tests running in parallel do not
// disturb the count.
int NamesOf(const char* path, pid_t pid) {
  std::string prefix = "dispatchlab-" + std::to_string(pid) + "-";
  int count = 0;
  DIR* dir = opendir(path);
  if (dir == nullptr) return 0;
  while (dirent* entry = readdir(dir))
    count += std::strncmp(entry->d_name, prefix.c_str(), prefix.size()) == 0;
  closedir(dir);
  return count;
}

TEST_CASE("mp store with 2 and 4 workers reports 0 wrong elements in JSON on every shared backend") {
  for (const char* backend : {"anon", "shm", "file"}) {
    INFO(backend);
    for (const char* workers : {"2", "4"}) {
      Output result = RunCli(std::string("mp store --n=1e5 --repetitions=1 --format=json --workers=") +
                             workers + " --backend=" + backend);
      INFO(result.out);
      CHECK(result.status == 0);
      CHECK(result.compact.find("\"scenario\":\"store\"") != std::string::npos);
      CHECK(result.compact.find(std::string("\"workers\":") + workers + ",") != std::string::npos);
      CHECK(result.compact.find("\"n\":100000,") != std::string::npos);
      CHECK(result.compact.find("\"wrong_elements\":0,") != std::string::npos);
      CHECK(result.compact.find("\"metadata\":{") != std::string::npos);
      CHECK(NamesOf("/dev/shm", result.pid) == 0);
      CHECK(NamesOf("/tmp", result.pid) == 0);
    }
  }
}

TEST_CASE("mp on private memory loses every element, as the control should, and exits 0") {
  // The private backend is the control (issue 16: it used to exit 1 on every run): its wrong elements
  // are the expected result; a shared backend with wrong elements exits 1.
  Output result = RunCli("mp store --n=1000 --workers=2 --repetitions=1 --backend=private");
  INFO(result.out);
  CHECK(result.status == 0);
  CHECK(result.out.find("1000 wrong element(s) (expected: private memory is not shared with workers)") !=
        std::string::npos);
}

TEST_CASE("mp and alloc reject bad input with one line and status 2") {
  for (const char* args :
       {"mp", "mp nosuch", "mp store --workers=0", "mp store --backend=tmpfs", "mp store --n=abc",
        "mp store --format=xml", "alloc --backend=anon,anon", "alloc --experiment=nope",
        "alloc --backend=file --tempdir=/nonexistent/dir", "alloc --n=0"}) {
    INFO(args);
    Output result = RunCli(args);
    INFO(result.out);
    CHECK(result.status == 2);
    CHECK(result.out.rfind("dispatchlab: ", 0) == 0);
    CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 1);
  }
}

TEST_CASE("alloc reports every backend side by side and leaves nothing behind") {
  Output result = RunCli(
      "alloc --n=1000 --repetitions=1 --min-time=0.001 --format=json "
      "--experiment=warm,new_arena,new_arena_36");
  INFO(result.out);
  CHECK(result.status == 0);
  for (const char* backend : {"anon", "shm", "file", "private"}) {
    CHECK(result.compact.find(std::string("\"experiment\":\"new_arena\",\"backend\":\"") + backend) !=
          std::string::npos);
  }
  CHECK(result.compact.find("\"experiment\":\"new_arena_36\",\"backend\":\"shm\"") != std::string::npos);
  CHECK(result.compact.find("\"experiment\":\"new_arena_36\",\"backend\":\"anon\"") == std::string::npos);
  CHECK(result.compact.find("\"error\"") == std::string::npos);
  CHECK(NamesOf("/dev/shm", result.pid) == 0);
  CHECK(NamesOf("/tmp", result.pid) == 0);
}

TEST_CASE("A 10-million-element mp array on a 1 MiB tmpfs is one clean ENOSPC line and status 1") {
  dispatchlab::testing::SmallTmpfs tmpfs;
  if (!tmpfs.mounted()) {
    WARN("skipped: " << tmpfs.why_not());
    return;
  }
  const std::string& dir = tmpfs.path();
  Output result = RunCli("mp store --n=1e7 --workers=2 --backend=file --tempdir=" + dir);
  int leftovers = tmpfs.EntryCount();  // the tmpfs is ours alone
  INFO(result.out);
  CHECK(result.status == 1);
  CHECK(result.out.rfind("dispatchlab: ", 0) == 0);
  CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 1);
  CHECK(result.out.find("ENOSPC") != std::string::npos);
  CHECK(result.out.find(dir) != std::string::npos);
  CHECK(result.out.find("40000000 bytes") != std::string::npos);
  CHECK(leftovers == 0);
}

// Starts the CLI with `args`, waits until it has run for a while (how long does not matter for the
// assertion: whenever the signal lands, nothing may be left), signals it, and returns its wait status
// and its pid.
std::pair<int, pid_t> InterruptCli(const std::vector<std::string>& args, int sig) {
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::vector<char*> argv;
    std::string program = DISPATCHLAB_CLI;
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (std::string& arg : copy) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  struct timespec pause = {0, 300 * 1000 * 1000};
  nanosleep(&pause, nullptr);
  kill(child, sig);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return {status, child};
}

TEST_CASE("An interrupted alloc or mp run leaves nothing in /dev/shm or the temp directory") {
  for (int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    auto [status, pid] = InterruptCli(
        {"alloc", "--n=1e7", "--repetitions=50", "--experiment=new_arena,new_arena_36", "--backend=shm,file"},
        sig);
    CHECK((WIFSIGNALED(status) ? WTERMSIG(status) == sig : WEXITSTATUS(status) == 0));
    CHECK(NamesOf("/dev/shm", pid) == 0);
    CHECK(NamesOf("/tmp", pid) == 0);
    // Arena names are unlinked before any worker is forked, so workers never hold one.
    std::tie(status, pid) =
        InterruptCli({"mp", "store", "--n=2e7", "--repetitions=50", "--backend=file"}, sig);
    CHECK((WIFSIGNALED(status) ? WTERMSIG(status) == sig : WEXITSTATUS(status) == 0));
    CHECK(NamesOf("/tmp", pid) == 0);
  }
}

}  // namespace
