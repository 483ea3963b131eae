// The layer table's nesting column (core/layers.def `parent`) and the reachability it defines.
#include "core/layers.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

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

TEST_CASE("the layer groups are generated from the group column", "[layers]") {
  using dispatchlab::Layer;
  using dispatchlab::LayerGroup;
  using dispatchlab::LayerGroupMask;
  using dispatchlab::LayerSet;
  const LayerSet element = LayerSet::None()
                               .With(Layer::kBoxing)
                               .With(Layer::kSetfunc)
                               .With(Layer::kConversion)
                               .With(Layer::kTypeData);
  const LayerSet refcount = LayerSet::None().With(Layer::kImmortal).With(Layer::kAtomicRefcount);
  STATIC_REQUIRE(LayerGroupMask(LayerGroup::kRefcount) == ((1u << static_cast<int>(Layer::kImmortal)) |
                                                           (1u << static_cast<int>(Layer::kAtomicRefcount))));
  CHECK(LayerGroupMask(LayerGroup::kElement) == element.bits());
  CHECK(LayerGroupMask(LayerGroup::kRefcount) == refcount.bits());
  CHECK(LayerGroupMask(LayerGroup::kNone) == (LayerSet::All().bits() & ~element.bits() & ~refcount.bits()));
}

TEST_CASE("the profiles are the rows of profiles.def, each the column of layers.def it names", "[layers]") {
  using dispatchlab::Layer;
  using dispatchlab::LayerSet;
  using dispatchlab::ProfileTable;
  std::vector<std::string> names;
  for (const dispatchlab::Profile& p : ProfileTable()) {
    names.emplace_back(p.name);
    CHECK_FALSE(p.description.empty());
  }
  CHECK(names == std::vector<std::string>{"cpython36", "cpython311", "cpython312", "cpython313",
                                          "cpython313t", "direct"});
  const auto layers_of = [](const char* name) { return dispatchlab::ProfileFromName(name)->layers; };
  CHECK(layers_of("cpython36").Has(Layer::kMethodWrapper));
  CHECK_FALSE(layers_of("cpython311").Has(Layer::kMethodWrapper));
  CHECK_FALSE(layers_of("cpython311").Has(Layer::kImmortal));
  CHECK(layers_of("cpython312").Has(Layer::kImmortal));
  CHECK_FALSE(layers_of("cpython312").Has(Layer::kTypeData));
  CHECK(layers_of("cpython313").Has(Layer::kTypeData));
  CHECK_FALSE(layers_of("cpython313").Has(Layer::kAtomicRefcount));
  CHECK(layers_of("cpython313t").Has(Layer::kAtomicRefcount));
  CHECK(layers_of("direct") == LayerSet::None());
}

TEST_CASE("layer list errors name the layer, never a command-line flag", "[layers]") {
  using dispatchlab::LayerSet;
  for (const char* spec : {"", "boxing,,lookup", "all,boxing", "boxing,boxing", "no_such_layer"}) {
    INFO(spec);
    const auto parsed = dispatchlab::ParseLayerSpec(spec, LayerSet::All());
    REQUIRE_FALSE(parsed.ok());
    CHECK(std::string(parsed.status().message()).find("--") == std::string::npos);
  }
}
