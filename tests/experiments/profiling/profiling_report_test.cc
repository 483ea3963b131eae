// Table and JSON rendering of a layer profile (experiments/profiling/profile_report.h).
#include <catch2/catch.hpp>

#include "experiments/base/json.h"
#include "experiments/base/text.h"
#include "experiments/profiling/profile_report.h"

namespace dispatchlab::profiling {
namespace {

LayerProfile Sample() {
  LayerProfile p;
  p.scenario = "sct_init";
  p.tool = "callgrind";
  p.unit = "instructions per element";
  p.event = "Ir";
  p.layers = LayerSet::None().With(Layer::kCall).With(Layer::kLookup);
  p.n = 100;
  p.runs = 1;
  LayerTally t;
  t.by_layer[static_cast<int>(Layer::kCall)] = 1500;
  t.by_layer[static_cast<int>(Layer::kLookup)] = 250;
  t.unattributed = 50;
  FillFromTally(t, 100, &p);
  return p;
}

TEST_CASE("Layer profiles divide the tally", "[profiling]") {
  LayerProfile p = Sample();
  CHECK(p.Of(Layer::kCall) == 15.0);
  CHECK(p.Of(Layer::kLookup) == 2.5);
  CHECK(p.unattributed == 0.5);
  CHECK(p.raw_total == 1800);
}

TEST_CASE("Profile JSON has every layer and the totals", "[profiling]") {
  absl::StatusOr<Json> json = ParseJson(ProfileJson(Sample(), Json()));
  REQUIRE(json.ok());
  CHECK((*json)["scenario"] == "sct_init");
  CHECK((*json)["tool"] == "callgrind");
  CHECK((*json)["layers"]["call"] == 15.0);
  CHECK((*json)["layers"]["lookup"] == 2.5);
  CHECK((*json)["unattributed"] == 0.5);
  CHECK((*json)["total"] == 18.0);
  CHECK((*json)["metadata"] == Json::object());
  CHECK((*json)["layers"].size() == LayerTable().size());
  for (const LayerInfo& info : LayerTable()) CHECK((*json)["layers"].contains(ToStd(info.name)));
}

TEST_CASE("Profile JSON escapes strings and stays UTF-8", "[profiling]") {
  LayerProfile p = Sample();
  p.notes = {"a\"b\\c\n", std::string("\x01", 1), std::string("bad \xff byte")};
  const std::string text = ProfileJson(p, Json());
  absl::StatusOr<Json> json = ParseJson(text);
  REQUIRE(json.ok());
  CHECK((*json)["notes"][0] == "a\"b\\c\n");
  CHECK((*json)["notes"][1] == std::string("\x01", 1));
  CHECK((*json)["notes"][2] == "bad \xef\xbf\xbd byte");  // U+FFFD for the stray byte
  CHECK(text.find("\\u0001") != std::string::npos);
}

TEST_CASE("Profile table lists layers, unattributed and total", "[profiling]") {
  std::string table = ProfileTable(Sample());
  CHECK(table.find("sct_init under callgrind") != std::string::npos);
  CHECK(table.find("unattributed") != std::string::npos);
  CHECK(table.find("18.00") != std::string::npos);
  CHECK(table.find("(off)") != std::string::npos);
}

}  // namespace
}  // namespace dispatchlab::profiling

namespace dispatchlab::profiling {
namespace {

TEST_CASE("Profile table explains a layer that is off yet charged, and marks unreachable layers",
          "[profiling]") {
  LayerProfile p = Sample();  // call and lookup on, the trampoline (their parent) off
  std::string table = ProfileTable(p);
  CHECK(table.find("(on, but unreachable: trampoline is off)") != std::string::npos);
  CHECK(table.find("yet charged") == std::string::npos);
  p.by_layer[static_cast<int>(Layer::kMethodWrapper)] = 0.11;
  table = ProfileTable(p);
  CHECK(table.find("method_wrapper") != std::string::npos);
  CHECK(table.find("(off, yet charged: see the note below)") != std::string::npos);
  CHECK(table.find(Cat("note: ", kOffYetChargedNote)) != std::string::npos);
}

}  // namespace
}  // namespace dispatchlab::profiling
