// `dispatchlab cpython` end to end: the real side's script verifies what it runs; every missing piece (an
// interpreter, numpy, ctypes, valgrind) and every bad flag is one line and exit 2 with nothing on stdout;
// small runs of both metrics print JSON that parses strictly with the documented keys. The callgrind run
// uses n = 2000 and list cases only (no numpy import under valgrind), to keep the suite short.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "experiments/base/json.h"
#include "experiments/cpython/marginal.h"
#include "tests/cli/spawn.h"

namespace dispatchlab::testing {
namespace {

constexpr char kPython[] = "/usr/bin/python3";
const std::string kCasesPy = std::string(DISPATCHLAB_SOURCE_DIR) + "/experiments/cpython/cases.py";

// Strict RFC 8259 with UTF-8 strings (experiments/base/json.h), as every parsed output of the CLI.
Json Parse(const std::string& text) {
  absl::StatusOr<Json> doc = ParseJson(text);
  INFO(text.substr(0, 2000));
  REQUIRE(doc.ok());
  return *doc;
}

bool HavePython() { return access(kPython, X_OK) == 0; }

bool HaveNumpy() { return HavePython() && RunChild({kPython, "-c", "import numpy"}).exit_status == 0; }

bool HaveValgrind() { return RunChild({"/bin/sh", "-c", "command -v valgrind"}).exit_status == 0; }

// Whether `cpython --metric=instructions` can run here (Debian's python3 and valgrind, and a build valgrind
// can run: not AddressSanitizer's); says why not.
bool CanCountUnderCallgrind() {
  if (kSanitized) {
    WARN("skipped: valgrind cannot run a program built with AddressSanitizer");
    return false;
  }
  if (HavePython() && HaveValgrind()) return true;
  WARN("skipped: needs /usr/bin/python3 and valgrind");
  return false;
}

void ExpectOneLineError(const ChildResult& r, const std::string& mentions) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(LineCount(r.err) == 1);
  CHECK(absl::StartsWith(r.err, "dispatchlab: cpython: "));
  CHECK(absl::StrContains(r.err, mentions));
}

// An executable shell script in `dir` running Debian's python3 with `prefix` before its arguments.
std::string Wrapper(const std::string& dir, const std::string& name, const std::string& body) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  chmod(path.c_str(), 0755);
  return path;
}

TEST_CASE("cases.py runs every case, verifies each result, and refuses a wrong one", "[cpython]") {
  if (!HaveNumpy()) {
    WARN("skipped: /usr/bin/python3 with numpy is not installed (apt-get install -y python3-numpy)");
    return;
  }
  const ChildResult list = RunChild({kPython, kCasesPy, "list"});
  REQUIRE(list.exit_status == 0);
  const Json cases = Parse(list.out);
  REQUIRE(cases["cases"].size() >= 10);
  for (const Json& c : cases["cases"]) {
    const std::string name = c["case"].get<std::string>();
    for (const char* mode : {"time", "count"}) {
      const ChildResult r =
          RunChild({kPython, kCasesPy, mode, name, "--n=2000", "--calls=2", "--min-time=0"});
      INFO(name << " " << mode << ": " << r.err);
      REQUIRE(r.exit_status == 0);
      const Json out = Parse(r.out);
      CHECK(out["case"] == name);
      CHECK(out["n"] == 2000);
      if (std::string(mode) == "time") CHECK(out["ns_per_element"].get<double>() > 0);
    }
  }
  // The check itself: a result that differs from the source is refused with exit 2.
  const ChildResult wrong =
      RunChild({kPython, "-c",
                absl::StrCat("ns = {'__name__': 'cases'}; exec(open('", kCasesPy,
                             "').read(), ns); ns['verify']('sct_init', [1, 2, 3], [1, 2, 4])")});
  CHECK(wrong.exit_status == 2);
  CHECK(absl::StrContains(wrong.err, "the result differs from the source values"));
  const ChildResult bad = RunChild({kPython, kCasesPy, "time", "sct_init", "--n=zero"});
  CHECK(bad.exit_status == 2);
  CHECK(LineCount(bad.err) == 1);
}

