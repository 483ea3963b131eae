// `dispatchlab attribute`: bad input exits with status 2 (1 for a missing sampler) before anything is
// measured. (Measuring runs are exercised through the CLI, never timed in a unit test.)
#include <catch2/catch.hpp>
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

}  // namespace
}  // namespace dispatchlab::cli
