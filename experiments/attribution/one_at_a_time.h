// The three one-layer-at-a-time attributions: waterfall, leave-one-out and add-one-in.
//
// - Waterfall: start with every chosen layer on and switch them off one at a time in call-chain order
//   (the order of core/layers.def: the seed's own story, patch A first); each layer is charged the drop
//   its removal causes. Sums exactly to the total, but the charges depend on the order: a layer whose
//   cost hides behind another is charged when it is uncovered.
// - Leave-one-out: from all on, the cost saved by removing only that layer. Misses whatever the layer
//   shares with others (an interaction), so the values need not sum to the total.
// - Add-one-in: from all off, the cost added by switching only that layer on. Beside leave-one-out it
//   brackets the layer's share when interactions are present.
// docs/attribution.md, "One layer at a time".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ONE_AT_A_TIME_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ONE_AT_A_TIME_H_

#include <vector>

#include "experiments/attribution/design.h"

namespace dispatchlab::attribution {

// Per chosen layer, a value and the standard error of that value from measurement noise (each value is
// the difference of two configuration means).
struct LayerValues {
  std::vector<double> value;
  std::vector<double> noise_se;
  // Per layer: the Welch-Satterthwaite degrees of freedom of noise_se (for its confidence interval).
  std::vector<double> noise_dof;
  double Sum() const;
};

// Requires the masks of WaterfallConfigs(k) in `costs`.
LayerValues Waterfall(const CostTable& costs);
// Requires the masks of LeaveOneOutConfigs(k).
LayerValues LeaveOneOut(const CostTable& costs);
// Requires the masks of AddOneInConfigs(k).
LayerValues AddOneIn(const CostTable& costs);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_ONE_AT_A_TIME_H_
