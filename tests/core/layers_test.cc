// The layer table's nesting column (core/layers.def `parent`) and the reachability it defines.
#include "core/layers.h"

#include <catch2/catch.hpp>
#include <string>

using dispatchlab::InfoOf;
using dispatchlab::Layer;
using dispatchlab::LayerReachable;
using dispatchlab::LayerSet;
using dispatchlab::LayerTable;
using dispatchlab::ParentOf;

TEST_CASE("every layer's parent is empty or an earlier row of the table", "[layers]") {
  for (const dispatchlab::LayerInfo& info : LayerTable()) {
    INFO("layer " << info.name << ", parent '" << info.parent << "'");
    if (info.parent.empty()) {
      CHECK_FALSE(ParentOf(info.layer).has_value());
      continue;
    }
    REQUIRE(ParentOf(info.layer).has_value());
    CHECK(InfoOf(*ParentOf(info.layer)).name == info.parent);
    CHECK(static_cast<int>(*ParentOf(info.layer)) < static_cast<int>(info.layer));
  }
}

TEST_CASE("a layer is reachable when every layer on its parent chain is on", "[layers]") {
  const LayerSet calls = LayerSet::None().With(Layer::kCall).With(Layer::kCallTuple);
  CHECK_FALSE(LayerReachable(Layer::kCall, calls));
  CHECK_FALSE(LayerReachable(Layer::kCallTuple, calls));
  CHECK(LayerReachable(Layer::kCall, calls.With(Layer::kTrampoline)));
  CHECK(LayerReachable(Layer::kCallTuple, calls.With(Layer::kTrampoline)));
  // call_tuple lives inside call, which lives inside the trampoline.
  CHECK_FALSE(LayerReachable(Layer::kCallTuple, LayerSet::All().Without(Layer::kCall)));
  CHECK_FALSE(LayerReachable(Layer::kMethodCache, LayerSet::All().Without(Layer::kLookup)));
  CHECK_FALSE(LayerReachable(Layer::kConversion, LayerSet::All().Without(Layer::kBoxing)));
  // Roots are always reachable, on or off.
  CHECK(LayerReachable(Layer::kTrampoline, LayerSet::None()));
  CHECK(LayerReachable(Layer::kZeroFill, LayerSet::None()));
}