TEST_CASE("cpython rejects bad flags with one line and exit 2", "[cpython]") {
  ExpectOneLineError(RunCli({"cpython", "--rounds=0"}), "--rounds=0");
  ExpectOneLineError(RunCli({"cpython", "--rounds=many"}), "--rounds=many");
  ExpectOneLineError(RunCli({"cpython", "--metric=instructions", "--rounds=3"}),
                     "--rounds is for --metric=time");
  ExpectOneLineError(RunCli({"cpython", "--metric=cycles"}), "cycles");
  ExpectOneLineError(RunCli({"cpython", "--by-function"}), "--by-function goes with --metric=instructions");
  ExpectOneLineError(RunCli({"cpython", "--cache-sim"}), "--cache-sim goes with --metric=instructions");
  ExpectOneLineError(RunCli({"cpython", "--python-env=PYTHONMALLOC"}), "is not NAME=VALUE");
  ExpectOneLineError(RunCli({"cpython", "--python-env=A=1,A=2"}), "--python-env: A is given twice");
  ExpectOneLineError(RunCli({"cpython", "--min-time=-1"}), "--min-time");
  ExpectOneLineError(RunCli({"cpython", "--python=/no/such/python3"}),
                     "/no/such/python3 is not an executable");
  ExpectOneLineError(RunCli({"cpython", "--python=/bin/true"}), "is not a Python interpreter");
  ExpectOneLineError(RunCli({"cpython", "--python=/bin/ls"}), "is not a Python interpreter");
  // Without valgrind on PATH, --metric=instructions names the package.
  ExpectOneLineError(
      RunChild({"/usr/bin/env", "PATH=/nonexistent", DISPATCHLAB_CLI, "cpython", "--metric=instructions"}),
      "apt-get install -y valgrind");
}

TEST_CASE("cpython names what the interpreter lacks: numpy, ctypes, a real counterpart", "[cpython]") {
  if (!HavePython()) {
    WARN("skipped: /usr/bin/python3 is not installed");
    return;
  }
  TempDir tmp;
  // Debian's numpy lives in dist-packages, which `python3 -S` (no site) does not see.
  const std::string no_numpy =
      Wrapper(tmp.path, "python-no-numpy", absl::StrCat("exec ", kPython, " -S \"$@\""));
  ExpectOneLineError(RunCli({"cpython", "sct_init", "--python=" + no_numpy}),
                     "apt-get install -y python3-numpy");
  // A module named _ctypes that fails to import shadows the real one.
  std::ofstream(tmp.path + "/_ctypes.py") << "raise ImportError('no _ctypes in this test')\n";
  const std::string no_ctypes = Wrapper(tmp.path, "python-no-ctypes",
                                        absl::StrCat("PYTHONPATH=", tmp.path, " exec ", kPython, " \"$@\""));
  ExpectOneLineError(RunCli({"cpython", "sct_init_list", "--python=" + no_ctypes}), "has no working ctypes");
  ExpectOneLineError(RunCli({"cpython", "sct_init_direct", "--python=" + no_numpy}),
                     "has no real counterpart");
  ExpectOneLineError(RunCli({"cpython", "plain_loop", "--python=" + no_numpy}), "has no real counterpart");
  // An environment that stops the interpreter from starting is blamed on --python-env, not on --python.
  ExpectOneLineError(RunCli({"cpython", "sct_subscript_list", "--python-env=PYTHONHOME=/nonexistent"}),
                     "--python-env=PYTHONHOME=/nonexistent: /usr/bin/python3 does not run with it:");
  unlink((tmp.path + "/_ctypes.py").c_str());
  unlink(no_numpy.c_str());
  unlink(no_ctypes.c_str());
}

void CheckSide(const Json& side, const char* value_key) {
  REQUIRE(side.is_object());
  CHECK(side[value_key].get<double>() > 0);
  CHECK(side["ratio"].get<double>() > 0);
}

