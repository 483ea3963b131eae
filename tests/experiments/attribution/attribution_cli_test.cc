// `dispatchlab attribute`: bad input exits with status 2 (1 for a missing sampler) before anything is
// measured. (Measuring runs are exercised through the CLI, never timed in a unit test.)
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "experiments/cli/cmd_attribute.h"

namespace dispatchlab::cli {
namespace {

int Run(const std::vector<std::string>& words) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(AttributeCommandSpec(), words);
  if (!args.ok()) return kExitUsage;
  return RunAttributeCommand(*args);
}

TEST_CASE("attribute rejects bad input with exit status 2", "[attribution]") {
  CHECK(Run({}) == kExitUsage);
  CHECK(Run({"sct_init", "sct_subscript"}) == kExitUsage);
  CHECK(Run({"no_such_scenario"}) == kExitUsage);
  CHECK(Run({"sct_init", "--repetitions=1"}) == kExitUsage);
  CHECK(Run({"sct_init", "--repetitions=zero"}) == kExitUsage);
  CHECK(Run({"sct_init", "--method=median"}) == kExitUsage);
  CHECK(Run({"sct_init", "--format=xml"}) == kExitUsage);
  CHECK(Run({"sct_init", "--layers=no_such_layer"}) == kExitUsage);
  CHECK(Run({"sct_init", "--layers=none"}) == kExitUsage);
  CHECK(Run({"sct_init", "--profile=cpython27"}) == kExitUsage);
  CHECK(Run({"sct_init", "--metric=cycles"}) == kExitUsage);
  CHECK(Run({"sct_init", "--n=0"}) == kExitUsage);
  CHECK(Run({"sct_init", "--seed=-3"}) == kExitUsage);
  // More than 10 layers for a factorial design alone is refused before measuring.
  CHECK(Run({"sct_init", "--layers=all", "--method=factorial", "--quiet"}) == kExitUsage);
}

TEST_CASE("attribute --help prints the flags and succeeds", "[attribution]") {
  CHECK(Run({"--help"}) == kExitOk);
  const std::string help = HelpText(AttributeCommandSpec());
  for (const char* flag :
       {"--layers", "--method", "--n", "--repetitions", "--format", "--profile", "--metric", "--seed"}) {
    CHECK(help.find(flag) != std::string::npos);
  }
}

// Runs the built binary with `args`, stderr discarded; returns (exit status, stdout).
std::pair<int, std::string> RunBinary(const std::string& args) {
  const std::string command = std::string(DISPATCHLAB_CLI) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A tiny measuring run (no timing is asserted): the command is registered, reaches the runner's sampler,
// and prints every required key.
TEST_CASE("dispatchlab attribute runs end to end and prints the JSON keys", "[attribution]") {
  const auto [status, out] = RunBinary(
      "attribute sct_init --layers=trampoline,boxing --n=1000 --repetitions=2 --sample-time=0.001 --quiet "
      "--format=json --seed=7");
  REQUIRE(status == kExitOk);
  for (const char* key :
       {"\"scenario\":\"sct_init\"", "\"methods\":{", "\"shapley\":{", "\"loo\":{", "\"add_one_in\":{",
        "\"waterfall\":{", "\"factorial\":{", "\"samples\":[", "\"stability\":{", "\"order_seed\":7",
        "\"metadata\":{", "\"layers\":[\"trampoline\",\"boxing\"]"}) {
    INFO(key);
    CHECK(out.find(key) != std::string::npos);
  }
  CHECK(RunBinary("attribute no_such_scenario").first == kExitUsage);
  CHECK(RunBinary("attribute sct_init --repetitions=1").first == kExitUsage);
}

}  // namespace
}  // namespace dispatchlab::cli
