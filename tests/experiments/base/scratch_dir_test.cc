// Temporary directories, child processes and interruption of the profiling runs
// (experiments/base/scratch_dir.h, subprocess.h).
#include "experiments/base/scratch_dir.h"

#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "experiments/base/subprocess.h"

namespace dispatchlab::profiling {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

TEST_CASE("ScratchDir removes its files and fifos with itself", "[profiling]") {
  std::string path, file, fifo;
  {
    auto dir = ScratchDir::Create("test");
    REQUIRE(dir.ok());
    path = (*dir)->path();
    CHECK(path.find("dispatchlab-test-") != std::string::npos);
    file = (*dir)->File("perf.data");
    std::ofstream(file) << "data";
    auto made = (*dir)->MakeFifo("ctl");
    REQUIRE(made.ok());
    fifo = *made;
    CHECK(Exists(file));
    CHECK(Exists(fifo));
  }
  CHECK_FALSE(Exists(file));
  CHECK_FALSE(Exists(fifo));
  CHECK_FALSE(Exists(path));
}

TEST_CASE("ScratchDir is removed on an error path too", "[profiling]") {
  std::string path;
  auto failing = [&]() -> absl::Status {
    auto dir = ScratchDir::Create("test");
    if (!dir.ok()) return dir.status();
    path = (*dir)->path();
    std::ofstream((*dir)->File("callgrind.out.1")) << "x";
    return absl::InternalError("the child failed");
  };
  CHECK_FALSE(failing().ok());
  CHECK_FALSE(path.empty());
  CHECK_FALSE(Exists(path));
}

TEST_CASE("Child processes report exit status and output", "[profiling]") {
  auto dir = ScratchDir::Create("test");
  REQUIRE(dir.ok());
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo out; echo \"err $DL_TEST_VAR\" >&2; exit 3"};
  spec.extra_env = {{"DL_TEST_VAR", "42"}};
  spec.stdout_path = (*dir)->File("out");
  spec.stderr_path = (*dir)->File("err");
  absl::StatusOr<ProcessResult> r = RunProcess(spec);
  REQUIRE(r.ok());
  CHECK(r->exit_code == 3);
  CHECK_FALSE(r->ok());
  CHECK(r->Describe() == "exit status 3");
  CHECK(ReadTextFile(spec.stdout_path) == "out\n");
  CHECK(LastLine(ReadTextFile(spec.stderr_path)) == "err 42");
}

TEST_CASE("A missing tool is NotFound", "[profiling]") {
  ProcessSpec spec;
  spec.argv = {"dispatchlab-no-such-tool-xyz"};
  absl::StatusOr<ProcessResult> r = RunProcess(spec);
  REQUIRE_FALSE(r.ok());
  CHECK(absl::IsNotFound(r.status()));
  CHECK_FALSE(FindInPath("dispatchlab-no-such-tool-xyz").has_value());
  CHECK(FindInPath("sh").has_value());
}

TEST_CASE("A child past its timeout is stopped and the call fails with DeadlineExceeded", "[profiling]") {
  ProcessSpec spec;
  spec.argv = {"sleep", "600"};
  spec.timeout_seconds = 0.2;
  absl::StatusOr<ProcessResult> r = RunProcess(spec);
  REQUIRE_FALSE(r.ok());
  CHECK(absl::IsDeadlineExceeded(r.status()));
  CHECK(r.status().message() == "no answer within 0.2 seconds (stopped)");
  // One that finishes in time is unaffected.
  spec.argv = {"true"};
  spec.timeout_seconds = 30;
  r = RunProcess(spec);
  REQUIRE(r.ok());
  CHECK(r->ok());
}

TEST_CASE("SIGTERM during a profiling run stops the child and cleans up", "[profiling]") {
  std::string path;
  {
    auto dir = ScratchDir::Create("test");
    REQUIRE(dir.ok());
    path = (*dir)->path();
    // The handler installed by ScratchDir records the signal instead of ending the test process.
    raise(SIGTERM);
    CHECK(InterruptSignal() == SIGTERM);
    ProcessSpec spec;
    spec.argv = {"sleep", "600"};
    absl::StatusOr<ProcessResult> r = RunProcess(spec);  // returns at once: the child is stopped
    REQUIRE_FALSE(r.ok());
    CHECK(absl::IsCancelled(r.status()));
    ClearInterruptSignal();
  }
  CHECK_FALSE(Exists(path));
}

TEST_CASE("a signal inherited as ignored stays ignored while a ScratchDir exists", "[profiling]") {
  struct sigaction ignore = {}, before = {}, during = {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGHUP, &ignore, &before);  // as `nohup` starts a program
  {
    auto dir = ScratchDir::Create("test");
    REQUIRE(dir.ok());
    sigaction(SIGHUP, nullptr, &during);
    CHECK(during.sa_handler == SIG_IGN);
    sigaction(SIGINT, nullptr, &during);
    CHECK(during.sa_handler != SIG_IGN);  // the others are caught, to clean up
  }
  sigaction(SIGHUP, &before, nullptr);
}

}  // namespace
}  // namespace dispatchlab::profiling
