// The three renderings of an AttributionResult: a terminal table with a bar per layer, JSON (the schema
// in docs/attribution.md, "JSON"), and CSV (one row per method and layer).
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_RENDER_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_RENDER_H_

#include <string>
#include <vector>

#include "experiments/attribution/attribute.h"
#include "experiments/base/json.h"

namespace dispatchlab::attribution {

struct RenderOptions {
  bool unicode = true;  // Unicode block bars; ASCII '#' bars when false
  int bar_width = 32;   // characters for the largest |value|
  // The "metadata" object (machine, compiler, build, profile, ...). Null: "metadata": {} is written, so
  // the key is always present.
  Json metadata;
};

// One configuration as JSON, the same object in `attribute` (its "samples") and `explore` (its "configs"):
// {"config": label, "mask", "measured_mask" (the configuration whose measurement it carries), "layers",
// "mean", "median", "stddev", "cv", "values": the samples}. Callers add their own keys after these.
Json ConfigJson(const LayerSpace& space, ConfigMask mask, ConfigMask measured_mask,
                const std::vector<double>& values);

// One line on the design run: configurations read and measured, samples, fixed or sequential.
std::string DesignLine(const AttributionResult& result);

// The name of an effect: its layers joined by '*' ("trampoline*boxing").
std::string EffectName(const LayerSpace& space, ConfigMask layers);

// A bar of `value` on a scale where `max_abs` fills `width` characters; negatives grow to the left of
// the axis '|' in a field `left_width` wide, positives to its right. Returns exactly
// left_width + 1 + width columns of text (multi-byte when unicode).
std::string Bar(double value, double max_abs, int left_width, int width, bool unicode);

std::string RenderTable(const AttributionResult& result, const RenderOptions& options);
std::string RenderJson(const AttributionResult& result, const RenderOptions& options);
std::string RenderCsv(const AttributionResult& result);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_RENDER_H_
