// Reading the sibling build's Google Benchmark JSON (experiments/measure/sibling.h) with the JSON library:
// the iteration entries by run name; aggregates skipped; anything that is not strict JSON of that shape
// refused.
#include "experiments/measure/sibling.h"

#include <catch2/catch.hpp>

namespace dispatchlab {
namespace {

TEST_CASE("NsPerElementByRun reads the iterations of Google Benchmark JSON", "[json]") {
  const std::string json = R"({"context": {"executable": "dispatchlab"}, "benchmarks": [
    {"name": "sct_init/n:100", "run_name": "sct_init/n:100", "run_type": "iteration", "ns_per_element": 12.5},
    {"name": "sct_init/n:100", "run_name": "sct_init/n:100", "run_type": "iteration", "ns_per_element": 13},
    {"name": "sct_init/n:100_mean", "run_name": "sct_init/n:100", "run_type": "aggregate",
     "aggregate_name": "mean", "ns_per_element": 12.75},
    {"name": "memcpy/n:100", "run_name": "memcpy/n:100", "run_type": "iteration", "ns_per_element": 0.25}]})";
  absl::StatusOr<std::map<std::string, std::vector<double>>> runs = NsPerElementByRun(json);
  REQUIRE(runs.ok());
  CHECK(runs->size() == 2);
  CHECK(runs->at("sct_init/n:100") == std::vector<double>{12.5, 13});
  CHECK(runs->at("memcpy/n:100") == std::vector<double>{0.25});
}

TEST_CASE("NsPerElementByRun refuses what is not strict Google Benchmark JSON", "[json]") {
  CHECK_FALSE(NsPerElementByRun("").ok());
  CHECK_FALSE(NsPerElementByRun("{\"benchmarks\": [").ok());
  CHECK_FALSE(NsPerElementByRun("{\"context\": {\"executable\": \"\xc3\x28\"}, \"benchmarks\": []}").ok());
  CHECK_FALSE(NsPerElementByRun("{\"context\": {}}").ok());
  CHECK_FALSE(NsPerElementByRun(R"({"benchmarks": [{"run_type": "iteration", "run_name": "a"}]})").ok());
  CHECK(NsPerElementByRun(R"({"benchmarks": []})").ok());
}

}  // namespace
}  // namespace dispatchlab
