// The layer table, the profiles built from its columns, and the --layers= parser.
#include "core/layers.h"

#include "core/object.h"

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dispatchlab {
namespace internal {
uint32_t g_active_layers = 0;
uintptr_t g_refcount_slow_mask = 1;
}  // namespace internal

namespace {

constexpr uint32_t ProfileBits(int column) {
  uint32_t bits = 0;
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t)    \
  {                                                                                        \
    const int v[5] = {p36, p311, p312, p313, p313t};                                             \
    if (v[column]) bits |= 1u << static_cast<int>(Layer::k##Id);                           \
  }
#include "core/layers.def"
  return bits;
}

}  // namespace

const std::array<LayerInfo, kLayerCount>& LayerTable() {
  static const std::array<LayerInfo, kLayerCount> table = {{
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t) \
  {Layer::k##Id, name, parent, on, off, mirrors},
#include "core/layers.def"
  }};
  return table;
}

const LayerInfo& InfoOf(Layer layer) { return LayerTable()[static_cast<int>(layer)]; }

absl::StatusOr<Layer> LayerFromName(absl::string_view name) {
  for (const LayerInfo& info : LayerTable()) {
    if (info.name == name) return info.layer;
  }
  std::vector<absl::string_view> names;
  for (const LayerInfo& info : LayerTable()) names.push_back(info.name);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown layer '", name, "' (layers: ", absl::StrJoin(names, ", "), ")"));
}

std::optional<Layer> ParentOf(Layer layer) {
  const absl::string_view parent = InfoOf(layer).parent;
  if (parent.empty()) return std::nullopt;
  for (const LayerInfo& info : LayerTable()) {
    if (info.name == parent) return info.layer;
  }
  return std::nullopt;  // tests/core/layers_test.cc checks that every parent names a row
}

bool LayerReachable(Layer layer, LayerSet active) {
  int steps = 0;  // a parent is an earlier row (tested), so the chain is at most kLayerCount long
  for (std::optional<Layer> p = ParentOf(layer); p.has_value() && steps < kLayerCount; p = ParentOf(*p)) {
    if (!active.Has(*p)) return false;
    ++steps;
  }
  return true;
}

std::string LayerSet::ToString() const {
  if (*this == All()) return "all";
  if (*this == None()) return "none";
  std::vector<absl::string_view> names;
  for (Layer l : Members()) names.push_back(InfoOf(l).name);
  return absl::StrJoin(names, ",");
}

std::vector<Layer> LayerSet::Members() const {
  std::vector<Layer> out;
  for (const LayerInfo& info : LayerTable()) {
    if (Has(info.layer)) out.push_back(info.layer);
  }
  return out;
}

const std::vector<Profile>& ProfileTable() {
  static const std::vector<Profile> profiles = {
      {"cpython36", "CPython 3.6: the trampoline binds a method-wrapper per call; one 2-tuple per call",
       LayerSet(ProfileBits(0))},
      {"cpython311", "CPython 3.11 (default): vectorcall, unbound descriptor, a 3-tuple then a sliced 2-tuple",
       LayerSet(ProfileBits(1))},
      {"cpython312", "CPython 3.12: 3.11's chain plus immortal objects (PEP 683)", LayerSet(ProfileBits(2))},
      {"cpython313", "CPython 3.13: 3.11's chain plus StgInfo type-data lookups and immortal objects",
       LayerSet(ProfileBits(3))},
      {"cpython313t", "CPython 3.13 free-threaded: 3.13 plus biased (atomic) reference counting",
       LayerSet(ProfileBits(4))},
      {"direct", "every layer off: what remains is the store loop itself", LayerSet::None()},
  };
  return profiles;
}

absl::StatusOr<Profile> ProfileFromName(absl::string_view name) {
  for (const Profile& p : ProfileTable()) {
    if (p.name == name) return p;
  }
  std::vector<absl::string_view> names;
  for (const Profile& p : ProfileTable()) names.push_back(p.name);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown profile '", name, "' (profiles: ", absl::StrJoin(names, ", "), ")"));
}

absl::StatusOr<LayerSet> ParseLayerSpec(absl::string_view spec, LayerSet base) {
  if (spec == "all") return LayerSet::All();
  if (spec == "none") return LayerSet::None();
  if (spec.empty()) return absl::InvalidArgumentError("empty --layers list");
  std::vector<absl::string_view> items = absl::StrSplit(spec, ',');
  bool any_edit = false;
  for (absl::string_view item : items) {
    if (!item.empty() && (item[0] == '+' || item[0] == '-')) any_edit = true;
  }
  LayerSet result = any_edit ? base : LayerSet::None();
  absl::flat_hash_set<absl::string_view> seen;
  for (absl::string_view item : items) {
    bool on = true;
    absl::string_view name = item;
    if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
      on = name[0] == '+';
      name.remove_prefix(1);
    }
    if (name.empty()) return absl::InvalidArgumentError(absl::StrCat("empty layer name in --layers=", spec));
    if (name == "all" || name == "none") {
      return absl::InvalidArgumentError(
          absl::StrCat("'", name, "' must stand alone in --layers (got --layers=", spec, ")"));
    }
    absl::StatusOr<Layer> layer = LayerFromName(name);
    if (!layer.ok()) return layer.status();
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat("layer '", name, "' given twice in --layers=", spec));
    }
    result = result.Set(*layer, on);
  }
  return result;
}

void SetActiveLayers(LayerSet layers) {
  internal::g_active_layers = layers.bits();
  // The one test of Py_INCREF / Py_DECREF (core/object.h): the tag bit, or every bit under a refcount layer.
  internal::g_refcount_slow_mask =
      (layers.bits() & internal::kRefcountLayerMask) != 0 ? ~uintptr_t{0} : uintptr_t{1};
}

}  // namespace dispatchlab
