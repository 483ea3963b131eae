#include "experiments/explore/explore.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/str_format.h"
#include "experiments/attribution/attribute.h"
#include "experiments/attribution/render.h"
#include "experiments/attribution/sharing.h"
#include "experiments/base/stats.h"
#include "experiments/cpython/reference_figures.h"
#include "experiments/measure/runner.h"
#include "experiments/scenarios/counts.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::explore {

namespace {

using attribution::ConfigMask;

// Mean, sample standard deviation and the Student-t interval of the mean.
void Summarize(ConfigResult& c, double confidence) {
  const attribution::SampleStats st = attribution::Summarize(c.samples);
  c.mean = st.mean;
  c.stddev = st.stddev;
  double half = 0;
  if (st.count >= 2) {
    const double t = stats::StudentTQuantile(static_cast<double>(st.count - 1), 0.5 + confidence / 2);
    half = t * st.stddev / std::sqrt(static_cast<double>(st.count));
  }
  c.low = st.mean - half;
  c.high = st.mean + half;
}

// The exact counts of all 2^k configurations, grouped by identical work (experiments/attribution/
// sharing.h), and which chosen layers change any of them.
absl::StatusOr<attribution::WorkClasses> CountAll(const Scenario& scenario, const ExploreData& data,
                                                  ScenarioExplore* out) {
  const int k = data.space.k();
  absl::StatusOr<attribution::WorkClasses> classes =
      attribution::GroupByWork(data.space, attribution::AllConfigs(k),
                               CountFingerprinter(scenario, {data.options.n}, data.options.profile));
  if (!classes.ok()) return classes.status();
  out->configs.resize(size_t{1} << k);
  for (ConfigMask mask = 0; mask <= data.space.full_mask(); ++mask) {
    out->configs[mask].mask = mask;
    const attribution::WorkFingerprint& fp = classes->fingerprint[classes->index.at(mask)];
    std::copy(fp.begin(), fp.end(), out->configs[mask].totals.value.begin());
  }
  out->on_path = attribution::OnPath(*classes, k);
  return classes;
}

// Times the configurations that do distinct work through the attribution library (which also gives the
// Shapley values; a layer off the path gets exactly 0) and gives every configuration the samples of the
// configuration measured for it.
absl::Status TimeAll(const ExploreData& data, const SamplerFactory& make_sampler,
                     const attribution::WorkClasses& classes, ScenarioExplore* out) {
  absl::StatusOr<BatchSampler> sampler = make_sampler(SampleTarget{out->name, data.options.n});
  if (!sampler.ok()) return sampler.status();

  attribution::AttributionRequest req;
  req.scenario = out->name;
  req.metric = "time";
  req.n = data.options.n;
  req.base = data.space.base;
  for (Layer l : data.space.chosen) req.chosen = req.chosen.With(l);
  req.methods = {attribution::Method::kShapley};
  req.repetitions = data.options.repetitions;
  req.seed = out->seed;
  req.confidence = data.options.confidence;
  // The counts are already taken: the fingerprints are looked up, not counted again.
  req.fingerprint = [&](LayerSet layers) -> absl::StatusOr<attribution::WorkFingerprint> {
    for (size_t i = 0; i < classes.masks.size(); ++i) {
      if (data.space.LayersFor(classes.masks[i]) == layers) return classes.fingerprint[i];
    }
    return absl::InternalError("explore: a configuration was not counted");
  };
  absl::StatusOr<attribution::AttributionResult> result = attribution::Attribute(req, *sampler);
  if (!result.ok()) return result.status();
  out->shapley = result->shapley->value;
  out->shapley_se = result->shapley->noise_se;
  for (ConfigResult& c : out->configs) {
    c.measured_mask = classes.MeasuredAs(c.mask);
    for (const attribution::ConfigSamples& m : result->configs) {
      if (m.mask == c.measured_mask) c.samples = m.samples;
    }
    if (c.samples.empty()) return absl::InternalError("explore: a configuration was not measured");
    Summarize(c, data.options.confidence);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ExploreData> Explore(const ExploreOptions& options, const SamplerFactory& make_sampler) {
  ExploreData data;
  data.options = options;
  const int k = __builtin_popcount(options.chosen.bits());
  if (k < 1 || k > kMaxLayers) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "explore: choose 1 to %d layers (the page holds all 2^k configurations); %d given", kMaxLayers, k));
  }
  if (options.repetitions < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--repetitions=%d: at least 2 are needed for an interval", options.repetitions));
  }
  std::vector<std::string> names = options.scenarios;
  const std::string reference(ReferenceScenario());
  if (std::find(names.begin(), names.end(), reference) == names.end()) names.push_back(reference);
  std::vector<const Scenario*> scenarios;
  for (const std::string& name : names) {
    absl::StatusOr<const Scenario*> s = ScenarioFromName(name);
    if (!s.ok()) return s.status();
    scenarios.push_back(*s);
  }
  data.options.scenarios = names;
  data.space = attribution::MakeLayerSpace(options.base, options.chosen);

