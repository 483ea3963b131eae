// Symbol -> layer classification and innermost-frame attribution (see symbol_layers.h).
#include "experiments/profiling/symbol_layers.h"

#include "experiments/base/text.h"

namespace dispatchlab::profiling {
namespace {

bool IsLayerNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

SymbolLayer LayerOfSymbol(std::string_view symbol) {
  SymbolLayer out;
  {
    const size_t essential = symbol.find(kEssentialNamespacePrefix);
    const size_t layer = symbol.find(kLayerNamespacePrefix);
    if (essential != std::string_view::npos && (layer == std::string_view::npos || essential < layer)) {
      out.essential = true;
      return out;
    }
  }
  size_t from = 0;
  // First match of dispatchlab::layers::([a-z0-9_]+):: ; a prefix followed by a non-matching name (e.g.
  // "dispatchlab::layers::Foo") is not a match, so the search continues after it, as the regex would.
  while (true) {
    size_t at = symbol.find(kLayerNamespacePrefix, from);
    if (at == std::string_view::npos) return out;
    size_t begin = at + kLayerNamespacePrefix.size();
    size_t end = begin;
    while (end < symbol.size() && IsLayerNameChar(symbol[end])) ++end;
    if (end > begin && symbol.substr(end, 2) == "::") {
      std::string_view name = symbol.substr(begin, end - begin);
      for (const LayerInfo& info : LayerTable()) {
        if (ToStd(info.name) == name) {
          out.layer = info.layer;
          return out;
        }
      }
      out.unknown_name = std::string(name);
      return out;
    }
    from = at + 1;
  }
}

uint64_t LayerTally::Total() const {
  uint64_t total = unattributed;
  for (uint64_t v : by_layer) total += v;
  return total;
}

LayerTally& LayerTally::operator+=(const LayerTally& other) {
  for (int i = 0; i < kLayerCount; ++i) by_layer[i] += other.by_layer[i];
  unattributed += other.unattributed;
  unknown_layer_names.insert(other.unknown_layer_names.begin(), other.unknown_layer_names.end());
  return *this;
}

const SymbolLayer& StackAttributor::Classify(std::string_view symbol) {
  auto it = cache_.find(absl::string_view(symbol.data(), symbol.size()));
  if (it == cache_.end()) it = cache_.emplace(std::string(symbol), LayerOfSymbol(symbol)).first;
  return it->second;
}

std::optional<Layer> StackAttributor::InnermostLayer(
    const std::vector<std::string_view>& frames_innermost_first) {
  for (std::string_view frame : frames_innermost_first) {
    const SymbolLayer& s = Classify(frame);
    if (s.layer.has_value()) return s.layer;
    if (s.essential) return std::nullopt;
    if (!s.unknown_name.empty()) tally_.unknown_layer_names.insert(s.unknown_name);
  }
  return std::nullopt;
}

void StackAttributor::Charge(const std::vector<std::string_view>& frames_innermost_first, uint64_t cost) {
  std::optional<Layer> layer = InnermostLayer(frames_innermost_first);
  if (layer.has_value()) {
    tally_.by_layer[static_cast<int>(*layer)] += cost;
  } else {
    tally_.unattributed += cost;
  }
}

}  // namespace dispatchlab::profiling
