// dispatchlab-untagged (CMakeLists.txt; core/layers.h, kTaggedCompiledIn): the build the model side of
// `dispatchlab cpython` runs in for CPython 3.6 to 3.11's profiles, with Py_INCREF, Py_DECREF and Py_TYPE
// as CPython 3.11 has them. It runs the scenarios under those profiles and refuses, with one line and exit
// 2, every layer set and every command it cannot honour.
//
// Built only where the test suite asks for it (not under the sanitizers: tests/CMakeLists.txt), so the
// cases exist only where DISPATCHLAB_UNTAGGED_CLI names the binary.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "core/layers.h"
#include "experiments/base/json.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

// A build with fixed layers runs exactly `profiles`; from `base`, switching one of the `fixed` layers (named
// here, not read from the build's masks) leaves what it runs, switching any other does not.
void CheckFixedBuild(bool (*runs)(LayerSet), const std::set<std::string>& profiles, const char* base,
                     const std::set<std::string>& fixed) {
  for (const Profile& p : ProfileTable()) {
    INFO(p.name);
    CHECK(runs(p.layers) == (profiles.count(std::string(p.name)) > 0));
  }
  const LayerSet layers = ProfileFromName(base)->layers;
  for (const LayerInfo& info : LayerTable()) {
    INFO(base << " with " << info.name << " switched");
    const LayerSet switched = layers.Has(info.layer) ? layers.Without(info.layer) : layers.With(info.layer);
    CHECK(runs(switched) == (fixed.count(std::string(info.name)) == 0));
  }
}

TEST_CASE("the untagged builds run exactly their profiles, whatever the layers they do not fix",
          "[layers][untagged]") {
  // Both fix the boxing layers on, atomic_refcount off; dispatchlab-untagged immortal and thread_state
  // off (3.6, 3.11), dispatchlab-immortal both on (3.12, 3.13).
  const std::set<std::string> fixed = {"boxing", "index_boxing", "immortal", "atomic_refcount",
                                       "thread_state"};
  CheckFixedBuild(UntaggedBuildRuns, {"cpython36", "cpython311"}, "cpython311", fixed);
  CheckFixedBuild(ImmortalBuildRuns, {"cpython312", "cpython313"}, "cpython312", fixed);
  // This build (the test suite's) switches every layer: it runs every set.
  CHECK(kTaggedCompiledIn);
  CHECK(CheckBuildRuns(LayerSet::None()).ok());
  CHECK(CheckBuildRuns(LayerSet::All()).ok());
}

#if defined(DISPATCHLAB_UNTAGGED_CLI) || defined(DISPATCHLAB_IMMORTAL_CLI)

// One run of the untagged build at `binary` (DISPATCHLAB_UNTAGGED_CLI or DISPATCHLAB_IMMORTAL_CLI).
ChildResult RunBuild(const char* binary, const std::vector<std::string>& args) {
  std::vector<std::string> argv{binary};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChild(argv, 120);
}

// The build refuses `args` with one line that names `mentions`, exit 2 and nothing on stdout.
void ExpectRefusedBy(const char* binary, const std::vector<std::string>& args, const std::string& mentions) {
  const ChildResult r = RunBuild(binary, args);
  INFO(binary << " " << absl::StrJoin(args, " ") << "\nstderr: " << r.err);
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(LineCount(r.err) == 1);
  CHECK(absl::StartsWith(r.err, "dispatchlab: "));
  CHECK(absl::StrContains(r.err, mentions));
}

#endif

#ifdef DISPATCHLAB_UNTAGGED_CLI

ChildResult RunUntagged(const std::vector<std::string>& args) {
  return RunBuild(DISPATCHLAB_UNTAGGED_CLI, args);
}

void ExpectRefused(const std::vector<std::string>& args, const std::string& mentions) {
  ExpectRefusedBy(DISPATCHLAB_UNTAGGED_CLI, args, mentions);
}

TEST_CASE("dispatchlab-untagged names itself and runs the cpython311 and cpython36 scenarios",
          "[cli][untagged]") {
  const ChildResult version = RunUntagged({"--version"});
  REQUIRE(version.exit_status == 0);
  CHECK(absl::StrContains(version.out, "counting compiled out, untagged"));
  // Its usage lines name it, not dispatchlab.
  CHECK(absl::StartsWith(RunUntagged({"--help"}).out, "usage: dispatchlab-untagged COMMAND"));
  CHECK(absl::StartsWith(RunUntagged({"run", "--help"}).out, "usage: dispatchlab-untagged run "));
  CHECK(absl::StrContains(RunUntagged({}).err, "see 'dispatchlab-untagged --help'"));

  // The scenarios with a real counterpart, timed under both profiles the untagged build serves (what they
  // store is checked in-process, against the source, by tests/untagged/untagged_semantics_test.cc).
  for (const char* profile : {"--profile=cpython311", "--profile=cpython36"}) {
    const ChildResult r =
        RunUntagged({"run", "sct_init", "sct_subscript", "sct_init_list", "sct_subscript_tuple", "--n=2000",
                     "--repetitions=1", "--min-time=0.001", profile, "--no-interleave", "--format=json"});
    INFO(profile << "\n" << r.err);
    REQUIRE(r.exit_status == 0);
    absl::StatusOr<Json> doc = ParseJson(r.out);
    REQUIRE(doc.ok());
    int timed = 0;
    for (const Json& b : (*doc)["benchmarks"]) {
      if (b.value("run_type", "") != "iteration") continue;
      CHECK(b["ns_per_element"].get<double>() > 0);
      ++timed;
    }
    CHECK(timed == 4);
  }
  const ChildResult listed = RunUntagged({"list", "--format=json"});
  CHECK(listed.exit_status == 0);
  absl::StatusOr<Json> list_doc = ParseJson(listed.out);
  REQUIRE(list_doc.ok());
  // Its outputs say which binary made them (docs/cli.md, "The metadata object").
  CHECK((*list_doc)["metadata"]["binary"] == "dispatchlab-untagged");
}

