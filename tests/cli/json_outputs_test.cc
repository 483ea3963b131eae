// Every --format=json output of every command, through the binary: parsed strictly (RFC 8259, UTF-8
// strings, nothing after the document) and held against the schema docs/cli.md shows for it, so a key
// added to an output without the docs, or documented without the output, fails here.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "core/layers.h"
#include "experiments/base/json.h"
#include "experiments/cli/commands.h"
#include "tests/cli/json_schema.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

std::map<std::string, Json> DocumentedSchemas() {
  std::ifstream in(std::string(DISPATCHLAB_SOURCE_DIR) + "/docs/cli.md");
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::map<std::string, Json>> schemas = SchemasFromMarkdown(text.str());
  INFO(schemas.status().message());
  REQUIRE(schemas.ok());
  return *schemas;
}

bool HaveValgrind() { return RunChild({"/bin/sh", "-c", "command -v valgrind"}, 10).exit_status == 0; }

void CheckOutput(const std::vector<std::string>& args, const std::string& schema_name) {
  static const std::map<std::string, Json> schemas = DocumentedSchemas();
  INFO("dispatchlab " << absl::StrJoin(args, " "));
  const ChildResult r = RunCli(args, 300);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_status == 0);
  absl::StatusOr<Json> doc = ParseJson(r.out);
  INFO(doc.status().message());
  REQUIRE(doc.ok());
  REQUIRE(schemas.count(schema_name) == 1);
  const std::vector<std::string> problems = SchemaMismatches(schemas.at(schema_name), *doc, schemas);
  INFO(absl::StrJoin(problems, "\n"));
  CHECK(problems.empty());
}

TEST_CASE("the schema checker catches missing, extra and mistyped keys", "[cli][json]") {
  const std::map<std::string, Json> named = {{"inner", Json{{"x", "integer"}}}};
  const Json schema = {{"a", "string"}, {"b?", "number|null"}, {"c", {"@inner"}}, {"d", {{"*", "boolean"}}}};
  CHECK(SchemaMismatches(schema, Json{{"a", "s"}, {"c", {{{"x", 1}}}}, {"d", {{"p", true}}}}, named).empty());
  CHECK(SchemaMismatches(schema,
                         Json{{"a", "s"}, {"b", nullptr}, {"c", Json::array()}, {"d", Json::object()}}, named)
            .empty());
  CHECK(SchemaMismatches(schema, Json{{"c", Json::array()}, {"d", Json::object()}}, named).size() ==
        1);  // no a
  CHECK(SchemaMismatches(schema, Json{{"a", 1}, {"c", Json::array()}, {"d", Json::object()}}, named).size() ==
        1);
  CHECK(SchemaMismatches(schema, Json{{"a", "s"}, {"c", {{{"x", 1.5}}}}, {"d", {{"p", 1}}}}, named).size() ==
        2);
  CHECK(
      SchemaMismatches(schema, Json{{"a", "s"}, {"c", Json::array()}, {"d", Json::object()}, {"e", 1}}, named)
          .size() == 1);                             // e is not documented
  CHECK_FALSE(ParseJson("{\"a\": \"\xff\"}").ok());  // not UTF-8
  CHECK_FALSE(ParseJson("{\"a\": 1} x").ok());       // trailing bytes
}

TEST_CASE("every documented schema parses and every schema reference resolves", "[cli][json]") {
  const std::map<std::string, Json> schemas = DocumentedSchemas();
  for (const char* name : {"metadata", "stability", "run", "counts", "list", "sweep", "mp", "mp-one-worker",
                           "alloc", "attribute", "profile", "cpython", "cpython-side"}) {
    INFO(name);
    CHECK(schemas.count(name) == 1);
  }
}

TEST_CASE("every command with --format=json has a schema in docs/cli.md", "[cli][json]") {
  const std::map<std::string, Json> schemas = DocumentedSchemas();
  for (const cli::Command& c : cli::CommandTable()) {
    for (const cli::FlagSpec& flag : c.spec().flags) {
      if (flag.name != "format" || !absl::StrContains(flag.help, "json")) continue;
      INFO("dispatchlab " << c.spec().name
                          << " --format=json: add its schema to docs/cli.md and a test here");
      CHECK(schemas.count(std::string(c.spec().name)) == 1);
    }
  }
}

TEST_CASE("run --format=json is valid UTF-8 Google Benchmark JSON matching docs/cli.md", "[cli][json]") {
  CheckOutput({"run", "sct_init", "sct_subscript", "--n=1000", "--repetitions=2", "--min-time=0.002",
               "--quiet", "--format=json"},
              "run");
}

TEST_CASE("counts, list and sweep --format=json match docs/cli.md", "[cli][json]") {
  CheckOutput({"counts", "sct_init", "sct_subscript", "--n=300", "--format=json"}, "counts");
  CheckOutput({"list", "--format=json"}, "list");
  CheckOutput({"sweep", "sct_init", "sct_subscript", "--n=500,1000", "--repetitions=2", "--min-time=0.002",
               "--quiet", "--format=json"},
              "sweep");
}

TEST_CASE("sweep compares every point with the smallest n, whatever order --n gives", "[cli][json]") {
  const ChildResult r = RunCli({"sweep", "sct_subscript", "--n=400,200", "--repetitions=2",
                                "--min-time=0.001", "--quiet", "--format=json"},
                               120);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  absl::StatusOr<Json> doc = ParseJson(r.out);
  REQUIRE(doc.ok());
  const Json& points = (*doc)["series"][0]["points"];
  REQUIRE(points.size() == 2);
  CHECK(points[0]["n"] == 200);
  CHECK(points[0]["relative"] == 1.0);
  CHECK(points[1]["n"] == 400);
}

