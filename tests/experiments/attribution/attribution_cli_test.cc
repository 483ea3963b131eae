// `dispatchlab attribute`: bad input exits with status 2 (1 for a missing sampler) before anything is
// measured. (Measuring runs are exercised through the CLI, never timed in a unit test.)
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
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
  CHECK(Run({"sct_init", "--ci-target=-0.1"}) == kExitUsage);
  CHECK(Run({"sct_init", "--ci-target=2"}) == kExitUsage);
  CHECK(Run({"sct_init", "--ci-target=inf"}) == kExitUsage);
  CHECK(Run({"sct_init", "--max-repetitions=1"}) == kExitUsage);
  CHECK(Run({"sct_init", "--allocation=optimal"}) == kExitUsage);
  CHECK(Run({"sct_init", "--drift-window=-1"}) == kExitUsage);
  CHECK(Run({"sct_init", "--drift-window=1001"}) == kExitUsage);
  CHECK(Run({"sct_init", "--drift-window=five"}) == kExitUsage);
  CHECK(Run({"sct_init", "--repetitions=9", "--ci-target=0.02", "--max-repetitions=5"}) == kExitUsage);
  // More than 10 layers for a factorial design alone is refused before measuring.
  CHECK(Run({"sct_init", "--layers=all", "--method=factorial", "--quiet"}) == kExitUsage);
}

TEST_CASE("attribute --help prints the flags and succeeds", "[attribution]") {
  CHECK(Run({"--help"}) == kExitOk);
  const std::string help = HelpText(AttributeCommandSpec());
  for (const char* flag : {"--layers", "--method", "--n", "--repetitions", "--format", "--profile",
                           "--metric", "--seed", "--ci-target", "--max-repetitions", "--no-sharing"}) {
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

// Sharing and the sequential design through the binary: `lookup` lives inside the trampoline, so with the
// trampoline off switching it changes nothing and the two configurations share one measurement.
// Drift adjustment through the binary: every sample keeps its raw value and gets an adjusted one, and the
// statistics are the adjusted samples'.
TEST_CASE("dispatchlab attribute --drift-window adjusts the samples and keeps the raw ones",
          "[attribution]") {
  const auto [status, out] = RunBinary(
      "attribute sct_init --layers=trampoline,boxing --method=shapley --n=1000 --repetitions=4 "
      "--drift-window=2 --sample-time=0.001 --quiet --format=json --seed=7");
  REQUIRE(status == kExitOk);
  const nlohmann::json doc = nlohmann::json::parse(out);
  CHECK(doc.at("design").at("drift_window") == 2);
  CHECK(doc.at("design").at("allocation") == "equal");  // a fixed design: no rounds to allocate
  for (const nlohmann::json& sample : doc.at("samples")) {
    const std::vector<double> raw = sample.at("values").get<std::vector<double>>();
    const std::vector<double> adjusted = sample.at("adjusted").get<std::vector<double>>();
    REQUIRE(adjusted.size() == raw.size());
    double mean = 0;
    for (double a : adjusted) {
      CHECK(a > 0);
      mean += a / adjusted.size();
    }
    CHECK(sample.at("mean").get<double>() == Approx(mean));
  }
  // Without the flag: no adjusted samples, window 0.
  const auto [status2, out2] = RunBinary(
      "attribute sct_init --layers=trampoline --method=shapley --n=1000 --repetitions=2 --sample-time=0.001 "
      "--quiet --format=json --seed=7");
  REQUIRE(status2 == kExitOk);
  const nlohmann::json doc2 = nlohmann::json::parse(out2);
  CHECK(doc2.at("design").at("drift_window") == 0);
  for (const nlohmann::json& sample : doc2.at("samples")) CHECK(!sample.contains("adjusted"));
}

TEST_CASE("dispatchlab attribute shares identical work and reports its design", "[attribution]") {
  const auto [status, out] = RunBinary(
      "attribute sct_init --layers=trampoline,lookup --method=shapley --n=1000 --repetitions=2 "
      "--ci-target=0.5 "
      "--max-repetitions=4 --sample-time=0.001 --quiet --format=json --seed=7");
  REQUIRE(status == kExitOk);
  const nlohmann::json doc = nlohmann::json::parse(out);
  const nlohmann::json& design = doc.at("design");
  CHECK(design.at("sequential") == true);
  CHECK(design.at("configurations") == 4);
  CHECK(design.at("measured_configurations") == 3);
  REQUIRE(design.at("shared").size() == 1u);
  CHECK(design.at("shared")[0].at("mask") == 2);  // only lookup: the trampoline off, lookup unreachable
  CHECK(design.at("shared")[0].at("measured_mask") == 0);
  const int reps = doc.at("repetitions").get<int>();
  CHECK(reps >= 2);
  CHECK(reps <= 4);
  // Neyman allocation by default: each configuration its own count, between the design's bounds.
  CHECK(design.at("allocation") == "neyman");
  CHECK(design.at("ci_method") == "shapley");
  CHECK(design.at("repetitions_min") == reps);
  CHECK(design.at("repetitions_max").get<int>() >= reps);
  CHECK(design.at("repetitions_max").get<int>() <= 4);
  CHECK(design.at("ci_half_width_share_all").get<double>() >= design.at("ci_half_width_share").get<double>());
  int taken = 0;
  for (const nlohmann::json& sample : doc.at("samples")) {
    const int count = static_cast<int>(sample.at("values").size());
    CHECK(count >= design.at("repetitions_min").get<int>());
    CHECK(count <= design.at("repetitions_max").get<int>());
    taken += count;
  }
  CHECK(design.at("measurements") == taken);
  CHECK(doc.at("run_order").size() == static_cast<size_t>(taken));
  CHECK(doc.at("samples").size() == 3u);
  CHECK(doc.at("methods").at("shapley").size() == 2u);

  // --no-sharing measures all four, with a fixed design when --repetitions is given.
  const auto [status2, out2] = RunBinary(
      "attribute sct_init --layers=trampoline,lookup --method=shapley --n=1000 --repetitions=2 "
      "--no-sharing --sample-time=0.001 --quiet --format=json --seed=7");
  REQUIRE(status2 == kExitOk);
  const nlohmann::json doc2 = nlohmann::json::parse(out2);
  CHECK(doc2.at("design").at("sequential") == false);
  CHECK(doc2.at("design").at("stopped") == "fixed");
  CHECK(doc2.at("design").at("measured_configurations") == 4);
  CHECK(doc2.at("design").at("shared").empty());
}

}  // namespace
}  // namespace dispatchlab::cli
