// Symbol -> layer mapping and the innermost-layer-frame rule (experiments/profiling/symbol_layers.h).
#include <catch2/catch.hpp>

#include "experiments/profiling/symbol_layers.h"

namespace dispatchlab::profiling {
namespace {

TEST_CASE("LayerOfSymbol maps layer namespaces to layers", "[profiling]") {
  CHECK(LayerOfSymbol("dispatchlab::layers::call_tuple::PackArgs(dispatchlab::Object**, long)").layer ==
        Layer::kCallTuple);
  CHECK(LayerOfSymbol("dispatchlab::layers::lookup::LookupMethod").layer == Layer::kLookup);
  CHECK(LayerOfSymbol("dispatchlab::layers::call::WrapperDescrCall(...)").layer == Layer::kCall);
  // A lambda or nested namespace inside a layer still belongs to it.
  CHECK(LayerOfSymbol("dispatchlab::layers::setfunc::detail::ISet(int)::{lambda()#1}::operator()() const")
            .layer == Layer::kSetfunc);
}

TEST_CASE("LayerOfSymbol ignores everything outside layer namespaces", "[profiling]") {
  CHECK_FALSE(LayerOfSymbol("dispatchlab::core::TupleNew(long)").layer.has_value());
  CHECK_FALSE(LayerOfSymbol("main").layer.has_value());
  CHECK_FALSE(LayerOfSymbol("[unknown]").layer.has_value());
  CHECK_FALSE(LayerOfSymbol("").layer.has_value());
  // The name must be followed by "::" (a function directly in dispatchlab::layers is no layer's).
  CHECK_FALSE(LayerOfSymbol("dispatchlab::layers::call").layer.has_value());
  CHECK_FALSE(LayerOfSymbol("dispatchlab::layers::Helper()").layer.has_value());
  // Upper case is outside [a-z0-9_].
  CHECK_FALSE(LayerOfSymbol("dispatchlab::layers::Call::X()").layer.has_value());
}

TEST_CASE("LayerOfSymbol takes the first match of the regex", "[profiling]") {
  // The first well-formed match wins, as std::regex_search would return.
  CHECK(LayerOfSymbol("dispatchlab::layers::Bad dispatchlab::layers::boxing::Box()").layer == Layer::kBoxing);
  CHECK(LayerOfSymbol("dispatchlab::layers::call::F(dispatchlab::layers::lookup::Cache*)").layer ==
        Layer::kCall);
}

TEST_CASE("LayerOfSymbol reports names that are not in the layer table", "[profiling]") {
  SymbolLayer s = LayerOfSymbol("dispatchlab::layers::no_such_layer::F()");
  CHECK_FALSE(s.layer.has_value());
  CHECK(s.unknown_name == "no_such_layer");
}

TEST_CASE("Every layer of the table is recognised by name", "[profiling]") {
  for (const LayerInfo& info : LayerTable()) {
    std::string symbol = std::string("dispatchlab::layers::") + std::string(info.name) + "::Work()";
    INFO(symbol);
    CHECK(LayerOfSymbol(symbol).layer == info.layer);
  }
}

TEST_CASE("A stack is charged to its innermost layer frame", "[profiling]") {
  StackAttributor a;
  // Innermost first: a core helper called from call_tuple code called from call code.
  a.Charge({"dispatchlab::core::TupleNew(long)", "dispatchlab::layers::call_tuple::Pack()",
            "dispatchlab::layers::call::Call()", "main"},
           7);
  a.Charge({"dispatchlab::layers::call::Call()", "main"}, 5);
  a.Charge({"dispatchlab::layers::lookup::Find()", "dispatchlab::layers::call::Call()"}, 3);
  a.Charge({"ScenarioLoop()", "main"}, 2);
  a.Charge({}, 1);
  a.Charge({"dispatchlab::layers::bogus::F()", "main"}, 4);
  const LayerTally& t = a.tally();
  CHECK(t.Of(Layer::kCallTuple) == 7);
  CHECK(t.Of(Layer::kCall) == 5);
  CHECK(t.Of(Layer::kLookup) == 3);
  CHECK(t.unattributed == 2 + 1 + 4);
  CHECK(t.Total() == 22);
  CHECK(t.unknown_layer_names == std::set<std::string>{"bogus"});
  CHECK(a.InnermostLayer({"x", "dispatchlab::layers::boxing::B()", "dispatchlab::layers::call::C()"}) ==
        Layer::kBoxing);
}

TEST_CASE("LayerTally adds up", "[profiling]") {
  LayerTally a, b;
  a.by_layer[static_cast<int>(Layer::kCall)] = 2;
  a.unattributed = 1;
  b.by_layer[static_cast<int>(Layer::kCall)] = 3;
  b.unknown_layer_names.insert("x");
  a += b;
  CHECK(a.Of(Layer::kCall) == 5);
  CHECK(a.Total() == 6);
  CHECK(a.unknown_layer_names.count("x") == 1);
}

}  // namespace
}  // namespace dispatchlab::profiling
