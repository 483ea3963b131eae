// Mapping profiler symbols back to dispatchlab's layers.
//
// Every layer's work lives in non-inlined functions in namespace `dispatchlab::layers::<layer_name>`
// (layer_name exactly as in core/layers.def), so a demangled symbol names its layer: the first match of
// the regex `dispatchlab::layers::([a-z0-9_]+)::`. A call stack (a perf sample, a callgrind context)
// belongs to its INNERMOST layer frame: a sample in a helper called from `call_tuple` code is charged to
// `call_tuple`; a sample with no layer frame at all (the scenario loop, start-up, the kernel on behalf of
// nobody) is "unattributed". This is the same rule for perf and callgrind, so the two tools agree on what
// a layer's share means. docs/perf.md explains how to read the numbers.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_SYMBOL_LAYERS_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_SYMBOL_LAYERS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/layers.h"

namespace dispatchlab::profiling {

// The namespace prefix every layer function lives under.
inline constexpr std::string_view kLayerNamespacePrefix = "dispatchlab::layers::";
inline constexpr std::string_view kEssentialNamespacePrefix = "dispatchlab::essential::";

// What a symbol says about layers.
struct SymbolLayer {
  std::optional<Layer> layer;  // set when the symbol is in a known layer's namespace
  // Set when the symbol is in `dispatchlab::essential::`: the work that remains with every layer off (the
  // C store functions). Such a frame is a boundary: what runs beneath it belongs to no outer layer.
  bool essential = false;
  std::string unknown_name;  // set when it is in dispatchlab::layers::<x>:: but <x> is not in the table
};

// Classifies one demangled symbol (with or without its parameter list). Implements the regex
// `dispatchlab::layers::([a-z0-9_]+)::` (first match) without std::regex, and validates the captured
// name against LayerTable().
SymbolLayer LayerOfSymbol(std::string_view symbol);

// Per-layer totals of some cost (samples, instructions) over many stacks.
struct LayerTally {
  std::array<uint64_t, kLayerCount> by_layer{};
  uint64_t unattributed = 0;
  // Names found in dispatchlab::layers::<x>:: that are not layers (a naming bug worth reporting); their
  // cost is unattributed.
  std::set<std::string> unknown_layer_names;

  uint64_t Total() const;
  uint64_t Of(Layer layer) const { return by_layer[static_cast<int>(layer)]; }
  LayerTally& operator+=(const LayerTally& other);
};

// Caches LayerOfSymbol per distinct symbol and charges stacks to layers.
class StackAttributor {
 public:
  // The innermost layer of a stack given innermost frame first; nullopt when no frame is a layer's, or
  // when an essential frame comes first.
  std::optional<Layer> InnermostLayer(const std::vector<std::string_view>& frames_innermost_first);

  // Charges `cost` for one stack to its innermost layer (or to unattributed).
  void Charge(const std::vector<std::string_view>& frames_innermost_first, uint64_t cost);

  const LayerTally& tally() const { return tally_; }

 private:
  const SymbolLayer& Classify(std::string_view symbol);

  LayerTally tally_;
  absl::flat_hash_map<std::string, SymbolLayer> cache_;
};

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_SYMBOL_LAYERS_H_
