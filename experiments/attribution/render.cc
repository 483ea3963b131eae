#include "experiments/attribution/render.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace dispatchlab::attribution {

namespace {

// One column of per-layer values in the table, the JSON "methods" object and the CSV.
struct Column {
  absl::string_view key;    // JSON key and CSV method name
  absl::string_view title;  // table heading
  std::vector<double> value;
  std::vector<double> error;  // standard error per layer (noise, or 2 s_q for the factorial)
};

std::vector<Column> Columns(const AttributionResult& r) {
  std::vector<Column> cols;
  if (r.shapley) cols.push_back({"shapley", "shapley", r.shapley->value, r.shapley->noise_se});
  if (r.waterfall) cols.push_back({"waterfall", "waterfall", r.waterfall->value, r.waterfall->noise_se});
  if (r.loo) cols.push_back({"loo", "leave-out", r.loo->value, r.loo->noise_se});
  if (r.add_one_in) cols.push_back({"add_one_in", "add-in", r.add_one_in->value, r.add_one_in->noise_se});
  if (r.factorial) {
    Column c{"factorial", "factorial", {}, {}};
    for (int i = 0; i < r.space.k(); ++i) {
      c.value.push_back(r.factorial->OnMinusOff(i));
      c.error.push_back(2 * r.factorial->s_q);
    }
    cols.push_back(std::move(c));
  }
  return cols;
}

absl::string_view LayerName(const AttributionResult& r, int i) { return InfoOf(r.space.chosen[i]).name; }

std::string Repeat(absl::string_view s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(s.data(), s.size());
  return out;
}

}  // namespace

Json ConfigJson(const LayerSpace& space, ConfigMask mask, ConfigMask measured_mask,
                const std::vector<double>& values) {
  const SampleStats st = Summarize(values);
  return {{"config", ConfigLabel(space, mask)},
          {"mask", static_cast<int64_t>(mask)},
          {"measured_mask", static_cast<int64_t>(measured_mask)},
          {"layers", space.LayersFor(mask).ToString()},
          {"mean", st.mean},
          {"median", st.median},
          {"stddev", st.stddev},
          {"cv", st.cv},
          {"values", values}};
}

std::string DesignLine(const AttributionResult& r) {
  std::string out = absl::StrFormat("design: %d configurations, %d measured", r.configurations,
                                    static_cast<int>(r.configs.size()));
  if (!r.shared.empty()) absl::StrAppendFormat(&out, " (%d share identical work)", r.shared.size());
  absl::StrAppendFormat(&out, ", %d samples", r.measurements);
  if (r.sequential) {
    absl::StrAppendFormat(&out, "; sequential, %d rounds, %s repetitions (%d to %d per configuration)",
                          r.rounds, r.allocation == "neyman" ? "Neyman-allocated" : "equal",
                          r.repetitions_min, r.repetitions_max);
    absl::StrAppendFormat(&out,
                          ", stopped at %s: largest %.0f%% CI half-width of %s %.2f%% of the total "
                          "(target %.2f%%; %.2f%% over every method)",
                          r.stopped == "ci_target" ? "the target" : "the repetition limit",
                          100 * r.confidence, r.ci_method == "shapley" ? "the Shapley values" : "any value",
                          100 * r.ci_half_width_share, 100 * r.ci_target, 100 * r.ci_half_width_share_all);
  } else {
    absl::StrAppendFormat(&out, "; fixed, %d repetitions each", r.repetitions);
  }
  return out;
}

std::string EffectName(const LayerSpace& space, ConfigMask layers) {
  std::vector<std::string> names;
  for (int i = 0; i < space.k(); ++i) {
    if ((layers >> i) & 1u) names.emplace_back(InfoOf(space.chosen[i]).name);
  }
  return absl::StrJoin(names, "*");
}

