// The data behind the explorable page (experiments/explore/): every configuration counted exactly (checked
// against CountScenario), timed through a synthetic cost model with known costs, nested as the layer table
// says (so the Shapley values are known), layers off a scenario's path found by counting and given one shared
// measurement and a Shapley value of 0; the JSON's schema; the --cpython input's strict parser; the page's
// template. The page itself is driven in a real browser by explore_page_test.py.
#include "experiments/explore/explore.h"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "experiments/explore/page.h"
#include "experiments/scenarios/counts.h"
#include "experiments/scenarios/scenarios.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::explore {
namespace {

using testing::MakeSyntheticSampler;
using testing::SyntheticModel;

SyntheticModel StoryModel() {
  SyntheticModel m;
  m.base = 40;
  m.additive = {{Layer::kTrampoline, 60}, {Layer::kArgsTuple, 10}, {Layer::kBoxing, 30},
                {Layer::kLookup, 20},     {Layer::kCall, 15},      {Layer::kCallTuple, 5}};
  m.interaction = 0;
  // As in the real model (whose counts explore reads): lookup and call run only inside the trampoline,
  // call_tuple only inside call. Configurations with an unreachable layer on share the measurement of the
  // one with it off, so the model must not charge unreachable work.
  m.nested = true;
  return m;
}

ExploreOptions SmallOptions() {
  ExploreOptions o;
  o.scenarios = {"sct_init"};  // sct_subscript is added as the reference
  o.base = ProfileFromName("cpython311")->layers;
  o.chosen = *ParseLayerSpec(kDefaultLayers, LayerSet::None());
  o.n = 200;
  o.repetitions = 2;
  return o;
}

SamplerFactory Synthetic() {
  return [](const SampleTarget&) -> absl::StatusOr<BatchSampler> {
    return MakeSyntheticSampler(StoryModel(), 5);
  };
}

TEST_CASE("explore counts and times every configuration of the chosen layers") {
  absl::StatusOr<ExploreData> data = Explore(SmallOptions(), Synthetic());
  REQUIRE(data.ok());
  REQUIRE(data->space.k() == 6);
  REQUIRE(data->scenarios.size() == 2);
  CHECK(data->scenarios[1].name == "sct_subscript");
  for (const ScenarioExplore& s : data->scenarios) {
    REQUIRE(s.configs.size() == 64);
    const Scenario& scenario = **ScenarioFromName(s.name);
    for (attribution::ConfigMask mask : {0u, 1u, 62u, 63u}) {
      absl::StatusOr<CountReport> counted =
          CountScenario(scenario, 200, data->space.LayersFor(mask), "cpython311");
      REQUIRE(counted.ok());
      CHECK(s.configs[mask].totals.value == counted->totals.value);
    }
    for (const ConfigResult& c : s.configs) {
      CHECK(c.samples.size() == 2);
      CHECK(c.low <= c.mean);
      CHECK(c.mean <= c.high);
    }
  }
}

TEST_CASE("explore finds each scenario's path by counting and gives off-path layers a Shapley value of 0") {
  absl::StatusOr<ExploreData> data = Explore(SmallOptions(), Synthetic());
  REQUIRE(data.ok());
  const ScenarioExplore& init = data->scenarios[0];
  const ScenarioExplore& subscript = data->scenarios[1];
  // RawArray(c_int, l) goes through every layer of the story; the slice assignment only boxes.
  CHECK(init.on_path == std::vector<bool>{true, true, true, true, true, true});
  CHECK(subscript.on_path == std::vector<bool>{false, false, true, false, false, false});
  const SyntheticModel m = StoryModel();
  // A nested cost is paid only when every layer of its chain is on, so Shapley splits it equally over the
  // chain: lookup's 20 half to the trampoline, call's 15 likewise, call_tuple's 5 a third each to the
  // trampoline, call and call_tuple. args_tuple and boxing keep their own.
  const std::map<Layer, double> expected = {{Layer::kTrampoline, 60 + 20.0 / 2 + 15.0 / 2 + 5.0 / 3},
                                            {Layer::kArgsTuple, 10},
                                            {Layer::kBoxing, 30},
                                            {Layer::kLookup, 20.0 / 2},
                                            {Layer::kCall, 15.0 / 2 + 5.0 / 3},
                                            {Layer::kCallTuple, 5.0 / 3}};
  for (int i = 0; i < 6; ++i) {
    const Layer l = data->space.chosen[i];
    INFO(InfoOf(l).name);
    CHECK(init.shapley[i] == Approx(expected.at(l)));
    CHECK(subscript.shapley[i] == Approx(subscript.on_path[i] ? m.additive.at(l) : 0.0));
  }
  // Off-path layers share one measurement: every configuration of the slice assignment is timed as its
  // boxing bit alone.
  const attribution::ConfigMask boxing = 1u << 2;
  for (const ConfigResult& c : subscript.configs) {
    CHECK(c.measured_mask == (c.mask & boxing));
    CHECK(c.samples == subscript.configs[c.mask & boxing].samples);
  }
  // And the synthetic cost of a configuration is what the page shows for it.
  CHECK(init.configs[63].mean == Approx(m.Cost(data->space.LayersFor(63))));
  CHECK(init.configs[0].mean == Approx(m.Cost(data->space.LayersFor(0))));
}

TEST_CASE("explore rejects a request the page cannot hold") {
  ExploreOptions o = SmallOptions();
  o.chosen = LayerSet::All();
  CHECK(Explore(o, Synthetic()).status().code() == absl::StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.chosen = LayerSet::None();
  CHECK(Explore(o, Synthetic()).status().code() == absl::StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.repetitions = 1;
  CHECK(Explore(o, Synthetic()).status().code() == absl::StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.scenarios = {"no_such_scenario"};
  CHECK_FALSE(Explore(o, Synthetic()).ok());
}

TEST_CASE("the explore JSON has its schema and embeds in the page unchanged") {
  absl::StatusOr<ExploreData> data = Explore(SmallOptions(), Synthetic());
  REQUIRE(data.ok());
  CpythonFigures figures;
  figures.source = "cpython.json";
  figures.metadata_json = R"({"note":"</script><!-- & >"})";
  figures.figures = {{"sct_init", 77.3, "3.11.2"}, {"sct_subscript", 38.7, "3.11.2"}};
  const std::string json = ExploreJson(*data, figures, R"({"date":"today"})");
  const nlohmann::json doc = nlohmann::json::parse(json);
  CHECK(doc["schema"] == "dispatchlab-explore/1");
  CHECK(doc["reference"] == "sct_subscript");
  CHECK(doc["n"] == 200);
  REQUIRE(doc["layers"].size() == 6);
  CHECK(doc["layers"][0]["name"] == "trampoline");
  CHECK(doc["layers"][0]["off"] == std::string(InfoOf(Layer::kTrampoline).off));
  CHECK(doc["held_layers"].size() == kLayerCount - 6);
  CHECK(doc["counters"].size() == kCounterCount);
  REQUIRE(doc["scenarios"].size() == 2);
  const nlohmann::json& init = doc["scenarios"][0];
  REQUIRE(init["configs"].size() == 64);
  CHECK(init["configs"][63]["counts"].size() == kCounterCount);
  CHECK(init["configs"][63]["counts"][static_cast<int>(Counter::kStores)] == 200);
  CHECK(init["shapley"].size() == 6);
  CHECK(doc["cpython"]["figures"][0]["ns_per_element"] == 77.3);
  CHECK(doc["metadata"]["date"] == "today");

  absl::StatusOr<std::string> page = RenderPage(json);
  REQUIRE(page.ok());
  CHECK(page->find(std::string(kDataPlaceholder)) == std::string::npos);
  const std::string open = "<script type=\"application/json\" id=\"explore-data\">";
  const size_t at = page->find(open);
  REQUIRE(at != std::string::npos);
  const size_t end = page->find("</script>", at);
  REQUIRE(end != std::string::npos);
  // The text between the tags parses to the same document: the </script> inside a string did not end it.
  CHECK(nlohmann::json::parse(page->substr(at + open.size(), end - at - open.size())) == doc);
}

TEST_CASE("the page template is standalone and holds its placeholder once") {
  const absl::string_view page = PageTemplate();
  const size_t at = page.find(kDataPlaceholder);
  REQUIRE(at != absl::string_view::npos);
  CHECK(page.find(kDataPlaceholder, at + 1) == absl::string_view::npos);
  CHECK(page.find("http://") == absl::string_view::npos);
  CHECK(page.find("https://") == absl::string_view::npos);
  CHECK(page.find("<link") == absl::string_view::npos);
  CHECK(page.find(" src=") == absl::string_view::npos);
  CHECK(EscapeJsonForScript(R"({"a":"</script>&"})") == R"({"a":"\u003c/script\u003e\u0026"})");
}

TEST_CASE("the --cpython input is parsed strictly") {
  absl::StatusOr<CpythonFigures> ok = ParseCpythonFigures(
      R"({"results":[{"scenario":"sct_init","version":"3.11.2","cpython":{"ns_per_element":77.3},"dispatchlab":{}},
                     {"scenario":"sct_init","version":"3.13.0","cpython":{"ns_per_element":90}},
                     {"scenario":"sct_subscript","cpython":null},
                     {"scenario":"sct_init_list","cpython":{"instructions_per_element":1010}}],
          "metadata":{"python":"3.11.2"}})",
      "f.json");
  REQUIRE(ok.ok());
  REQUIRE(ok->figures.size() == 1);
  CHECK(ok->figures[0].scenario == "sct_init");
  CHECK(ok->figures[0].ns_per_element == 77.3);
  CHECK(ok->figures[0].version == "3.11.2");
  CHECK(nlohmann::json::parse(ok->metadata_json)["python"] == "3.11.2");
  for (const char* bad :
       {"", "{", "[]", R"({"results":{}})", R"({"results":[{"cpython":{"ns_per_element":1}}]})",
        R"({"results":[{"scenario":"sct_init"}]})",
        R"({"results":[{"scenario":"sct_init","cpython":{"instructions_per_element":9}}]})",
        R"({"results":[{"scenario":"sct_init","cpython":{"ns_per_element":"7"}}]})",
        R"({"results":[{"scenario":"sct_init","cpython":{"ns_per_element":-1}}]})"}) {
    INFO(bad);
    absl::StatusOr<CpythonFigures> r = ParseCpythonFigures(bad, "f.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(r.status().message().find("--cpython=f.json") != absl::string_view::npos);
  }
}

}  // namespace
}  // namespace dispatchlab::explore
