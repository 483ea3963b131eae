// The layer table, the profiles built from its columns (core/profiles.def), and the --layers= parser.
#include "core/layers.h"

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/name_lookup.h"
#include "core/object.h"

namespace dispatchlab {
namespace internal {
uint32_t g_active_layers = 0;
uintptr_t g_refcount_slow_mask = 1;
}  // namespace internal

namespace {

// One layer's default per profile: the profile columns of core/layers.def (`none` is the `direct`
// profile's: every layer off).
struct ProfileColumns {
  bool cpython36, cpython311, cpython312, cpython313, cpython313t, none;
};

constexpr ProfileColumns kProfileColumns[] = {
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t, group) \
  {p36 != 0, p311 != 0, p312 != 0, p313 != 0, p313t != 0, false},
#include "core/layers.def"
};

constexpr uint32_t ProfileBits(bool ProfileColumns::*column) {
  uint32_t bits = 0;
  for (int i = 0; i < kLayerCount; ++i) {
    if (kProfileColumns[i].*column) bits |= 1u << i;
  }
  return bits;
}

}  // namespace

const std::array<LayerInfo, kLayerCount>& LayerTable() {
  static const std::array<LayerInfo, kLayerCount> table = {{
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t, group) \
  {Layer::k##Id, name, parent, on, off, mirrors},
#include "core/layers.def"
  }};
  return table;
}

const LayerInfo& InfoOf(Layer layer) { return LayerTable()[static_cast<int>(layer)]; }

absl::StatusOr<Layer> LayerFromName(absl::string_view name) {
  absl::StatusOr<const LayerInfo*> info = LookupByName(LayerTable(), name, "layer", "layers");
  if (!info.ok()) return info.status();
  return (*info)->layer;
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
#define DISPATCHLAB_PROFILE(column, name, description) \
  {name, description, LayerSet(ProfileBits(&ProfileColumns::column))},
#include "core/profiles.def"
  };
  return profiles;
}

absl::StatusOr<Profile> ProfileFromName(absl::string_view name) {
  absl::StatusOr<const Profile*> profile = LookupByName(ProfileTable(), name, "profile", "profiles");
  if (!profile.ok()) return profile.status();
  return **profile;
}

absl::StatusOr<LayerSet> ParseLayerSpec(absl::string_view spec, LayerSet base) {
  if (spec == "all") return LayerSet::All();
  if (spec == "none") return LayerSet::None();
  if (spec.empty()) return absl::InvalidArgumentError("empty layer list");
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
    if (name.empty()) return absl::InvalidArgumentError("empty layer name");
    if (name == "all" || name == "none") {
      return absl::InvalidArgumentError(absl::StrCat("'", name, "' must stand alone in a layer list"));
    }
    absl::StatusOr<Layer> layer = LayerFromName(name);
    if (!layer.ok()) return layer.status();
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat("layer '", name, "' given twice"));
    }
    result = result.Set(*layer, on);
  }
  return result;
}

absl::Status CheckBuildRuns(LayerSet layers) {
  if (kTaggedCompiledIn) return absl::OkStatus();
  if (kImmortalInline ? ImmortalBuildRuns(layers) : UntaggedBuildRuns(layers)) return absl::OkStatus();
  const uint32_t fixed_on = kImmortalInline ? kImmortalFixedOn : kUntaggedFixedOn;
  const uint32_t fixed_off = kImmortalInline ? kImmortalFixedOff : kUntaggedFixedOff;
  std::vector<std::string> wrong;
  for (const LayerInfo& info : LayerTable()) {
    const uint32_t bit = 1u << static_cast<int>(info.layer);
    if ((fixed_on & bit) != 0 && !layers.Has(info.layer)) wrong.push_back(absl::StrCat("-", info.name));
    if ((fixed_off & bit) != 0 && layers.Has(info.layer)) wrong.push_back(absl::StrCat("+", info.name));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      kThisBuildName, " cannot switch ", absl::StrJoin(wrong, ","),
      kImmortalInline
          ? ": it is built with the boxing layers, immortal and thread_state always on and the other "
            "refcount layers always off (docs/faithfulness.md, round 14)"
          : ": it is built with the boxing layers always on and the refcount layers and "
            "thread_state always off (docs/faithfulness.md, \"The untagged build\")",
      "; run dispatchlab or dispatchlab-nocount"));
}

std::string ProfilesThisBuildRuns() {
  std::vector<absl::string_view> names;
  for (const Profile& p : ProfileTable()) {
    if (CheckBuildRuns(p.layers).ok()) names.push_back(p.name);
  }
  return absl::StrJoin(names, ", ");
}

void SetActiveLayers(LayerSet layers) {
  internal::g_active_layers = layers.bits();
  // The one test of Py_INCREF / Py_DECREF (core/object.h): the tag bit, or every bit under a refcount layer.
  internal::g_refcount_slow_mask =
      (layers.bits() & internal::kRefcountLayerMask) != 0 ? ~uintptr_t{0} : uintptr_t{1};
}

}  // namespace dispatchlab