TEST_CASE("cpython --metric=time prints strict JSON with both sides for list cases", "[cpython]") {
  if (!HavePython()) {
    WARN("skipped: /usr/bin/python3 is not installed");
    return;
  }
  const ChildResult r = RunCli({"cpython", "sct_init_list", "sct_subscript_list", "--n=2000", "--rounds=2",
                                "--min-time=0.001", "--format=json"},
                               300);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  const Json doc = Parse(r.out);
  REQUIRE(doc["results"].size() == 2);
  for (const Json& result : doc["results"]) {
    CheckSide(result["cpython"], "ns_per_element");
    CheckSide(result["dispatchlab"], "ns_per_element");
    CHECK(result["cpython"]["rounds_ns_per_element"].size() == 2);
    CHECK(result["cpython"]["peak_rss_kb"].get<int64_t>() > 0);
    CHECK(result["dispatchlab"]["peak_rss_kb"].get<int64_t>() > 0);
    CHECK(result["ratio_delta"].is_number());
    CHECK(result["verdict"].is_string());
    CHECK(result["reference"] == "sct_subscript_list");
    CHECK(result["profile"] == "cpython311");
  }
  CHECK(doc["results"][1]["cpython"]["ratio"] == 1.0);
  const Json& meta = doc["metadata"];
  // Two rounds are too few for a comparison; the advice names cpython's own flag.
  CHECK(absl::StrContains(meta["stability"].dump(), "recommended: --rounds=9"));
  CHECK(meta["metric"] == "time");
  CHECK(meta["rounds"] == 2);
  REQUIRE(meta["interpreters"].size() == 1);
  CHECK(meta["interpreters"][0]["version"].is_string());
  CHECK(meta["interpreters"][0]["ctypes"].get<std::string>().find("_ctypes") != std::string::npos);
  CHECK(meta["dispatchlab"]["machine"].is_object());
  // cpython311 keeps CPython 3.11's reference counting: the model side runs in the untagged build wherever
  // it is built (every build but the sanitizers': tests/CMakeLists.txt), else in the counting-free one.
#ifdef DISPATCHLAB_UNTAGGED_CLI
  CHECK(meta["interpreters"][0]["model_binary"] == "dispatchlab-untagged");
#else
  CHECK(meta["interpreters"][0]["model_binary"] == "dispatchlab-nocount");
#endif
}

TEST_CASE("cpython adds the reference case when the named cases leave it out", "[cpython]") {
  if (!HavePython()) {
    WARN("skipped: /usr/bin/python3 is not installed");
    return;
  }
  const ChildResult r = RunCli(
      {"cpython", "sct_init_list", "--n=2000", "--rounds=1", "--min-time=0.001", "--format=json"}, 300);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  const Json doc = Parse(r.out);
  REQUIRE(doc["results"].size() == 2);
  const Json& added = doc["results"][1];
  // sct_subscript where numpy imports (Debian's python3-numpy), sct_subscript_list where it does not.
  const bool numpy = doc["metadata"]["interpreters"][0]["numpy"].is_string();
  CHECK(added["scenario"] == (numpy ? "sct_subscript" : "sct_subscript_list"));
  for (const Json& result : doc["results"]) CHECK(result["reference"] == added["scenario"]);
  CHECK(added["cpython"]["ratio"] == 1.0);
  CHECK(added["verdict"] == "reference");
  CHECK(doc["results"][0]["cpython"]["ratio"].get<double>() != 1.0);
}

TEST_CASE("cpython runs each profile in the build that serves it and names the build", "[cpython]") {
  if (!HavePython()) {
    WARN("skipped: /usr/bin/python3 is not installed");
    return;
  }
  // cpython313 switches the immortal layer on: dispatchlab-immortal runs it (ImmortalBuildRuns) where it is
  // built beside the CLI (not in the sanitizer builds, which build only the two switchable CLIs: there the
  // command falls back to dispatchlab-nocount); cpython313t adds atomic_refcount, which only the switchable
  // builds have.
#ifdef DISPATCHLAB_IMMORTAL_CLI
  const char* immortal_build = "dispatchlab-immortal";
#else
  const char* immortal_build = "dispatchlab-nocount";
#endif
  for (const auto& [profile, build] :
       {std::pair{"cpython313", immortal_build}, std::pair{"cpython313t", "dispatchlab-nocount"}}) {
    const ChildResult r = RunCli({"cpython", "sct_subscript_list", "--n=2000", "--rounds=1",
                                  "--min-time=0.001", std::string("--profile=") + profile},
                                 300);
    INFO(r.err);
    REQUIRE(r.exit_status == 0);
    CHECK(absl::StrContains(r.out, absl::StrCat("|  ", build, ", profile ", profile, "\n")));
    // The test builds have no LTO, so the table says that Debian's interpreter is held against another
    // kind of build (docs/faithfulness.md, round 11).
    CHECK(absl::StrContains(
        r.out, "\nbuild: /usr/bin/python3 is built with LTO and PGO and this model build is not;"));
  }
}

