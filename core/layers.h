// The overhead layers of dispatchlab and the switches that turn them on and off at run time.
//
// Every row of core/layers.def becomes a `Layer` enumerator, a name for the CLI and the reports, and a
// default per CPython profile. The active set is one process-wide bitmask read by the hot paths
// (`LayerOn`); experiments set it, the simulated interpreter only reads it. The story of each layer is in
// docs/layers.md. The table lives in core/ because the object model itself consults some layers
// (boxing, free lists, reference counting); the protocols in dispatch/ consult the rest.
#ifndef DISPATCHLAB_CORE_LAYERS_H_
#define DISPATCHLAB_CORE_LAYERS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/counters.h"

namespace dispatchlab {

enum class Layer : int {
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t, group) k##Id,
#include "core/layers.def"
};

inline constexpr int kLayerCount = 0
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t, group) +1
#include "core/layers.def"
    ;

// A set of layers, one bit per Layer.
class LayerSet {
 public:
  constexpr LayerSet() = default;
  constexpr explicit LayerSet(uint32_t bits) : bits_(bits) {}
  static constexpr LayerSet All() { return LayerSet((1u << kLayerCount) - 1); }
  static constexpr LayerSet None() { return LayerSet(0); }

  constexpr bool Has(Layer l) const { return (bits_ >> static_cast<int>(l)) & 1u; }
  constexpr LayerSet With(Layer l) const { return LayerSet(bits_ | (1u << static_cast<int>(l))); }
  constexpr LayerSet Without(Layer l) const { return LayerSet(bits_ & ~(1u << static_cast<int>(l))); }
  constexpr LayerSet Set(Layer l, bool on) const { return on ? With(l) : Without(l); }
  constexpr uint32_t bits() const { return bits_; }
  constexpr bool operator==(const LayerSet&) const = default;

  // "all", "none", or the names of the layers on, comma-separated, in table order.
  std::string ToString() const;
  std::vector<Layer> Members() const;

 private:
  uint32_t bits_ = 0;
};

// The `group` column of core/layers.def: layers that code tests together.
enum class LayerGroup { kNone, kElement, kRefcount };