std::string Bar(double value, double max_abs, int left_width, int width, bool unicode) {
  const double scale = max_abs > 0 ? std::fabs(value) / max_abs : 0;
  std::string left(left_width, ' '), right;
  if (value < 0 && left_width > 0) {
    // No left-growing eighth blocks exist, so negatives are drawn in halves: a right-half block at the end.
    const int halves = std::min(2 * left_width, static_cast<int>(std::lround(scale * width * 2)));
    const int full = halves / 2;
    const bool half = halves % 2;
    const int pad = left_width - full - (half ? 1 : 0);
    left = std::string(pad, ' ') + (half ? (unicode ? "\u2590" : "-") : "") +
           Repeat(unicode ? "\u2588" : "#", full);
  }
  int used = 0;
  if (value > 0) {
    const int eighths = std::min(8 * width, static_cast<int>(std::lround(scale * width * 8)));
    const int full = unicode ? eighths / 8 : (eighths + 4) / 8;
    right = Repeat(unicode ? "\u2588" : "#", full);
    used = full;
    static const char* kEighths[] = {"",       "\u258f", "\u258e", "\u258d",
                                     "\u258c", "\u258b", "\u258a", "\u2589"};
    if (unicode && eighths % 8 != 0) {
      right += kEighths[eighths % 8];
      ++used;
    }
  }
  return absl::StrCat(left, unicode ? "\u2502" : "|", right, std::string(std::max(0, width - used), ' '));
}

std::string RenderTable(const AttributionResult& r, const RenderOptions& options) {
  std::string out;
  const int k = r.space.k();
  absl::StrAppendFormat(&out, "attribute %s: n = %d, %s in %s, %s of %d repetitions\n", r.scenario, r.n,
                        r.metric, r.unit, r.statistic, r.repetitions);
  absl::StrAppendFormat(&out,
                        "%d chosen layers over profile layers {%s}; %d configurations run in random "
                        "interleaved order (seed %d)\n\n",
                        k, r.space.base.ToString(), r.configs.size(), r.order_seed);
  absl::StrAppendFormat(&out, "%s\n\n", DesignLine(r));
  absl::StrAppendFormat(&out, "  all chosen layers off (base) %10.2f\n", r.base);
  absl::StrAppendFormat(&out, "  all chosen layers on (full)  %10.2f\n", r.full);
  absl::StrAppendFormat(&out, "  total overhead               %10.2f\n\n", r.total);

  const std::vector<Column> cols = Columns(r);
  // The bars show the first column: Shapley when computed.
  double max_abs = 0, max_neg = 0;
  if (!cols.empty()) {
    for (double v : cols[0].value) {
      max_abs = std::max(max_abs, std::fabs(v));
      max_neg = std::max(max_neg, -v);
    }
  }
  const int width = options.bar_width;
  const int left_width = max_neg > 0 ? static_cast<int>(std::ceil(max_neg / max_abs * width)) : 0;

  size_t name_width = 5;
  for (int i = 0; i < k; ++i) name_width = std::max(name_width, LayerName(r, i).size());
  absl::StrAppendFormat(&out, "%-*s", name_width, "layer");
  for (const Column& c : cols) absl::StrAppendFormat(&out, " %10s", c.title);
  if (!cols.empty()) {
    absl::StrAppendFormat(&out, " %8s  %s%s", "share", std::string(left_width, ' '),
                          absl::StrFormat("%s (share of total)", cols[0].title));
  }
  out += "\n";
  for (int i = 0; i < k; ++i) {
    absl::StrAppendFormat(&out, "%-*s", name_width, LayerName(r, i));
    for (const Column& c : cols) absl::StrAppendFormat(&out, " %10.2f", c.value[i]);
    if (!cols.empty()) {
      const double share = r.total != 0 ? 100 * cols[0].value[i] / r.total : 0;
      absl::StrAppendFormat(&out, " %7.1f%%  %s", share,
                            Bar(cols[0].value[i], max_abs, left_width, width, options.unicode));
    }
    out += "\n";
  }
  absl::StrAppendFormat(&out, "%-*s", name_width, "sum");
  for (const Column& c : cols) {
    double s = 0;
    for (double v : c.value) s += v;
    absl::StrAppendFormat(&out, " %10.2f", s);
  }
  out += "\n";
  if (r.shapley) {
    double se = 0;
    for (double v : r.shapley->noise_se) se = std::max(se, v);
    absl::StrAppendFormat(&out, "(Shapley: %s; largest noise standard error %.3f",
                          r.shapley->exact ? "exact over all configurations" : "sampled", se);
    if (!r.shapley->exact) {
      double s = 0;
      for (double v : r.shapley->sampling_se) s = std::max(s, v);
      absl::StrAppendFormat(&out, ", %d permutations, largest sampling standard error %.3f",
                            r.shapley->permutations, s);
    }
    out += ")\n";
  }

  if (r.factorial) {
    const FactorialResult& f = *r.factorial;
    absl::StrAppendFormat(&out,
                          "\nfactorial 2^%d x %d (Jain ch. 18): q0 = %.2f, s_e = %.3f, %.0f%% CI = q -/+ "
                          "%.3f (t = %.3f, %d dof)\n",
                          f.k, f.repetitions, f.q0, f.s_e, 100 * f.confidence, f.t * f.s_q, f.t, f.dof);
    // The table folds interactions that are neither significant nor worth 0.1% of the variation into
    // "others"; the JSON lists every reported effect.
    std::vector<int> shown;
    double folded_share = f.unreported_share;
    int folded = static_cast<int>(f.effects.size() - f.reported.size());
    for (int e : f.reported) {
      const FactorialEffect& x = f.effects[e];
      if (__builtin_popcount(x.layers) == 1 || x.significant || x.share >= 0.001) {
        shown.push_back(e);
      } else {
        folded_share += x.share;
        ++folded;
      }
    }
    size_t effect_width = 13;
    for (int e : shown)
      effect_width = std::max(effect_width, EffectName(r.space, f.effects[e].layers).size());
    absl::StrAppendFormat(&out, "%-*s %10s %22s %10s\n", effect_width, "effect", "q", "confidence interval",
                          "variation");
    for (int e : shown) {
      const FactorialEffect& x = f.effects[e];
      absl::StrAppendFormat(&out, "%-*s %10.3f   [%8.3f, %8.3f] %9.2f%%%s\n", effect_width,
                            EffectName(r.space, x.layers), x.q, x.ci_low, x.ci_high, 100 * x.share,
                            x.significant ? "" : "  (CI includes 0)");
    }
    if (folded > 0) {
      absl::StrAppendFormat(&out, "%-*s %44.2f%%  (%d small interactions)\n", effect_width, "others",
                            100 * folded_share, folded);
    }
    absl::StrAppendFormat(&out, "%-*s %44.2f%%\n", effect_width, "error (noise)", 100 * f.error_share);
    out +=
        "(main effect q of a layer = half the average cost of switching it on; the factorial column "
        "above shows 2q)\n";
  }

  const StabilityVerdict& s = r.stability;
  absl::StrAppendFormat(&out, "\nstability: %s (largest CV %.1f%%, %d outliers in %d samples)\n",
                        s.stable ? "stable" : "UNSTABLE", 100 * s.max_cv, s.outlier_count, s.sample_count);
  for (const std::string& reason : s.reasons) absl::StrAppend(&out, "  - ", reason, "\n");
  for (const std::string& note : r.notes) absl::StrAppend(&out, "note: ", note, "\n");
  return out;
}