TEST_CASE("dispatchlab-untagged refuses the layer sets and commands it cannot honour, with one line",
          "[cli][untagged]") {
  ExpectRefused({"run", "sct_init", "--n=100", "--layers=-boxing"}, "cannot switch -boxing");
  ExpectRefused({"run", "sct_init", "--n=100", "--layers=-index_boxing"}, "cannot switch -index_boxing");
  ExpectRefused({"run", "sct_init", "--n=100", "--layers=+thread_state"}, "cannot switch +thread_state");
  ExpectRefused({"run", "sct_init", "--n=100", "--profile=cpython312"}, "+immortal");
  ExpectRefused({"run", "sct_init", "--n=100", "--profile=direct"}, "-boxing");
  // The bitmask of the `direct` profile (every layer off) as valgrind's child would get it.
  ExpectRefused({"profile-child", "sct_init", "--n=100", "--configs=0x0"},
                "profile-child: dispatchlab-untagged");
  // The commands that switch layers themselves are not built into it (experiments/components.cmake); a
  // name it does not know gets the same line, naming the builds that have every command.
  for (const char* command : {"counts", "attribute", "sweep", "perf", "profile", "report", "explore", "mp",
                              "alloc", "cpython", "rnu"}) {
    ExpectRefused(
        {command},
        "for dispatchlab-untagged, which runs only run, list and the model side of 'dispatchlab cpython'");
  }
  const ChildResult help = RunUntagged({"--help"});
  REQUIRE(help.exit_status == 0);
  CHECK(absl::StrContains(help.out, "  run "));
  CHECK_FALSE(absl::StrContains(help.out, "  attribute "));
}

#endif  // DISPATCHLAB_UNTAGGED_CLI

#ifdef DISPATCHLAB_IMMORTAL_CLI

ChildResult RunImmortal(const std::vector<std::string>& args) {
  return RunBuild(DISPATCHLAB_IMMORTAL_CLI, args);
}

TEST_CASE("dispatchlab-immortal names itself, runs the cpython312 and cpython313 scenarios, refuses the rest",
          "[cli][untagged]") {
  const ChildResult version = RunImmortal({"--version"});
  REQUIRE(version.exit_status == 0);
  CHECK(absl::StrContains(version.out, "counting compiled out, untagged, immortal inline"));
  CHECK(absl::StartsWith(RunImmortal({"--help"}).out, "usage: dispatchlab-immortal COMMAND"));
  CHECK(absl::StartsWith(RunImmortal({"list", "--help"}).out, "usage: dispatchlab-immortal list"));
  for (const char* profile : {"--profile=cpython312", "--profile=cpython313"}) {
    const ChildResult r =
        RunImmortal({"run", "sct_init", "sct_init_list", "sct_subscript_list", "--n=2000", "--repetitions=1",
                     "--min-time=0.001", profile, "--no-interleave", "--format=json"});
    INFO(profile << "\n" << r.err);
    REQUIRE(r.exit_status == 0);
    absl::StatusOr<Json> doc = ParseJson(r.out);
    REQUIRE(doc.ok());
    int timed = 0;
    for (const Json& b : (*doc)["benchmarks"]) {
      if (b.value("run_type", "") == "iteration") ++timed;
    }
    CHECK(timed == 3);
  }
  // Without --profile it runs the first profile it can (3.12's), and its help lists only those it runs.
  const ChildResult plain = RunImmortal(
      {"run", "sct_subscript_list", "--n=1000", "--repetitions=1", "--min-time=0.001", "--format=json"});
  INFO(plain.err);
  CHECK(plain.exit_status == 0);
  CHECK(ParseJson(plain.out).ok());
  const ChildResult help = RunImmortal({"run", "--help"});
  REQUIRE(help.exit_status == 0);
  CHECK(absl::StrContains(help.out, "CPython profile: cpython312, cpython313 (default: cpython312)"));
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {{"run", "sct_init", "--n=100", "--profile=cpython311"},
       "dispatchlab-immortal cannot switch -immortal"},
      {{"run", "sct_init", "--n=100", "--profile=cpython313t"}, "+atomic_refcount"},
      {{"run", "sct_init", "--n=100", "--profile=cpython312", "--layers=-boxing"}, "-boxing"},
      {{"attribute"}, "for dispatchlab-immortal, which runs only run, list and the model side"},
  };
  for (const auto& [args, mentions] : refused) ExpectRefusedBy(DISPATCHLAB_IMMORTAL_CLI, args, mentions);
}

#endif  // DISPATCHLAB_IMMORTAL_CLI

}  // namespace
}  // namespace dispatchlab::testing
