// Google Benchmark's own compare.py (Debian's libbenchmark-tools, with python3-scipy under
// /usr/bin/python3) reads two `run --format=json` files taken with different --repetitions and compares
// them row by row: the names carry no settings, the time unit keeps the precision.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "experiments/base/json.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

constexpr const char* kComparePy = "/usr/share/benchmark/compare.py";
constexpr const char* kPython = "/usr/bin/python3";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `run` with `repetitions`, its JSON written to `path`; returns the parsed document.
Json RunToFile(int repetitions, const std::string& path) {
  const ChildResult r = RunCli({"run", "sct_init", "sct_subscript", "--n=1000", "--min-time=0.002", "--quiet",
                                "--format=json", "--repetitions=" + std::to_string(repetitions)},
                               120);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  std::ofstream(path) << r.out;
  absl::StatusOr<Json> doc = ParseJson(r.out);
  REQUIRE(doc.ok());
  return *doc;
}

TEST_CASE("compare.py compares two run JSON files with 3 and 4 repetitions row by row", "[cli][json]") {
  REQUIRE(access(kComparePy, R_OK) == 0);  // scripts/setup.sh installs libbenchmark-tools and python3-scipy
  TempDir dir;
  const std::string a = dir.path + "/a.json", b = dir.path + "/b.json", diff = dir.path + "/diff.json";
  const Json first = RunToFile(3, a);
  const Json second = RunToFile(4, b);
  for (const Json* doc : {&first, &second}) {
    for (const Json& entry : (*doc)["benchmarks"]) {
      CHECK(entry["time_unit"] == "ns");
      const std::string name = entry["name"];
      CHECK(name.rfind(entry["run_name"].get<std::string>(), 0) == 0);
      CHECK(name.find("repeats") == std::string::npos);
      CHECK(name.find("min_time") == std::string::npos);
    }
  }
  CHECK(first["context"]["dispatchlab_repetitions"] == 3);
  CHECK(second["context"]["dispatchlab_repetitions"] == 4);

  const ChildResult r =
      RunChild({kPython, kComparePy, "--no-color", "--dump_to_json", diff, "benchmarks", a, b}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("Invalid input file") == std::string::npos);
  absl::StatusOr<Json> rows = ParseJson(ReadFile(diff));
  REQUIRE(rows.ok());
  REQUIRE(rows->is_array());

  std::set<std::string> names;
  for (const Json& row : *rows) {
    const std::string name = row["name"];
    names.insert(name);
    if (name == "OVERALL_GEOMEAN") continue;
    INFO(name);
    CHECK(row["time_unit"] == "ns");
    if (row["run_type"] == "iteration") {
      // One measurement per repetition both files have: min(3, 4); each old time is the first file's.
      REQUIRE(row["measurements"].size() == 3);
      std::vector<double> old_times;
      for (const Json& entry : first["benchmarks"]) {
        if (entry["name"] == name && entry["run_type"] == "iteration")
          old_times.push_back(entry["real_time"]);
      }
      REQUIRE(old_times.size() == 3);
      for (size_t i = 0; i < 3; ++i) {
        const Json& m = row["measurements"][i];
        CHECK(m["real_time"].get<double>() == Approx(old_times[i]));
        CHECK(m["real_time_other"].get<double>() > 0);
        // A time in ns of a call over 1000 elements: far above the whole units compare.py prints.
        CHECK(m["real_time"].get<double>() > 1000);
      }
      CHECK(row["utest"]["nr_of_repetitions"] == 3);
      CHECK(row["utest"]["nr_of_repetitions_other"] == 4);
    } else {
      CHECK(row["run_type"] == "aggregate");
      CHECK(row["measurements"].size() == 1);
    }
  }
  for (const char* scenario : {"sct_init/n:1000", "sct_subscript/n:1000"}) {
    for (const char* suffix : {"", "_mean", "_median", "_stddev", "_cv"}) {
      INFO(scenario << suffix);
      CHECK(names.count(std::string(scenario) + suffix) == 1);
    }
  }
  CHECK(names.count("OVERALL_GEOMEAN") == 1);
  unlink(a.c_str());
  unlink(b.c_str());
  unlink(diff.c_str());
}

}  // namespace
}  // namespace dispatchlab::testing