  for (size_t si = 0; si < scenarios.size(); ++si) {
    const Scenario& s = *scenarios[si];
    ScenarioExplore out;
    out.name = std::string(s.name);
    out.expression = std::string(s.expression);
    out.story = std::string(s.story);
    out.cpython_ratio =
        cpython::ReferenceRatio(s.name).has_value() ? cpython::ReferenceRatioCell(s.name) : "";
    out.seed = options.seed + si;
    if (options.progress) {
      options.progress(absl::StrFormat("explore: %s: counting %d configurations", out.name, 1 << k));
    }
    absl::StatusOr<attribution::WorkClasses> classes = CountAll(s, data, &out);
    if (!classes.ok()) return classes.status();
    if (options.progress) {
      int on = 0;
      for (bool b : out.on_path) on += b;
      options.progress(absl::StrFormat(
          "explore: %s: timing %d configurations doing distinct work x %d (%d of %d layers on its path)",
          out.name, classes->Measured().size(), options.repetitions, on, k));
    }
    if (absl::Status st = TimeAll(data, make_sampler, *classes, &out); !st.ok()) return st;
    data.scenarios.push_back(std::move(out));
  }
  return data;
}

SamplerFactory TimeSamplerFactory(double seconds_per_sample) {
  return [seconds_per_sample](const SampleTarget& target) {
    return MakeTimeSampler(target, seconds_per_sample);
  };
}

absl::StatusOr<CpythonFigures> ParseCpythonFigures(const std::string& text, const std::string& source) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [&source](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrFormat("--cpython=%s: %s", source, what));
  };
  if (doc.is_discarded())
    return bad("not valid JSON (expected the output of 'dispatchlab cpython --format=json')");
  if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array()) {
    return bad("expected an object with a \"results\" array");
  }
  CpythonFigures out;
  out.source = source;
  out.metadata_json = doc.contains("metadata") && doc["metadata"].is_object() ? doc["metadata"].dump() : "{}";
  for (const nlohmann::json& r : doc["results"]) {
    if (!r.is_object() || !r.contains("scenario") || !r["scenario"].is_string()) {
      return bad("every result needs a \"scenario\" string");
    }
    // A result without a time figure (an instruction count, or "cpython": null) is skipped.
    if (!r.contains("cpython") || !r["cpython"].is_object() || !r["cpython"].contains("ns_per_element"))
      continue;
    const nlohmann::json& ns_value = r["cpython"]["ns_per_element"];
    if (!ns_value.is_number()) return bad("\"ns_per_element\" must be a number");
    const double ns = ns_value.get<double>();
    if (!std::isfinite(ns) || ns < 0) return bad("\"ns_per_element\" must be a non-negative number");
    const std::string scenario = r["scenario"].get<std::string>();
    // With several interpreters (--python=all), the first one listed for a scenario is kept.
    bool seen = false;
    for (const CpythonFigure& f : out.figures) seen = seen || f.scenario == scenario;
    if (seen) continue;
    const std::string version =
        r.contains("version") && r["version"].is_string() ? r["version"].get<std::string>() : "";
    out.figures.push_back({scenario, ns, version});
  }
  if (out.figures.empty()) {
    return bad(
        "no time figures (\"cpython\": {\"ns_per_element\": ...}); run 'dispatchlab cpython' with "
        "its time metric");
  }
  return out;
}