// The bits of the layers of `group`, generated from the table (a constant expression, for hot paths).
constexpr uint32_t LayerGroupMask(LayerGroup group) {
  return 0u
#define DISPATCHLAB_LAYER(Id, name, parent, on, off, mirrors, p36, p311, p312, p313, p313t, g) \
  | (LayerGroup::k##g == group ? 1u << static_cast<int>(Layer::k##Id) : 0u)
#include "core/layers.def"
      ;
}

// One row of the layer table.
struct LayerInfo {
  Layer layer;
  absl::string_view name;
  absl::string_view parent;  // the layer whose code reaches this one; empty when the scenarios reach it
  absl::string_view on;
  absl::string_view off;
  absl::string_view mirrors;
};

// The table, in call-chain order (the order of core/layers.def).
const std::array<LayerInfo, kLayerCount>& LayerTable();
const LayerInfo& InfoOf(Layer layer);
absl::StatusOr<Layer> LayerFromName(absl::string_view name);

// The layer whose code reaches `layer` (the `parent` column of core/layers.def), or nullopt.
std::optional<Layer> ParentOf(Layer layer);
// Whether `layer`'s code can run per element under `active`: every layer on its parent chain is on (the
// layer itself may be on or off). The call layers live inside the trampoline: with it off they never run.
bool LayerReachable(Layer layer, LayerSet active);

// A named set of layers that follows CPython's version history (docs/layers.md, "Profiles"); the rows are
// core/profiles.def, each naming its column of core/layers.def.
struct Profile {
  absl::string_view name;
  absl::string_view description;
  LayerSet layers;
};
const std::vector<Profile>& ProfileTable();
absl::StatusOr<Profile> ProfileFromName(absl::string_view name);

// Applies a --layers= specification to `base`: "all", "none", or a comma-separated list of
// "+name" (switch on), "-name" (switch off) and bare "name" entries. A list made only of bare names means
// exactly those layers; a list with any +/- entry edits `base`. Unknown or repeated names are errors
// (InvalidArgument; the message names the layer, not where the list came from: the CLI adds its flag).
absl::StatusOr<LayerSet> ParseLayerSpec(absl::string_view spec, LayerSet base);

// Whether this build has the switch of the layers that live in Py_INCREF, Py_DECREF and Py_TYPE
// (DISPATCHLAB_TAGGED; 1 unless the build says otherwise): tagged immediates (the boxing layers off) and the
// refcount layers. The `_untagged` build (dispatchlab-untagged) compiles that test out, so that those three
// are CPython 3.11's, with no test (docs/faithfulness.md, "The untagged build"); it runs only the layer sets
// UntaggedBuildRuns accepts.
#ifndef DISPATCHLAB_TAGGED
#define DISPATCHLAB_TAGGED 1
#endif
inline constexpr bool kTaggedCompiledIn = DISPATCHLAB_TAGGED != 0;

// Whether this untagged build has CPython 3.12's immortality test inline in Py_INCREF and Py_DECREF
// (DISPATCHLAB_IMMORTAL_INLINE; 0 unless the build says otherwise). The `_immortal` build
// (dispatchlab-immortal) is the untagged build of the 3.12 and 3.13 profiles: the `immortal` layer always on,
// its test a few inline instructions as in CPython 3.12's Include/object.h, not the layered slow path of the
// tagged builds (docs/faithfulness.md, round 14).
#ifndef DISPATCHLAB_IMMORTAL_INLINE
#define DISPATCHLAB_IMMORTAL_INLINE 0
#endif
inline constexpr bool kImmortalInline = DISPATCHLAB_IMMORTAL_INLINE != 0;
static_assert(!kImmortalInline || !kTaggedCompiledIn, "the inline immortality test is an untagged build's");

// The profile a command runs without --profile: CPython 3.11's, the seed's interpreter; 3.12's in the
// immortal build, which cannot run 3.11's (CheckBuildRuns).
inline constexpr absl::string_view kDefaultProfile = kImmortalInline ? "cpython312" : "cpython311";

// The layers an untagged build fixes: on (the boxing layers: a value is always an object) and off (the
// refcount group: Py_INCREF is one add; thread_state: the interpreter's state is a global, as up to 3.11,
// with no switch to test on the way to it).
inline constexpr uint32_t kThreadStateBit = 1u << static_cast<int>(Layer::kThreadState);
inline constexpr uint32_t kUntaggedFixedOn =
    (1u << static_cast<int>(Layer::kBoxing)) | (1u << static_cast<int>(Layer::kIndexBoxing));
inline constexpr uint32_t kUntaggedFixedOff = LayerGroupMask(LayerGroup::kRefcount) | kThreadStateBit;
// The immortal build fixes the same layers, but with `immortal` and `thread_state` on (CPython 3.12's).
inline constexpr uint32_t kImmortalBit = 1u << static_cast<int>(Layer::kImmortal);
inline constexpr uint32_t kImmortalFixedOn = kUntaggedFixedOn | kImmortalBit | kThreadStateBit;
inline constexpr uint32_t kImmortalFixedOff = kUntaggedFixedOff & ~kImmortalFixedOn;
// Whether an untagged build runs `layers` as asked: the boxing layers on, no refcount layer and not
// thread_state (CPython 3.6 to 3.11's profiles).
constexpr bool UntaggedBuildRuns(LayerSet layers) {
  return (layers.bits() & kUntaggedFixedOn) == kUntaggedFixedOn && (layers.bits() & kUntaggedFixedOff) == 0;
}
// Whether the immortal build runs `layers` as asked: the boxing layers, `immortal` and `thread_state` on, no
// other refcount layer (CPython 3.12 and 3.13's profiles; not 3.13t's, whose atomic_refcount it lacks).
constexpr bool ImmortalBuildRuns(LayerSet layers) {
  return (layers.bits() & kImmortalFixedOn) == kImmortalFixedOn && (layers.bits() & kImmortalFixedOff) == 0;
}
// The four executables, one per build variant (CMakeLists.txt, dispatchlab_add_cli): counting and the
// run-time switch of every layer; the same without the counters; without the switch of the boxing and
// refcount layers (CPython 3.11's Py_INCREF); the same with 3.12's immortality test inline.
inline constexpr absl::string_view kCountingBuildName = "dispatchlab";
inline constexpr absl::string_view kNocountBuildName = "dispatchlab-nocount";
inline constexpr absl::string_view kUntaggedBuildName = "dispatchlab-untagged";
inline constexpr absl::string_view kImmortalBuildName = "dispatchlab-immortal";
// This executable's name, from the variant it was compiled as: its usage lines, the metadata's "binary"
// and the messages of the builds that refuse a layer set say it.
inline constexpr absl::string_view kThisBuildName =
    !kTaggedCompiledIn    ? (kImmortalInline ? kImmortalBuildName : kUntaggedBuildName)
    : kCountingCompiledIn ? kCountingBuildName
                          : kNocountBuildName;
// OK when this build runs `layers`; in an untagged build that cannot, FailedPrecondition naming the layers
// and the build that can.
absl::Status CheckBuildRuns(LayerSet layers);

// The profiles this build runs (all of them but in the untagged and immortal builds), comma-separated, in
// the table's order: the --profile help of every command.
std::string ProfilesThisBuildRuns();

// The process-wide active set, read by every switch in the hot paths.
namespace internal {
extern uint32_t g_active_layers;
}  // namespace internal

inline bool LayerOn(Layer layer) { return (internal::g_active_layers >> static_cast<int>(layer)) & 1u; }
// Whether the `thread_state` layer is on: a switch in the tagged builds, fixed in the untagged ones (off in
// dispatchlab-untagged, on in dispatchlab-immortal), whose paths to the interpreter's state test nothing.
inline bool ThreadStateOn() {
  if constexpr (kTaggedCompiledIn) return LayerOn(Layer::kThreadState);
  return kImmortalInline;
}
inline LayerSet ActiveLayers() { return LayerSet(internal::g_active_layers); }
void SetActiveLayers(LayerSet layers);

// Sets the active layers for a scope and restores the previous set on exit.
class ScopedLayers {
 public:
  explicit ScopedLayers(LayerSet layers) : saved_(ActiveLayers()) { SetActiveLayers(layers); }
  ~ScopedLayers() { SetActiveLayers(saved_); }
  ScopedLayers(const ScopedLayers&) = delete;
  ScopedLayers& operator=(const ScopedLayers&) = delete;

 private:
  LayerSet saved_;
};

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_LAYERS_H_
