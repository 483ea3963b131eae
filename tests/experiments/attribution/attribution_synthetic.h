// A synthetic cost model for the attribution tests: known additive costs per layer, one known
// interaction, and optional seeded Gaussian noise, served through the BatchSampler interface.
#ifndef DISPATCHLAB_TESTS_EXPERIMENTS_ATTRIBUTION_SYNTHETIC_H_
#define DISPATCHLAB_TESTS_EXPERIMENTS_ATTRIBUTION_SYNTHETIC_H_

#include <map>
#include <memory>
#include <random>
#include <vector>

#include "core/layers.h"
#include "experiments/attribution/attribute.h"
#include "experiments/attribution/design.h"
#include "experiments/attribution/shapley.h"
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
  // When set, a layer costs nothing while its parent chain (core/layers.def) is off: its code is
  // unreachable, as in the real model (lookup and call live inside the trampoline).
  bool nested = false;

  bool Runs(Layer layer, LayerSet s) const { return s.Has(layer) && (!nested || LayerReachable(layer, s)); }
  double Cost(LayerSet s) const {
    double c = base;
    for (const auto& [layer, cost] : additive) {
      if (Runs(layer, s)) c += cost;
    }
    if (Runs(interaction_a, s) && Runs(interaction_b, s)) c += interaction;
    return c;
  }
  // The stand-in for exact counts: per modelled layer, whether its code runs.
  std::vector<uint64_t> Fingerprint(LayerSet s) const {
    std::vector<uint64_t> out;
    for (const auto& [layer, cost] : additive) out.push_back(Runs(layer, s) ? 1 : 0);
    return out;
  }
};

// SixLayerModel with nesting: lookup runs only with the trampoline on, and call_tuple (now costing 4)
// never runs while `call` (not among the six) is off.
inline SyntheticModel NestedSixLayerModel(double noise_sd);

// The model used by most tests: six layers, call_tuple a dummy (cost 0), trampoline x lookup = 6.
inline SyntheticModel SixLayerModel(double noise_sd) {
  SyntheticModel m;
  m.additive = {{Layer::kTrampoline, 20}, {Layer::kArgsTuple, 5}, {Layer::kBoxing, 8},
                {Layer::kLookup, 3},      {Layer::kCallTuple, 0}, {Layer::kSetfunc, 8}};
  m.interaction = 6;
  m.noise_sd = noise_sd;
  return m;
}

inline SyntheticModel NestedSixLayerModel(double noise_sd) {
  SyntheticModel m = SixLayerModel(noise_sd);
  m.additive[Layer::kCallTuple] = 4;
  m.nested = true;
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

// A measured configuration as the design files it: its samples and their summary.
inline attribution::ConfigSamples MeasuredConfig(attribution::ConfigMask mask, std::vector<double> samples) {
  attribution::ConfigSamples c;
  c.mask = mask;
  c.samples = std::move(samples);
  c.stats = attribution::Summarize(c.samples);
  return c;
}

// The model's exact Shapley values over the request's chosen layers, from every configuration's noiseless
// cost.
inline std::vector<double> TrueShapley(const SyntheticModel& model,
                                       const attribution::AttributionRequest& req) {
  const attribution::LayerSpace space = attribution::MakeLayerSpace(req.base, req.chosen);
  std::vector<attribution::ConfigSamples> configs;
  for (attribution::ConfigMask m = 0; m <= space.full_mask(); ++m) {
    configs.push_back(MeasuredConfig(m, {model.Cost(space.LayersFor(m))}));
  }
  return attribution::ExactShapley(attribution::CostTable(space.k(), configs)).value;
}

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_EXPERIMENTS_ATTRIBUTION_SYNTHETIC_H_