std::string ExploreJson(const ExploreData& data, const std::optional<CpythonFigures>& cpython,
                        const std::string& metadata_json) {
  using Json = nlohmann::ordered_json;
  Json doc;
  doc["schema"] = "dispatchlab-explore/1";
  doc["profile"] = data.options.profile;
  doc["n"] = data.options.n;
  doc["repetitions"] = data.options.repetitions;
  doc["confidence"] = data.options.confidence;
  doc["unit"] = "ns/element";
  doc["reference"] = data.reference;
  Json layers = Json::array();
  for (Layer l : data.space.chosen) {
    const LayerInfo& info = InfoOf(l);
    layers.push_back({{"name", info.name}, {"on", info.on}, {"off", info.off}, {"mirrors", info.mirrors}});
  }
  doc["layers"] = layers;
  Json held = Json::array();
  for (const LayerInfo& info : LayerTable()) {
    if (std::find(data.space.chosen.begin(), data.space.chosen.end(), info.layer) !=
        data.space.chosen.end()) {
      continue;
    }
    held.push_back({{"name", info.name}, {"on", data.space.base.Has(info.layer)}});
  }
  doc["held_layers"] = held;
  Json counters = Json::array();
  for (const CounterInfo& c : CounterTable()) counters.push_back({{"name", c.name}, {"meaning", c.meaning}});
  doc["counters"] = counters;
  Json scenarios = Json::array();
  for (const ScenarioExplore& s : data.scenarios) {
    Json js;
    js["name"] = s.name;
    js["expression"] = s.expression;
    js["story"] = s.story;
    js["cpython_reference"] = s.cpython_ratio;
    js["seed"] = s.seed;
    js["on_path"] = s.on_path;
    Json shapley = Json::array();
    for (int i = 0; i < data.space.k(); ++i) {
      shapley.push_back({{"layer", InfoOf(data.space.chosen[i]).name},
                         {"value", s.shapley[i]},
                         {"standard_error", s.shapley_se[i]}});
    }
    js["shapley"] = shapley;
    Json configs = Json::array();
    for (const ConfigResult& c : s.configs) {
      Json counts = Json::array();
      for (uint64_t v : c.totals.value) counts.push_back(v);
      Json config = attribution::ConfigJson(data.space, c.mask, c.measured_mask, c.samples);
      config["low"] = c.low;
      config["high"] = c.high;
      config["samples"] = c.samples;
      config["counts"] = counts;
      configs.push_back(std::move(config));
    }
    js["configs"] = configs;
    scenarios.push_back(js);
  }
  doc["scenarios"] = scenarios;
  if (cpython.has_value()) {
    Json figures = Json::array();
    for (const CpythonFigure& f : cpython->figures) {
      figures.push_back(
          {{"scenario", f.scenario}, {"ns_per_element", f.ns_per_element}, {"version", f.version}});
    }
    doc["cpython"] = {
        {"source", cpython->source}, {"metadata", Json::parse(cpython->metadata_json)}, {"figures", figures}};
  } else {
    doc["cpython"] = nullptr;
  }
  doc["metadata"] = Json::parse(metadata_json);
  // Our strings are UTF-8; an invalid byte (from a --cpython file) becomes U+FFFD rather than an exception.
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace dispatchlab::explore
