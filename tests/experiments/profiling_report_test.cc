// Table and JSON rendering of a layer profile (experiments/profiling/profile_report.h).
#include <catch2/catch.hpp>

#include "experiments/profiling/profile_report.h"
#include "experiments/profiling/text.h"

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
  std::string json = ProfileJson(Sample(), "{}");
  CHECK(json.find("\"scenario\": \"sct_init\"") != std::string::npos);
  CHECK(json.find("\"tool\": \"callgrind\"") != std::string::npos);
  CHECK(json.find("\"call\": 15,") != std::string::npos);
  CHECK(json.find("\"lookup\": 2.5,") != std::string::npos);
  CHECK(json.find("\"unattributed\": 0.5") != std::string::npos);
  CHECK(json.find("\"total\": 18") != std::string::npos);
  CHECK(json.find("\"metadata\": {}") != std::string::npos);
  for (const LayerInfo& info : LayerTable()) {
    CHECK(json.find(Cat("\"", info.name, "\": ")) != std::string::npos);
  }
}

TEST_CASE("JSON strings are escaped", "[profiling]") {
  CHECK(JsonString("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  CHECK(JsonString(std::string("\x01", 1)) == "\"\\u0001\"");
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

TEST_CASE("Profile table explains a layer that is off yet charged, and marks unreachable layers", "[profiling]") {
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
