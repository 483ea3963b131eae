// The machine's slow swings, estimated from the samples taken around each sample and divided out.
//
// On a shared or virtual machine the speed of the whole process changes for a while (another tenant on the
// host core's sibling, frequency, the host reclaiming memory): measured here, every configuration of
// sct_init runs about 1.6 times slower for stretches of several consecutive samples, whatever the
// configuration (the residuals of consecutive samples, in random interleaved order, correlate at 0.4 to
// 0.6). Such a common multiplicative factor is not a property of any layer. Because the run order is
// random, the configurations measured just before and after a sample are a random draw, and their
// residuals (log sample minus log configuration mean) estimate the factor the machine was at. This is
// blocking on time with a moving window (Box, Hunter and Hunter, Statistics for Experimenters, 2nd ed.
// 2005, ch. 4: blocking removes a nuisance factor's variation from the comparisons), with the block effect
// estimated from the neighbours only, never from the sample itself. Each sample is divided by its
// estimate, normalised so that the factors' geometric mean is 1 (the costs stay at the run's typical
// speed; shares of the total do not depend on that scale). Raw samples are kept beside the adjusted ones.
// docs/attribution.md, "Drift adjustment".
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_DRIFT_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_DRIFT_H_

#include <vector>

namespace dispatchlab::attribution {

// `values[t]` is the t-th sample in the order run, `config[t]` its configuration (0 <= config[t] <
// num_configs). Returns the factor of each sample: exp of the mean log residual of the samples within
// `window` places before and after it (itself excluded), the configuration log-means and the factors
// estimated alternately (`iterations` times), normalised to a geometric mean of 1. A sample <= 0 (no
// logarithm) gets factor 1 and is no one's neighbour. window 0: every factor 1.
std::vector<double> DriftFactors(const std::vector<double>& values, const std::vector<int>& config,
                                 int num_configs, int window, int iterations = 5);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_DRIFT_H_