TEST_CASE("cpython --metric=instructions counts both sides under callgrind, with --by-function",
          "[cpython]") {
  if (!CanCountUnderCallgrind()) return;
  const ChildResult r = RunCli({"cpython", "sct_init_list", "sct_subscript_list", "--metric=instructions",
                                "--n=2000", "--by-function", "--format=json"},
                               900);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  const Json doc = Parse(r.out);
  REQUIRE(doc["results"].size() == 2);
  for (const Json& result : doc["results"]) {
    CheckSide(result["cpython"], "instructions_per_element");
    CheckSide(result["dispatchlab"], "instructions_per_element");
    REQUIRE(result["cpython"]["functions"].size() > 0);
    REQUIRE(result["dispatchlab"]["functions"].size() > 0);
    // Every element's store is at least one call into a C function (Array_ass_item or its callers).
    CHECK(result["cpython"]["calls_per_element"].get<double>() >= 1);
    CHECK(result["dispatchlab"]["calls_per_element"].get<double>() >= 1);
    // ... reached through at least one pointer (the sequence slot, the setfunc), on both sides, and
    // every element's loop tests at least one condition.
    for (const char* side : {"cpython", "dispatchlab"}) {
      CHECK(result[side]["indirect_branches_per_element"].get<double>() >= 1);
      CHECK(result[side]["conditional_branches_per_element"].get<double>() >= 1);
    }
  }
  // A few hundred instructions per element at least: the loop stores through a C function per element.
  CHECK(doc["results"][0]["cpython"]["instructions_per_element"].get<double>() > 100);
  // Some CPython and some model functions of sct_init_list fall in layers (setfunc: i_set / Array_ass_item).
  auto layered = [](const Json& functions) {
    int n = 0;
    for (const Json& f : functions) n += f["layer"].is_string();
    return n;
  };
  CHECK(layered(doc["results"][0]["cpython"]["functions"]) > 0);
  CHECK(layered(doc["results"][0]["dispatchlab"]["functions"]) > 0);
  CHECK(doc["metadata"]["metric"] == "instructions");
  // Without --cache-sim, the cache simulation's counts are null (and the branch simulation's are numbers),
  // and no cache is named.
  for (const Json& result : doc["results"]) {
    for (const char* side : {"cpython", "dispatchlab"}) {
      for (const cpython::EventCountInfo& row : cpython::EventCountTable()) {
        INFO(row.key);
        CHECK(result[side][std::string(row.key)].is_null() ==
              (row.simulation == cpython::Simulation::kCache));
      }
    }
  }
  CHECK(doc["metadata"]["simulated_caches"] == Json::array());
}

TEST_CASE("cpython --cache-sim counts data reads, writes and simulated cache misses on both sides",
          "[cpython]") {
  if (!CanCountUnderCallgrind()) return;
  const ChildResult r = RunCli(
      {"cpython", "sct_subscript_list", "--metric=instructions", "--n=2000", "--cache-sim", "--format=json"},
      900);
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  const Json doc = Parse(r.out);
  REQUIRE(doc["results"].size() == 1);
  for (const char* side : {"cpython", "dispatchlab"}) {
    const Json& s = doc["results"][0][side];
    // Each element's store reads its source item and writes the array's buffer at least.
    CHECK(s["data_reads_per_element"].get<double>() >= 1);
    CHECK(s["data_writes_per_element"].get<double>() >= 1);
    // Misses are per element, not negative beyond the marginal's rounding, and far fewer than accesses.
    for (const char* key :
         {"l1d_misses_per_element", "l1i_misses_per_element", "last_level_misses_per_element"}) {
      CHECK(s[key].get<double>() > -0.01);
      CHECK(s[key].get<double>() < s["data_reads_per_element"].get<double>());
    }
    CHECK(s["indirect_branches_per_element"].get<double>() >= 1);  // the branch simulation stays on
    for (const cpython::EventCountInfo& row : cpython::EventCountTable()) {
      INFO(row.key);
      CHECK(s[std::string(row.key)].is_number());  // every row, both simulations on
    }
  }
  const Json& caches = doc["metadata"]["simulated_caches"];
  REQUIRE(caches.size() == 3);
  CHECK(caches[0].get<std::string>().rfind("I1 cache: ", 0) == 0);
  CHECK(caches[1].get<std::string>().rfind("D1 cache: ", 0) == 0);
  CHECK(caches[2].get<std::string>().rfind("LL cache: ", 0) == 0);
}

}  // namespace
}  // namespace dispatchlab::testing
