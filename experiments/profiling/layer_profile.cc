// LayerProfile helpers (see layer_profile.h).
#include "experiments/profiling/layer_profile.h"

namespace dispatchlab::profiling {

void FillFromTally(const LayerTally& tally, double divisor, LayerProfile* profile) {
  for (int i = 0; i < kLayerCount; ++i) {
    profile->by_layer[i] = divisor > 0 ? static_cast<double>(tally.by_layer[i]) / divisor : 0;
  }
  profile->unattributed = divisor > 0 ? static_cast<double>(tally.unattributed) / divisor : 0;
  profile->raw_total = tally.Total();
  profile->unknown_layer_names.assign(tally.unknown_layer_names.begin(), tally.unknown_layer_names.end());
}

}  // namespace dispatchlab::profiling
