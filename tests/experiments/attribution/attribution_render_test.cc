// The renderings of an attribution: the JSON keys the issue requires, the CSV rows, the table's bars.
#include <catch2/catch.hpp>

#include "experiments/attribution/render.h"
#include "tests/experiments/attribution/attribution_synthetic.h"

namespace dispatchlab::attribution {
namespace {

AttributionResult SyntheticResult() {
  AttributionRequest req;
  req.scenario = "synthetic";
  req.n = 1000;
  req.chosen = testing::SixLayers();
  req.methods = *MethodsFromName("all");
  req.repetitions = 9;
  req.seed = 5;
  absl::StatusOr<AttributionResult> r =
      Attribute(req, testing::MakeSyntheticSampler(testing::SixLayerModel(0.05), 9));
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("attribution JSON carries the required keys", "[attribution]") {
  RenderOptions options;
  options.metadata = Json{{"profile", "cpython311"}};
  const std::string json = RenderJson(SyntheticResult(), options);
  CHECK(ParseJson(json).ok());  // strict: the whole document, UTF-8
  for (const char* key : {"\"scenario\":\"synthetic\"",
                          "\"metric\":\"time\"",
                          "\"n\":1000",
                          "\"total\":",
                          "\"base\":",
                          "\"full\":",
                          "\"methods\":{",
                          "\"shapley\":{",
                          "\"loo\":{",
                          "\"add_one_in\":{",
                          "\"waterfall\":{",
                          "\"factorial\":{",
                          "\"unit\":\"ns/element\"",
                          "\"samples\":[",
                          "\"stability\":{",
                          "\"order_seed\":5",
                          "\"metadata\":{",
                          "\"profile\":\"cpython311\"",
                          "\"statistic\":\"mean\"",
                          "\"trampoline\":",
                          "\"values\":[",
                          "\"effects\":[",
                          "\"reasons\":[]"}) {
    INFO(key);
    CHECK(json.find(key) != std::string::npos);
  }
}

TEST_CASE("attribution JSON writes an empty metadata object when none is given", "[attribution]") {
  const std::string json = RenderJson(SyntheticResult(), RenderOptions{});
  CHECK(json.find("\"metadata\":{}") != std::string::npos);
  CHECK(ParseJson(json).ok());
}

TEST_CASE("attribution CSV has one row per method and layer", "[attribution]") {
  const std::string csv = RenderCsv(SyntheticResult());
  int lines = 0;
  for (char c : csv) lines += c == '\n';
  CHECK(lines == 1 + 5 * 6);  // header + (shapley, waterfall, loo, add_one_in, factorial) x 6 layers
  CHECK(csv.rfind("scenario,metric,unit,method,layer,value,std_error,share_of_total\n", 0) == 0);
  CHECK(csv.find("synthetic,time,ns/element,shapley,trampoline,") != std::string::npos);
}

TEST_CASE("the table shows a bar per layer and the stability verdict", "[attribution]") {
  RenderOptions options;
  options.unicode = false;
  const std::string table = RenderTable(SyntheticResult(), options);
  CHECK(table.find("total overhead") != std::string::npos);
  CHECK(table.find("|##########") != std::string::npos);  // trampoline's bar
  CHECK(table.find("stability: stable") != std::string::npos);
  CHECK(table.find("trampoline*lookup") != std::string::npos);
}

TEST_CASE("bars grow right for positive values and left for negative ones", "[attribution]") {
  CHECK(Bar(10, 10, 0, 10, false) == "|##########");
  CHECK(Bar(5, 10, 0, 10, false) == "|#####     ");
  CHECK(Bar(-5, 10, 5, 10, false) == "#####|          ");
  CHECK(Bar(-2, 10, 5, 10, false) == "   ##|          ");
  CHECK(Bar(0, 10, 2, 4, false) == "  |    ");
  CHECK(Bar(1, 8, 0, 1, true) == "\u2502\u258f");  // one eighth of a cell
}

}  // namespace
}  // namespace dispatchlab::attribution
