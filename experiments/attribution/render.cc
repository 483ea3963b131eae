#include "experiments/attribution/render.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "experiments/json.h"

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

// The project's JsonWriter (experiments/json.h) with key-value shorthands for the report below.
class Json {
 public:
  Json& BeginObject() { return Do(w_.BeginObject()); }
  Json& EndObject() { return Do(w_.EndObject()); }
  Json& BeginArray() { return Do(w_.BeginArray()); }
  Json& EndArray() { return Do(w_.EndArray()); }
  Json& Key(absl::string_view key) { return Do(w_.Key(key)); }
  Json& String(absl::string_view v) { return Do(w_.String(v)); }
  Json& Number(double v) { return Do(w_.Double(v)); }
  Json& Int(int64_t v) { return Do(w_.Int(v)); }
  Json& Raw(absl::string_view json) { return Do(w_.Raw(json)); }
  Json& Member(absl::string_view key, absl::string_view v) { return Key(key).String(v); }
  Json& Member(absl::string_view key, const std::string& v) { return Key(key).String(v); }
  Json& Member(absl::string_view key, const char* v) { return Key(key).String(v); }
  Json& Member(absl::string_view key, double v) { return Key(key).Number(v); }
  Json& Member(absl::string_view key, int v) { return Key(key).Int(v); }
  Json& Member(absl::string_view key, int64_t v) { return Key(key).Int(v); }
  Json& Member(absl::string_view key, uint64_t v) { return Key(key).Int(static_cast<int64_t>(v)); }
  Json& Member(absl::string_view key, bool v) { return Do(w_.Key(key).Bool(v)); }
  std::string str() const { return w_.str() + "\n"; }

 private:
  Json& Do(JsonWriter&) { return *this; }
  JsonWriter w_;
};

}  // namespace

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
  auto layer_object = [&](Json& w, const std::vector<double>& values) {
    w.BeginObject();
    for (int i = 0; i < k; ++i) w.Member(LayerName(r, i), values[i]);
    w.EndObject();
  };
  Json w;
  w.BeginObject();
  w.Member("scenario", r.scenario).Member("metric", r.metric).Member("unit", r.unit);
  w.Member("statistic", r.statistic).Member("n", r.n).Member("repetitions", r.repetitions);
  w.Member("order_seed", r.order_seed);
  w.Key("layers").BeginArray();
  for (int i = 0; i < k; ++i) w.String(LayerName(r, i));
  w.EndArray();
  w.Member("base_layers", r.space.base.ToString());
  w.Member("total", r.total).Member("base", r.base).Member("full", r.full);

  w.Key("methods").BeginObject();
  for (const Column& c : cols) {
    w.Key(c.key);
    layer_object(w, c.value);
  }
  w.EndObject();

  w.Key("details").BeginObject();
  for (const Column& c : cols) {
    w.Key(c.key).BeginObject();
    double sum = 0;
    for (double v : c.value) sum += v;
    w.Member("sum", sum);
    w.Key(c.key == "factorial" ? "standard_error" : "noise_se");
    layer_object(w, c.error);
    if (c.key == "shapley") {
      std::vector<double> share(k);
      for (int i = 0; i < k; ++i) share[i] = r.total != 0 ? c.value[i] / r.total : 0;
      w.Key("share");
      layer_object(w, share);
      w.Member("exact", r.shapley->exact);
      if (!r.shapley->exact) {
        w.Member("permutations", r.shapley->permutations);
        w.Key("sampling_se");
        layer_object(w, r.shapley->sampling_se);
      }
    }
    if (c.key == "factorial") {
      const FactorialResult& f = *r.factorial;
      w.Member("meaning", "per layer: 2 q, the average cost of switching the layer on");
      w.Member("k", f.k).Member("repetitions", f.repetitions).Member("q0", f.q0);
      w.Member("confidence", f.confidence).Member("t", f.t).Member("dof", f.dof);
      w.Member("s_e", f.s_e).Member("s_q", f.s_q).Member("sst", f.sst).Member("sse", f.sse);
      w.Member("error_share", f.error_share).Member("unreported_share", f.unreported_share);
      w.Key("effects").BeginArray();
      for (int e : f.reported) {
        const FactorialEffect& x = f.effects[e];
        w.BeginObject();
        w.Member("effect", EffectName(r.space, x.layers)).Member("q", x.q);
        w.Key("ci").BeginArray().Number(x.ci_low).Number(x.ci_high).EndArray();
        w.Member("share", x.share).Member("significant", x.significant);
        w.EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();

  w.Key("stability").BeginObject();
  w.Member("stable", r.stability.stable);
  w.Key("reasons").BeginArray();
  for (const std::string& s : r.stability.reasons) w.String(s);
  w.EndArray();
  w.Member("max_cv", r.stability.max_cv).Member("outliers", r.stability.outlier_count);
  w.Member("samples", r.stability.sample_count);
  w.EndObject();

  w.Key("samples").BeginArray();
  for (size_t c = 0; c < r.configs.size(); ++c) {
    const ConfigSamples& cs = r.configs[c];
    w.BeginObject();
    w.Member("config", ConfigLabel(r.space, cs.mask)).Member("mask", static_cast<int64_t>(cs.mask));
    w.Member("layers", cs.layers.ToString());
    w.Member("mean", cs.stats.mean).Member("median", cs.stats.median);
    w.Member("stddev", cs.stats.stddev).Member("cv", cs.stats.cv);
    w.Key("values").BeginArray();
    for (double v : cs.samples) w.Number(v);
    w.EndArray();
    w.Key("outliers").BeginArray();
    if (c < r.stability.per_config.size()) {
      for (int i : r.stability.per_config[c].outliers) w.Int(i);
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("run_order").BeginArray();
  for (int i : r.run_order) w.Int(i);
  w.EndArray();
  w.Key("notes").BeginArray();
  for (const std::string& s : r.notes) w.String(s);
  w.EndArray();
  w.Key("metadata").Raw(options.metadata_json.empty() ? "{}" : options.metadata_json);
  w.EndObject();
  return w.str();
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
