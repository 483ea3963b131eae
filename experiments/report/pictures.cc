// The report's four pictures, from its data (see render.h). Every value carries its 95% confidence
// interval; a layer whose interval includes 0 is drawn as noise.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/base/stats.h"
#include "experiments/report/render.h"
#include "experiments/report/svg.h"

namespace dispatchlab::report {

namespace {

// A layer's segment: coloured by its place in the call chain, marked with its 1-based row number.
BarSegment LayerSegment(const LayerDelta& d, double t95) {
  const int index = static_cast<int>(d.layer);
  return {std::string(InfoOf(d.layer).name), d.delta, t95 * d.standard_error, LayerColor(index, kLayerCount),
          absl::StrCat(index + 1)};
}

const SweepPoint* FindPoint(const ReportData& data, absl::string_view scenario, int64_t n) {
  for (const SweepPoint& p : data.sweep) {
    if (p.scenario == scenario && p.n == n) return &p;
  }
  return nullptr;
}

}  // namespace

std::string AttributionSvg(const ReportData& data) {
  std::vector<Bar> bars;
  for (const Attribution& a : data.attributions) {
    const double t95 = a.T95();
    Bar bar;
    bar.label = a.scenario;
    bar.total = a.all_on;
    bar.total_ci = t95 * a.all_on_se;
    bar.segments.push_back(
        {"every layer off (the store loop)", a.floor, t95 * a.floor_se, std::string(kGrey), ""});
    // Chain order from the left: the work that remains, then the outermost layer, ..., the innermost.
    for (const LayerDelta& d : a.shapley) bar.segments.push_back(LayerSegment(d, t95));
    bars.push_back(std::move(bar));
  }
  return StackedBarsSvg(
      absl::StrFormat("Shapley value of each layer, n = %d, %s", data.options.n, data.options.profile),
      "ns per element (this machine)", bars);
}

std::string SharesSvg(const ReportData& data) {
  std::vector<IntervalGroup> groups;
  for (const Attribution& a : data.attributions) {
    IntervalGroup g;
    g.title = a.scenario;
    for (const LayerDelta& d : a.shapley) g.rows.push_back(LayerSegment(d, a.T95()));
    groups.push_back(std::move(g));
  }
  return IntervalsSvg(
      absl::StrFormat("Each layer's Shapley value with its 95%% confidence interval, n = %d", data.options.n),
      "ns per element (this machine); right of 0: a cost, left of 0: a saving", groups);
}

std::string ScalingSvg(const ReportData& data) {
  std::vector<Series> series;
  for (size_t i = 0; i < data.options.sweep_scenarios.size(); ++i) {
    Series s;
    s.label = data.options.sweep_scenarios[i];
    s.color = std::string(CategoryColor(static_cast<int>(i)));
    s.dash = std::string(CategoryDash(static_cast<int>(i)));
    for (int64_t n : data.options.sweep_n) {
      if (const SweepPoint* p = FindPoint(data, s.label, n)) {
        s.points.push_back({static_cast<double>(n), p->Mean(), p->Ci95()});
      }
    }
    series.push_back(std::move(s));
  }
  return LinesSvg(absl::StrFormat("Cost per element against n, profile %s", data.options.profile),
                  "n (elements per array, log scale)", "ns per element (mean, this machine)", series);
}

RatioPoint RatioAt(const SweepPoint& a, const SweepPoint& b) {
  RatioPoint r;
  const size_t k = a.samples.size();
  if (k >= 2 && b.samples.size() == k) {
    // Paired: repetition j of every scenario ran side by side, so the ratio is taken per repetition.
    std::vector<double> ratios;
    for (size_t j = 0; j < k; ++j) {
      if (b.samples[j] > 0) ratios.push_back(a.samples[j] / b.samples[j]);
    }
    if (ratios.size() >= 2) {
      const double m = static_cast<double>(ratios.size());
      r.ratio = stats::Mean(ratios);
      r.ci = stats::StudentTQuantile(m - 1, 0.975) * stats::StandardErrorOfMean(ratios);
      return r;
    }
  }
  r.ratio = b.Mean() > 0 ? a.Mean() / b.Mean() : 0;
  return r;
}

std::string RatioSvg(const ReportData& data) {
  const std::string& reference = data.options.sweep_reference;
  std::vector<Series> series;
  for (size_t i = 0; i < data.options.sweep_scenarios.size(); ++i) {
    const std::string& name = data.options.sweep_scenarios[i];
    if (name == reference) continue;
    Series s;
    s.label = name;  // the title and the axis name the reference
    s.color = std::string(CategoryColor(static_cast<int>(i)));
    s.dash = std::string(CategoryDash(static_cast<int>(i)));
    for (int64_t n : data.options.sweep_n) {
      const SweepPoint* a = FindPoint(data, name, n);
      const SweepPoint* b = FindPoint(data, reference, n);
      if (a == nullptr || b == nullptr) continue;
      const RatioPoint r = RatioAt(*a, *b);
      if (r.ratio > 0) s.points.push_back({static_cast<double>(n), r.ratio, r.ci});
    }
    series.push_back(std::move(s));
  }
  return LinesSvg(absl::StrFormat("Each scenario's cost relative to %s, against n", reference),
                  "n (elements per array, log scale)",
                  absl::StrCat("ratio to ", reference, " (dashed: 1, the same cost)"), series, 1.0);
}

}  // namespace dispatchlab::report