TEST_CASE("list --format=json gives each layer's parent from the layer table, null for a top layer",
          "[cli][json]") {
  const ChildResult r = RunCli({"list", "--format=json"}, 60);
  REQUIRE(r.exit_status == 0);
  absl::StatusOr<Json> doc = ParseJson(r.out);
  REQUIRE(doc.ok());
  std::map<std::string, Json> parents;
  for (const Json& layer : (*doc)["layers"]) parents[layer["name"].get<std::string>()] = layer["parent"];
  CHECK(parents.size() == LayerTable().size());
  CHECK(parents["trampoline"].is_null());
  CHECK(parents["call"] == "trampoline");
  CHECK(parents["call_tuple"] == "call");
  CHECK(parents["method_cache"] == "lookup");
  CHECK(parents["conversion"] == "boxing");
  CHECK(parents["frame_object"] == "eval");
  for (const LayerInfo& info : LayerTable()) {
    INFO(info.name);
    if (info.parent.empty()) {
      CHECK(parents[std::string(info.name)].is_null());
    } else {
      CHECK(parents[std::string(info.name)] == std::string(info.parent));
    }
  }
}

// The peak RSS of a counts run, from its JSON metadata.
int64_t CountsMaxRss(const std::string& scenario, const std::string& n) {
  const ChildResult r = RunCli({"counts", scenario, "--n=" + n, "--format=json"}, 300);
  INFO("counts " << scenario << " --n=" << n << ": " << r.err);
  REQUIRE(r.exit_status == 0);
  absl::StatusOr<Json> doc = ParseJson(r.out);
  REQUIRE(doc.ok());
  REQUIRE((*doc)["metadata"].contains("max_rss_bytes"));
  return (*doc)["metadata"]["max_rss_bytes"].get<int64_t>();
}

TEST_CASE("run, sweep and counts report the run's peak RSS, which holds only the scenario's source",
          "[cli][json][memory]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "sct_alloc", "--n=1000", "--repetitions=1", "--min-time=0.001",
                                 "--quiet", "--format=json"},
        std::vector<std::string>{"sweep", "sct_alloc", "--n=500,1000", "--repetitions=1", "--min-time=0.001",
                                 "--quiet", "--format=json"},
        std::vector<std::string>{"counts", "sct_alloc", "--n=1000", "--format=json"}}) {
    INFO("dispatchlab " << absl::StrJoin(args, " "));
    const ChildResult r = RunCli(args, 300);
    REQUIRE(r.exit_status == 0);
    absl::StatusOr<Json> doc = ParseJson(r.out);
    REQUIRE(doc.ok());
    const Json& metadata = args[0] == "run" ? (*doc)["context"]["dispatchlab_metadata"] : (*doc)["metadata"];
    REQUIRE(metadata.contains("max_rss_bytes"));
    CHECK(metadata["max_rss_bytes"].get<int64_t>() > 1000000);  // a process is at least a megabyte
  }
  // At n = 4e6: sct_alloc holds the 16 MB array only; sct_subscript adds the 32 MB int64 source and
  // nothing else (no copy of the values, no list beside it); sct_subscript_list adds the 32 MB list only.
  // Not under AddressSanitizer: its allocator (quarantine, redzones, shadow memory) decides the peak
  // there, so the differences measure ASan rather than the model.
  if (kSanitized) return;
  const int64_t alloc = CountsMaxRss("sct_alloc", "4e6");
  const int64_t numpy = CountsMaxRss("sct_subscript", "4e6");
  const int64_t list = CountsMaxRss("sct_subscript_list", "4e6");
  CHECK(alloc >= 16000000);
  CHECK(numpy - alloc >= 30000000);
  CHECK(numpy - alloc < 40000000);
  CHECK(list - alloc >= 30000000);
  CHECK(list - alloc < 40000000);
}

TEST_CASE("mp and alloc --format=json match docs/cli.md", "[cli][json]") {
  CheckOutput({"mp", "store", "--n=1e4", "--workers=1,2", "--repetitions=2", "--quiet", "--format=json"},
              "mp");
  CheckOutput({"mp", "store", "--n=1e4", "--workers=2", "--repetitions=2", "--quiet", "--format=json"},
              "mp-one-worker");
  CheckOutput({"alloc", "--experiment=sct_alloc,new_arena_36", "--backend=anon,shm", "--n=1000,2000",
               "--repetitions=2", "--min-time=0.001", "--quiet", "--format=json"},
              "alloc");
}

TEST_CASE("attribute --format=json matches docs/cli.md", "[cli][json]") {
  CheckOutput({"attribute", "sct_init", "--layers=trampoline,boxing", "--method=all", "--n=1000",
               "--repetitions=2", "--sample-time=0.001", "--quiet", "--seed=7", "--format=json"},
              "attribute");
  // The sequential design with shared configurations (lookup is unreachable with the trampoline off).
  CheckOutput({"attribute", "sct_init", "--layers=trampoline,lookup", "--method=shapley", "--n=1000",
               "--repetitions=2", "--ci-target=0.5", "--max-repetitions=3", "--sample-time=0.001", "--quiet",
               "--seed=7", "--format=json"},
              "attribute");
}

TEST_CASE("profile --format=json matches docs/cli.md", "[cli][json]") {
  if (kSanitized || !HaveValgrind()) {
    WARN(
        "valgrind is not installed (scripts/setup.sh --with-tools) or this is an ASan build: profile's JSON "
        "not checked");
    return;
  }
  CheckOutput({"profile", "sct_init", "--tool=callgrind", "--n=300", "--format=json"}, "profile");
  CheckOutput({"cpython", "sct_init_list", "sct_subscript_list", "--metric=instructions", "--n=300",
               "--by-function", "--cache-sim", "--format=json"},
              "cpython");
}

}  // namespace
}  // namespace dispatchlab::testing
