// Leak checks of the CLI (issue 8): after every command -- a good one, a rejected one -- no simulated
// object is alive, no error is pending, no temp-file name is registered and no shared-memory file is left.
// The commands run in this process through cli::Main (so the object model can be inspected afterwards),
// with their stdout captured.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "core/object.h"
#include "core/shm_names.h"
#include "dispatch/runtime.h"
#include "experiments/cli/commands.h"
#include "experiments/scenarios/scenarios.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

// Runs `dispatchlab args...` in this process; returns its exit status.
int RunInProcess(std::vector<std::string> args) {
  args.insert(args.begin(), "dispatchlab");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  std::streambuf* saved_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* saved_err = std::cerr.rdbuf(err.rdbuf());
  const int status = cli::Main(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(saved_out);
  std::cerr.rdbuf(saved_err);
  return status;
}

// `scratch`: a directory the command may use (--tempdir); it must be empty afterwards.
void ExpectNothingLeft(const std::vector<std::string>& args, int want_status,
                       const std::string& scratch = "") {
  const int status = RunInProcess(args);
  INFO("dispatchlab " << absl::StrJoin(args, " "));
  CHECK(status == want_status);
  ReleaseCaches();
  const absl::Status alive = CheckNothingAlive();
  INFO(alive.ToString());
  CHECK(alive.ok());
  CHECK(LiveObjects() == 0);
  CHECK(shm::PendingNameCount() == 0);
  CHECK(ShmFilesOf(getpid()).empty());
  if (!scratch.empty()) CHECK(EntriesOf(scratch).empty());
}

TEST_CASE("counts leaves nothing alive for every scenario and backend", "[cli][leaks]") {
  for (const std::string& name : ScenarioNames()) {
    for (const char* backend : {"anon", "shm", "private"}) {
      ExpectNothingLeft({"counts", name, "--n=300", std::string("--backend=") + backend}, 0);
    }
  }
  TempDir scratch;
  REQUIRE(!scratch.path.empty());
  ExpectNothingLeft({"counts", "--n=300", "--backend=file", "--tempdir=" + scratch.path, "--format=json"}, 0,
                    scratch.path);
  ExpectNothingLeft({"counts", "--n=300", "--profile=direct"}, 0);
  ExpectNothingLeft({"counts", "--n=300", "--profile=cpython313t"}, 0);
}

TEST_CASE("list and a short run leave nothing alive", "[cli][leaks]") {
  ExpectNothingLeft({"list"}, 0);
  ExpectNothingLeft({"list", "--format=json"}, 0);
  ExpectNothingLeft({"run", "sct_init", "sct_subscript", "--n=200", "--repetitions=1", "--min-time=0.001"},
                    0);
}

TEST_CASE("rejected commands leave nothing alive", "[cli][leaks]") {
  ExpectNothingLeft({"counts", "--n=0"}, 2);
  ExpectNothingLeft({"counts", "nosuch"}, 2);
  ExpectNothingLeft({"counts", "--backend=shm", "--layers=nosuch"}, 2);
  ExpectNothingLeft({"run", "--repetitions=0"}, 2);
  ExpectNothingLeft({"frobnicate"}, 2);
}

}  // namespace
}  // namespace dispatchlab::testing
