// The scenario table and what is generated from it: every cross-reference a row makes names a row or a
// source, the sets keep the lists the CLI and the report had when they were written by hand, the mp
// choices take their names from the table, and cases.py mirrors exactly the rows marked `cpython_case`.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "experiments/base/json.h"
#include "experiments/cpython/reference_figures.h"
#include "experiments/report/report.h"
#include "experiments/scenarios/scenarios.h"
#include "experiments/shm/mp_run.h"
#include "tests/cli/spawn.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using Names = std::vector<std::string>;

TEST_CASE("every reference and comparison of the scenario table names a row", "[scenarios]") {
  int own_reference = 0;
  for (const Scenario& s : ScenarioTable()) {
    INFO("scenario " << s.name);
    CHECK(ScenarioFromName(s.reference).ok());
    if (s.reference == s.name) ++own_reference;
    CHECK(s.run != nullptr);
    for (const ScenarioComparison& c : s.comparisons) {
      if (c.caption.empty()) continue;
      if (!c.to.empty()) CHECK(ScenarioFromName(c.to).ok());
      // Without its own figure, a comparison with the reference prints the quoted CPython ratio.
      if (c.seed.empty()) CHECK(s.cpython.ratio > 0);
    }
    if (s.cpython.ratio > 0) {
      const std::optional<cpython::ReferenceFigure> f = cpython::ReferenceRatio(s.name);
      REQUIRE(f.has_value());
      CHECK(f->source != nullptr);  // the source id names a row of reference_figures.def
    }
  }
  CHECK(own_reference == 1);
  CHECK(ReferenceScenario() == "sct_subscript");
}

TEST_CASE("the scenario sets give the lists the commands and the report used before the table",
          "[scenarios]") {
  CHECK(ScenariosIn(kSetSeedSuite) == ScenarioNames());
  CHECK(ScenariosIn(kSetDefault) == Names{"sct_init", "sct_subscript"});
  CHECK(ScenariosIn(kSetReportCounts) == Names{"sct_init", "sct_subscript"});
  // Table order: sct_subscript moved from last to second (docs/report.md).
  CHECK(ScenariosIn(kSetReportAttribution) ==
        Names{"sct_init", "sct_subscript", "ct_init", "sct_init_setslice", "sct_subscript_tuple"});
  CHECK(ScenariosIn(kSetReportSweep) == Names{"sct_init", "sct_subscript", "ct_init", "ct_subscript",
                                              "sct_init_direct", "sct_subscript_tuple", "sct_buffer_copy",
                                              "plain_loop"});
  CHECK(ScenariosIn(kSetCpythonListReference) == Names{"sct_subscript_list"});
  const report::ReportOptions options;
  CHECK(options.attribution_scenarios == ScenariosIn(kSetReportAttribution));
  CHECK(options.sweep_reference == "sct_subscript");
}

TEST_CASE("the mp choices are store and the scenarios with an mp path, in the order they had",
          "[scenarios]") {
  Names names;
  for (const MpScenarioInfo& info : MpScenarioTable()) names.emplace_back(info.name);
  CHECK(names == Names{"store", "memcpy", "sct_init", "sct_subscript"});
}

TEST_CASE("the patched interpreter of a scenario is installed for its call and restored after it",
          "[scenarios]") {
  testing::RuntimeScope scope;
  const Scenario* patch_b = *ScenarioFromName("sct_init_setslice");
  const Scenario* patch_a = *ScenarioFromName("sct_init_direct");
  REQUIRE(GetArrayInitBody() == ArrayInitBody::kPerElement);
  {
    ScopedScenarioInterpreter patched(*patch_b, LayerSet::All());
    CHECK(GetArrayInitBody() == ArrayInitBody::kOneSlice);
    CHECK(ActiveLayers() == LayerSet::All());
    ScopedScenarioInterpreter inner(*patch_a, LayerSet::All());
    CHECK(GetArrayInitBody() == ArrayInitBody::kPerElement);
    CHECK_FALSE(ActiveLayers().Has(Layer::kTrampoline));
  }
  CHECK(GetArrayInitBody() == ArrayInitBody::kPerElement);
}

TEST_CASE("cases.py has a case for exactly the scenarios marked cpython_case", "[scenarios][cpython]") {
  constexpr char kPython[] = "/usr/bin/python3";
  if (access(kPython, X_OK) != 0) {
    WARN("skipped: /usr/bin/python3 is not installed");
    return;
  }
  const testing::ChildResult list = testing::RunChild(
      {kPython, std::string(DISPATCHLAB_SOURCE_DIR) + "/experiments/cpython/cases.py", "list"});
  REQUIRE(list.exit_status == 0);
  const Json cases = Json::parse(list.out);
  Names real;
  for (const Json& c : cases.at("cases")) real.push_back(c.at("case").get<std::string>());
  Names marked;
  for (const Scenario& s : ScenarioTable()) {
    if (s.cpython_case) marked.emplace_back(s.name);
  }
  std::sort(real.begin(), real.end());
  std::sort(marked.begin(), marked.end());
  CHECK(real == marked);
}

}  // namespace
}  // namespace dispatchlab
