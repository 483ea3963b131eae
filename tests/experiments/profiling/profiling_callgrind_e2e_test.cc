// End to end: `dispatchlab profile sct_init --tool=callgrind` under the real valgrind, twice, must give
// identical per-layer instruction counts with instructions in lookup, call and call_tuple. Skipped (with a
// warning) when valgrind is not installed. Small n keeps it to a few seconds.
#include <stdio.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <string>

#include "experiments/base/json.h"
#include "experiments/base/subprocess.h"
#include "experiments/profiling/instruction_sampler.h"

namespace dispatchlab::profiling {
namespace {

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun RunCli(const std::string& args) {
  CliRun run;
  std::string command = std::string(DISPATCHLAB_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t got;
  while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, got);
  int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// The "layers" object of the JSON output, parsed strictly (the metadata carries a date, so compare only
// this); an empty object when the output is not JSON.
Json LayersObject(const std::string& json) {
  absl::StatusOr<Json> doc = ParseJson(json);
  if (!doc.ok() || !doc->is_object() || !doc->contains("layers")) return Json::object();
  return (*doc)["layers"];
}

double LayerValue(const Json& layers, const std::string& name) { return layers.value(name, -1.0); }

TEST_CASE("callgrind per-layer instruction counts are identical on two runs", "[profiling][e2e]") {
  if (!FindInPath("valgrind").has_value()) {
    WARN("valgrind is not installed: end-to-end callgrind test skipped");
    return;
  }
  const std::string args = "profile sct_init --tool=callgrind --n=300 --format=json";
  CliRun first = RunCli(args);
  INFO(first.out);
  REQUIRE(first.status == 0);
  CliRun second = RunCli(args);
  REQUIRE(second.status == 0);
  const Json layers = LayersObject(first.out);
  REQUIRE_FALSE(layers.empty());
  CHECK(layers == LayersObject(second.out));
  CHECK(LayerValue(layers, "lookup") > 0);
  CHECK(LayerValue(layers, "call") > 0);
  CHECK(LayerValue(layers, "call_tuple") > 0);
}

TEST_CASE("The instruction sampler counts each layer set of a batch", "[profiling][e2e]") {
  if (!FindInPath("valgrind").has_value()) {
    WARN("valgrind is not installed: instruction sampler test skipped");
    return;
  }
  InstructionSamplerOptions options;
  options.child_executable = DISPATCHLAB_CLI;
  absl::StatusOr<BatchSampler> sampler = MakeInstructionSampler(SampleTarget{"sct_init", 300}, options);
  REQUIRE(sampler.ok());
  absl::StatusOr<Profile> profile = ProfileFromName("cpython311");
  REQUIRE(profile.ok());
  const LayerSet all = profile->layers;
  const LayerSet without_call_tuple = all.Without(Layer::kCallTuple);
  const std::vector<LayerSet> batch = {all, without_call_tuple, all};
  absl::StatusOr<std::vector<double>> first = (*sampler)(batch);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 3);
  CHECK((*first)[1] < (*first)[0]);  // switching a layer off removes instructions
  CHECK((*first)[1] < (*first)[2]);
  CHECK((*first)[1] > 0);
  // One process per config: a config's count no longer depends on what ran before it.
  options.process_per_config = true;
  absl::StatusOr<BatchSampler> isolated = MakeInstructionSampler(SampleTarget{"sct_init", 300}, options);
  REQUIRE(isolated.ok());
  absl::StatusOr<std::vector<double>> third = (*isolated)({all, all});
  REQUIRE(third.ok());
  REQUIRE(third->size() == 2);
  CHECK((*third)[0] == (*third)[1]);
  CHECK((*third)[0] == Approx((*first)[0]).epsilon(0.01));
}

TEST_CASE("The instruction sampler rejects bad targets", "[profiling]") {
  CHECK_FALSE(MakeInstructionSampler(SampleTarget{"sct_init", 0}).ok());
  InstructionSamplerOptions options;
  options.iterations = 0;
  CHECK_FALSE(MakeInstructionSampler(SampleTarget{"sct_init", 100}, options).ok());
  CHECK_FALSE(MakeInstructionSampler(SampleTarget{"no_such_scenario", 100}).ok());
}

}  // namespace
}  // namespace dispatchlab::profiling
