// The `mp` and `alloc` subcommands from the command line: exit statuses, the JSON fields, one-line errors,
// and no leftovers in /dev/shm or the temp directory.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "tests/core/shared_heap_tmpfs.h"

namespace {

struct Output {
  int status = -1;
  std::string out;
  std::string compact;  // `out` without spaces and newlines
};

// Runs the CLI with `args` (a shell-free word list joined by spaces: no quoting needed here), stderr
// folded into the output.
Output RunCli(const std::string& args) {
  std::string command = std::string(DISPATCHLAB_CLI) + " " + args + " 2>&1";
  Output result;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, got);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  // JSON is compared without whitespace, so the tests do not depend on the writer's layout.
  result.compact.reserve(result.out.size());
  for (char c : result.out) {
    if (c != ' ' && c != '\n') result.compact += c;
  }
  return result;
}

int DispatchlabNamesIn(const char* path) {
  int count = 0;
  DIR* dir = opendir(path);
  if (dir == nullptr) return 0;
  while (dirent* entry = readdir(dir)) count += std::strncmp(entry->d_name, "dispatchlab-", 12) == 0 &&
                                                std::strncmp(entry->d_name, "dispatchlab-test", 16) != 0 &&
                                                std::strncmp(entry->d_name, "dispatchlab-tmpfs", 17) != 0;
  closedir(dir);
  return count;
}

TEST_CASE("mp store with 2 and 4 workers reports 0 wrong elements in JSON on every shared backend") {
  int before = DispatchlabNamesIn("/dev/shm");
  for (const char* backend : {"anon", "shm", "file"}) {
    INFO(backend);
    for (const char* workers : {"2", "4"}) {
      Output result = RunCli(std::string("mp store --n=1e5 --repetitions=1 --format=json --workers=") + workers +
                             " --backend=" + backend);
      INFO(result.out);
      CHECK(result.status == 0);
      CHECK(result.compact.find("\"scenario\":\"store\"") != std::string::npos);
      CHECK(result.compact.find(std::string("\"workers\":") + workers + ",") != std::string::npos);
      CHECK(result.compact.find("\"n\":100000,") != std::string::npos);
      CHECK(result.compact.find("\"wrong_elements\":0,") != std::string::npos);
      CHECK(result.compact.find("\"metadata\":{") != std::string::npos);
    }
  }
  CHECK(DispatchlabNamesIn("/dev/shm") == before);
}

TEST_CASE("mp on private memory exits 1 and says why") {
  Output result = RunCli("mp store --n=1000 --workers=2 --repetitions=1 --backend=private");
  INFO(result.out);
  CHECK(result.status == 1);
  CHECK(result.out.find("1000 wrong element(s)") != std::string::npos);
}

TEST_CASE("mp and alloc reject bad input with one line and status 2") {
  for (const char* args : {"mp", "mp nosuch", "mp store --workers=0", "mp store --backend=tmpfs",
                           "mp store --n=abc", "mp store --format=xml", "alloc --backend=anon,anon",
                           "alloc --experiment=nope", "alloc --backend=file --tempdir=/nonexistent/dir",
                           "alloc --n=0"}) {
    INFO(args);
    Output result = RunCli(args);
    INFO(result.out);
    CHECK(result.status == 2);
    CHECK(result.out.rfind("dispatchlab: ", 0) == 0);
    CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 1);
  }
}

TEST_CASE("alloc reports every backend side by side and leaves nothing behind") {
  int shm_before = DispatchlabNamesIn("/dev/shm");
  int tmp_before = DispatchlabNamesIn("/tmp");
  Output result = RunCli("alloc --n=1000 --repetitions=1 --min-time=0.001 --format=json "
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
  CHECK(DispatchlabNamesIn("/dev/shm") == shm_before);
  CHECK(DispatchlabNamesIn("/tmp") == tmp_before);
}

TEST_CASE("A 10-million-element mp array on a 1 MiB tmpfs is one clean ENOSPC line and status 1") {
  dispatchlab::testing::SmallTmpfs tmpfs;
  if (!tmpfs.mounted()) {
    WARN("skipped: " << tmpfs.why_not());
    return;
  }
  const std::string& dir = tmpfs.path();
  Output result = RunCli("mp store --n=1e7 --workers=2 --backend=file --tempdir=" + dir);
  int leftovers = tmpfs.EntryCount();
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
// assertion: whenever the signal lands, nothing may be left), signals it, and returns its wait status.
int InterruptCli(const std::vector<std::string>& args, int sig) {
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
  return status;
}

TEST_CASE("An interrupted alloc or mp run leaves nothing in /dev/shm or the temp directory") {
  int shm_before = DispatchlabNamesIn("/dev/shm");
  int tmp_before = DispatchlabNamesIn("/tmp");
  for (int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    int status = InterruptCli({"alloc", "--n=1e7", "--repetitions=50", "--experiment=new_arena,new_arena_36",
                               "--backend=shm,file"},
                              sig);
    CHECK((WIFSIGNALED(status) ? WTERMSIG(status) == sig : WEXITSTATUS(status) == 0));
    status = InterruptCli({"mp", "store", "--n=2e7", "--repetitions=50", "--backend=file"}, sig);
    CHECK((WIFSIGNALED(status) ? WTERMSIG(status) == sig : WEXITSTATUS(status) == 0));
  }
  // Arena names are unlinked before any worker is forked, so orphaned workers could not hold one.
  CHECK(DispatchlabNamesIn("/dev/shm") == shm_before);
  CHECK(DispatchlabNamesIn("/tmp") == tmp_before);
}

}  // namespace
