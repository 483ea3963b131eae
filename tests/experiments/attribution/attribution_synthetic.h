// A synthetic cost model for the attribution tests: known additive costs per layer, one known
// interaction, and optional seeded Gaussian noise, served through the BatchSampler interface.
#ifndef DISPATCHLAB_TESTS_EXPERIMENTS_ATTRIBUTION_SYNTHETIC_H_
#define DISPATCHLAB_TESTS_EXPERIMENTS_ATTRIBUTION_SYNTHETIC_H_

#include <map>
#include <random>
#include <vector>

#include "core/layers.h"
#include "experiments/measure/sampler.h"

namespace dispatchlab::testing {

struct SyntheticModel {
  double base = 10;
  std::map<Layer, double> additive;  // cost added by each layer on its own
  // cost added when both layers are on (beyond their additive costs)
  Layer interaction_a = Layer::kTrampoline;
  Layer interaction_b = Layer::kLookup;
  double interaction = 0;
  double noise_sd = 0;  // absolute

  double Cost(LayerSet s) const {
    double c = base;
    for (const auto& [layer, cost] : additive) {
      if (s.Has(layer)) c += cost;
    }
    if (s.Has(interaction_a) && s.Has(interaction_b)) c += interaction;
    return c;
  }
};

// The model used by most tests: six layers, call_tuple a dummy (cost 0), trampoline x lookup = 6.
inline SyntheticModel SixLayerModel(double noise_sd) {
  SyntheticModel m;
  m.additive = {{Layer::kTrampoline, 20}, {Layer::kArgsTuple, 5}, {Layer::kBoxing, 8},
                {Layer::kLookup, 3},      {Layer::kCallTuple, 0}, {Layer::kSetfunc, 8}};
  m.interaction = 6;
  m.noise_sd = noise_sd;
  return m;
}

inline LayerSet SixLayers() {
  return LayerSet()
      .With(Layer::kTrampoline)
      .With(Layer::kArgsTuple)
      .With(Layer::kBoxing)
      .With(Layer::kLookup)
      .With(Layer::kCallTuple)
      .With(Layer::kSetfunc);
}

// A BatchSampler over `model`, noise drawn from a seeded engine; `calls` (if given) counts the samples
// taken per layer set bits.
inline BatchSampler MakeSyntheticSampler(SyntheticModel model, uint64_t seed,
                                         std::map<uint32_t, int>* calls = nullptr) {
  auto rng = std::make_shared<std::mt19937_64>(seed);
  return [model, rng, calls](const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
    std::normal_distribution<double> noise(0, model.noise_sd > 0 ? model.noise_sd : 1);
    std::vector<double> out;
    for (LayerSet s : order) {
      double c = model.Cost(s);
      if (model.noise_sd > 0) c += noise(*rng);
      out.push_back(c);
      if (calls != nullptr) ++(*calls)[s.bits()];
    }
    return out;
  };
}

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_EXPERIMENTS_ATTRIBUTION_SYNTHETIC_H_