std::string RenderJson(const AttributionResult& r, const RenderOptions& options) {
  const int k = r.space.k();
  const std::vector<Column> cols = Columns(r);
  auto layer_object = [&](const std::vector<double>& values) {
    Json o = Json::object();
    for (int i = 0; i < k; ++i) o[std::string(LayerName(r, i))] = values[i];
    return o;
  };
  Json layers = Json::array();
  for (int i = 0; i < k; ++i) layers.push_back(LayerName(r, i));
  Json w = {{"scenario", r.scenario},     {"metric", r.metric}, {"unit", r.unit},
            {"statistic", r.statistic},   {"n", r.n},           {"repetitions", r.repetitions},
            {"order_seed", r.order_seed}, {"layers", layers},   {"base_layers", r.space.base.ToString()},
            {"total", r.total},           {"base", r.base},     {"full", r.full}};

  Json methods = Json::object(), details = Json::object();
  for (const Column& c : cols) {
    methods[c.key] = layer_object(c.value);
    double sum = 0;
    for (double v : c.value) sum += v;
    Json d = {{"sum", sum}};
    d[c.key == "factorial" ? "standard_error" : "noise_se"] = layer_object(c.error);
    if (c.key == "shapley") {
      std::vector<double> share(k);
      for (int i = 0; i < k; ++i) share[i] = r.total != 0 ? c.value[i] / r.total : 0;
      d["share"] = layer_object(share);
      d["exact"] = r.shapley->exact;
      if (!r.shapley->exact) {
        d["permutations"] = r.shapley->permutations;
        d["sampling_se"] = layer_object(r.shapley->sampling_se);
      }
    }
    if (c.key == "factorial") {
      const FactorialResult& f = *r.factorial;
      d["meaning"] = "per layer: 2 q, the average cost of switching the layer on";
      d["k"] = f.k;
      d["repetitions"] = f.repetitions;
      d["q0"] = f.q0;
      d["confidence"] = f.confidence;
      d["t"] = f.t;
      d["dof"] = f.dof;
      d["s_e"] = f.s_e;
      d["s_q"] = f.s_q;
      d["sst"] = f.sst;
      d["sse"] = f.sse;
      d["error_share"] = f.error_share;
      d["unreported_share"] = f.unreported_share;
      Json effects = Json::array();
      for (int e : f.reported) {
        const FactorialEffect& x = f.effects[e];
        effects.push_back({{"effect", EffectName(r.space, x.layers)},
                           {"q", x.q},
                           {"ci", {x.ci_low, x.ci_high}},
                           {"share", x.share},
                           {"significant", x.significant}});
      }
      d["effects"] = effects;
    }
    details[c.key] = d;
  }
  w["methods"] = methods;
  w["details"] = details;
  w["stability"] = {{"stable", r.stability.stable},
                    {"reasons", r.stability.reasons},
                    {"max_cv", r.stability.max_cv},
                    {"outliers", r.stability.outlier_count},
                    {"samples", r.stability.sample_count}};

  Json shared = Json::array();
  for (const auto& [mask, as] : r.shared) {
    shared.push_back({{"config", ConfigLabel(r.space, mask)},
                      {"mask", static_cast<int64_t>(mask)},
                      {"measured_mask", static_cast<int64_t>(as)}});
  }
  w["design"] = {{"sequential", r.sequential},
                 {"ci_target", r.ci_target},
                 {"confidence", r.confidence},
                 {"stopped", r.stopped},
                 {"rounds", r.rounds},
                 {"ci_half_width_share",
                  std::isfinite(r.ci_half_width_share) ? Json(r.ci_half_width_share) : Json(nullptr)},
                 {"ci_method", r.ci_method},
                 {"ci_half_width_share_all",
                  std::isfinite(r.ci_half_width_share_all) ? Json(r.ci_half_width_share_all) : Json(nullptr)},
                 {"allocation", r.allocation},
                 {"drift_window", r.drift_window},
                 {"repetitions_min", r.repetitions_min},
                 {"repetitions_max", r.repetitions_max},
                 {"configurations", r.configurations},
                 {"measured_configurations", static_cast<int64_t>(r.configs.size())},
                 {"measurements", r.measurements},
                 {"shared", shared}};

  Json samples = Json::array();
  for (size_t c = 0; c < r.configs.size(); ++c) {
    const ConfigSamples& cs = r.configs[c];
    Json entry = ConfigJson(r.space, cs.mask, cs.mask, cs.samples);
    if (!cs.adjusted.empty()) {
      // The statistics the methods read are the adjusted samples' (the raw ones stay in `values`).
      const SampleStats st = Summarize(cs.adjusted);
      entry["adjusted"] = cs.adjusted;
      entry["mean"] = st.mean;
      entry["median"] = st.median;
      entry["stddev"] = st.stddev;
      entry["cv"] = st.cv;
    }
    entry["outliers"] =
        c < r.stability.per_config.size() ? Json(r.stability.per_config[c].outliers) : Json::array();
    samples.push_back(std::move(entry));
  }
  w["samples"] = samples;
  w["run_order"] = r.run_order;
  w["notes"] = r.notes;
  w["metadata"] = options.metadata.is_null() ? Json::object() : options.metadata;
  return DumpJson(w) + "\n";
}

std::string RenderCsv(const AttributionResult& r) {
  std::string out = "scenario,metric,unit,method,layer,value,std_error,share_of_total\n";
  for (const Column& c : Columns(r)) {
    for (int i = 0; i < r.space.k(); ++i) {
      absl::StrAppendFormat(&out, "%s,%s,%s,%s,%s,%.10g,%.10g,%.10g\n", r.scenario, r.metric, r.unit, c.key,
                            LayerName(r, i), c.value[i], c.error[i],
                            r.total != 0 ? c.value[i] / r.total : 0.0);
    }
  }
  return out;
}

}  // namespace dispatchlab::attribution
