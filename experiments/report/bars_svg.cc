// Stacked bars and interval rows for the report's attribution pictures (see svg.h).
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "experiments/report/svg.h"

namespace dispatchlab::report {

using svg_internal::Header;
using svg_internal::NiceStep;
using svg_internal::Number;
using svg_internal::Text;

namespace {

// Black or white text, whichever reads better on `color` ("#rrggbb"): relative luminance of sRGB.
absl::string_view TextOn(absl::string_view color) {
  if (color.size() != 7 || color[0] != '#') return "black";
  auto channel = [&](int at) {
    const double c = std::stoi(std::string(color.substr(at, 2)), nullptr, 16) / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  const double luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.2 ? "black" : "white";
}

// A horizontal error bar from x0 to x1 at height y, with end caps.
std::string HorizontalErrorBar(double x0, double x1, double y, double cap, double width) {
  return absl::StrFormat(
      "<path d=\"M%.1f %.1f H%.1f M%.1f %.1f V%.1f M%.1f %.1f V%.1f\" stroke=\"black\" stroke-width=\"%.1f\" "
      "fill=\"none\"/>\n",
      x0, y, x1, x0, y - cap, y + cap, x1, y - cap, y + cap, width);
}

struct Axis {
  double lo = 0, hi = 1, step = 1;
};

Axis MakeAxis(double lo, double hi, int ticks) {
  if (!(hi > lo)) hi = lo + 1;
  Axis a;
  a.step = NiceStep(hi - lo, ticks);
  a.lo = std::floor(lo / a.step) * a.step;
  a.hi = std::ceil(hi / a.step) * a.step;
  return a;
}

}  // namespace

std::string StackedBarsSvg(absl::string_view title, absl::string_view unit, const std::vector<Bar>& bars) {
  // The legend: every label once, in order of first appearance, then the three drawing conventions.
  std::vector<const BarSegment*> legend;
  double max = 0;
  for (const Bar& bar : bars) {
    double at = 0;
    for (const BarSegment& s : bar.segments) {
      if (s.value > 0) at += s.value;
      const bool known =
          std::any_of(legend.begin(), legend.end(), [&](const BarSegment* e) { return e->label == s.label; });
      if (!known) legend.push_back(&s);
    }
    max = std::max({max, at, bar.total});
  }
  // The axis fits the bars and the totals (with a margin); an error bar that runs past either end is cut
  // there and drawn with an open end, so one noisy scenario does not squash every other bar.
  const Axis axis = MakeAxis(0, max > 0 ? 1.15 * max : 1, 6);

  constexpr int kWidth = 980, kLeft = 190, kRight = 30, kTop = 50, kRow = 58, kBarHeight = 22;
  constexpr int kLegendColumns = 4, kLegendColumnWidth = 235, kLegendRow = 20;
  const int plot_width = kWidth - kLeft - kRight;
  const int plot_bottom = kTop + kRow * static_cast<int>(bars.size());
  const int legend_top = plot_bottom + 84;
  const int legend_entries = static_cast<int>(legend.size()) + 3;
  const int legend_rows = (legend_entries + kLegendColumns - 1) / kLegendColumns;
  const int height = legend_top + legend_rows * kLegendRow + 20;
  auto x_of = [&](double v) { return kLeft + plot_width * (v - axis.lo) / (axis.hi - axis.lo); };
  // An error bar from v - ci to v + ci at height y, cut to the axis.
  auto error_bar = [&](double v, double ci, double y, double cap, double width, absl::string_view color) {
    const double lo = std::max(v - ci, axis.lo), hi = std::min(v + ci, axis.hi);
    std::string out = absl::StrFormat("<path d=\"M%.1f %.1f H%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
                                      x_of(lo), y, x_of(hi), color, width);
    for (const auto& [end, cut] : {std::make_pair(lo, lo > v - ci), std::make_pair(hi, hi < v + ci)}) {
      if (!cut) {
        absl::StrAppend(
            &out, absl::StrFormat("<path d=\"M%.1f %.1f V%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"/>\n",
                                  x_of(end), y - cap, y + cap, color, width));
      }
    }
    absl::StrAppend(
        &out, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>\n", x_of(v), y, color));
    return out;
  };

  std::string svg = Header(kWidth, height, title);
  for (double t = axis.lo; t <= axis.hi + axis.step / 2; t += axis.step) {
    absl::StrAppend(&svg,
                    absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                                    x_of(t), kTop - 6, x_of(t), plot_bottom));
    absl::StrAppend(&svg, Text(x_of(t), plot_bottom + 16, Number(t), "text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, Text(kLeft + plot_width / 2.0, plot_bottom + 36, unit, "text-anchor=\"middle\""));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = kTop + kRow * static_cast<double>(i) + (kRow - kBarHeight) / 2.0;
    // Each segment's error bar, at the segment's end, in a lane under the bar, in the segment's colour.
    const double lane = y + kBarHeight + 11;
    absl::StrAppend(&svg, Text(kLeft - 8, y + kBarHeight * 0.7, bar.label, "text-anchor=\"end\""));
    std::string whiskers;
    double at = 0;
    for (const BarSegment& s : bar.segments) {
      if (s.value <= 0) continue;
      const double x0 = x_of(at), x1 = x_of(at + s.value);
      const std::string fill = s.Noise() ? "url(#noise)" : s.color;
      absl::StrAppend(
          &svg,
          absl::StrFormat("<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
                          "stroke=\"white\" stroke-width=\"0.75\"><title>%s: %s +- %s %s%s</title></rect>\n",
                          x0, y, x1 - x0, kBarHeight, fill, XmlEscape(s.label), Number(s.value), Number(s.ci),
                          XmlEscape(unit), s.Noise() ? " (noise: the 95% CI includes 0)" : ""));
      if (!s.marker.empty() && x1 - x0 >= 7.0 * static_cast<double>(s.marker.size()) + 4) {
        absl::StrAppend(&svg, Text((x0 + x1) / 2, y + kBarHeight * 0.7, s.marker,
                                   absl::StrCat("text-anchor=\"middle\" font-size=\"11\" fill=\"",
                                                s.Noise() ? "black" : TextOn(s.color), "\"")));
      }
      at += s.value;
      if (s.ci > 0)
        absl::StrAppend(&whiskers, error_bar(at, s.ci, lane, 3, 1.2, s.Noise() ? "#777777" : s.color));
    }
    // A negative segment (a saving: switching the layer off makes the scenario dearer) cancels the end of
    // the stack: it is drawn over it, hatched, with a strip of the layer's colour under the bar, so the
    // solid part of the bar ends where the total is.
    for (const BarSegment& s : bar.segments) {
      if (s.value >= 0) continue;
      const double from = std::max(0.0, at + s.value);
      const double x0 = x_of(from), x1 = x_of(at);
      absl::StrAppend(
          &svg, absl::StrFormat(
                    "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
                    "stroke=\"black\" stroke-width=\"0.5\"><title>%s: %s +- %s %s (%s)</title></rect>\n",
                    x0, y, x1 - x0, kBarHeight, s.Noise() ? "url(#noise)" : "url(#saving)",
                    XmlEscape(s.label), Number(s.value), Number(s.ci), XmlEscape(unit),
                    s.Noise() ? "noise: the 95% CI includes 0" : "a saving"));
      absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"4\" "
                                            "fill=\"%s\"/>\n",
                                            x0, y + kBarHeight + 1, x1 - x0, s.Noise() ? kGrey : s.color));
      at = from;
      if (s.ci > 0)
        absl::StrAppend(&whiskers, error_bar(at, s.ci, lane + 4, 3, 1.2, s.Noise() ? "#777777" : s.color));
    }
    absl::StrAppend(&svg, whiskers);
    if (bar.total > 0) {
      absl::StrAppend(
          &svg,
          absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\" "
                          "stroke-width=\"3\"><title>total, every layer on: %s +- %s %s</title></line>\n",
                          x_of(bar.total), y - 5, x_of(bar.total), y + kBarHeight + 5, Number(bar.total),
                          Number(bar.total_ci), XmlEscape(unit)));
      if (bar.total_ci > 0) absl::StrAppend(&svg, error_bar(bar.total, bar.total_ci, y - 5, 3, 2, "black"));
    }
  }
  absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                                        kLeft, kTop - 6, kLeft, plot_bottom));
  auto legend_at = [&](int i) {
    return std::make_pair(20 + kLegendColumnWidth * static_cast<double>(i % kLegendColumns),
                          legend_top + kLegendRow * static_cast<double>(i / kLegendColumns));
  };
  for (size_t i = 0; i < legend.size(); ++i) {
    const auto [x, y] = legend_at(static_cast<int>(i));
    absl::StrAppend(
        &svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"13\" fill=\"%s\"/>\n", x,
                              y - 10, legend[i]->color));
    const std::string label =
        legend[i]->marker.empty() ? legend[i]->label : absl::StrCat(legend[i]->marker, " ", legend[i]->label);
    absl::StrAppend(&svg, Text(x + 22, y, label));
  }
  const std::pair<absl::string_view, absl::string_view> conventions[] = {
      {"url(#noise)", "noise: 95% CI includes 0"},
      {"url(#saving)", "saving: cancels the bar's end"},
      {"black", "tick: total, every layer on"}};
  for (int k = 0; k < 3; ++k) {
    const auto [x, y] = legend_at(static_cast<int>(legend.size()) + k);
    absl::StrAppend(&svg,
                    absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%s\" height=\"13\" fill=\"%s\" "
                                    "stroke=\"black\" stroke-width=\"0.5\"/>\n",
                                    k == 2 ? x + 6 : x, y - 10, k == 2 ? "3" : "16", conventions[k].first));
    absl::StrAppend(&svg, Text(x + 22, y, conventions[k].second));
  }
  absl::StrAppend(&svg,
                  Text(20, legend_top - 26,
                       "error bars: 95% confidence intervals; the total's above its bar, each segment's (at "
                       "the segment's end, in its colour) under it; an open end runs off the axis",
                       "font-style=\"italic\""));
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

std::string IntervalsSvg(absl::string_view title, absl::string_view unit,
                         const std::vector<IntervalGroup>& groups) {
  double lo = 0, hi = 0;
  int rows = 0;
  for (const IntervalGroup& g : groups) {
    rows += 1 + static_cast<int>(g.rows.size());
    for (const BarSegment& r : g.rows) {
      lo = std::min(lo, r.value - r.ci);
      hi = std::max(hi, r.value + r.ci);
    }
  }
  const Axis axis = MakeAxis(lo, hi > lo ? hi : lo + 1, 8);
  constexpr int kWidth = 980, kLeft = 220, kRight = 150, kTop = 50, kRow = 18;
  const int plot_width = kWidth - kLeft - kRight;
  const int plot_bottom = kTop + kRow * rows + 6;
  const int height = plot_bottom + 70;
  auto x_of = [&](double v) { return kLeft + plot_width * (v - axis.lo) / (axis.hi - axis.lo); };

  std::string svg = Header(kWidth, height, title);
  for (double t = axis.lo; t <= axis.hi + axis.step / 2; t += axis.step) {
    const bool zero = std::fabs(t) < axis.step / 1e6;
    absl::StrAppend(
        &svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x_of(t),
                              kTop - 6, x_of(t), plot_bottom, zero ? "black" : "#ddd"));
    absl::StrAppend(&svg, Text(x_of(t), plot_bottom + 16, Number(zero ? 0 : t), "text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, Text(kLeft + plot_width / 2.0, plot_bottom + 36, unit, "text-anchor=\"middle\""));
  int row = 0;
  for (const IntervalGroup& g : groups) {
    const double gy = kTop + kRow * (row + 0.7);
    absl::StrAppend(&svg, Text(kLeft - 8, gy, g.title, "text-anchor=\"end\" font-weight=\"bold\""));
    ++row;
    for (const BarSegment& r : g.rows) {
      const double y = kTop + kRow * (row + 0.5);
      if (row % 2 == 0) {
        absl::StrAppend(
            &svg, absl::StrFormat("<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>\n",
                                  kLeft, y - kRow / 2.0, plot_width, kRow));
      }
      const std::string label = r.marker.empty() ? r.label : absl::StrCat(r.marker, " ", r.label);
      absl::StrAppend(&svg, Text(kLeft - 8, y + 4, label, "text-anchor=\"end\""));
      if (r.ci > 0)
        absl::StrAppend(&svg, HorizontalErrorBar(x_of(r.value - r.ci), x_of(r.value + r.ci), y, 4, 1.5));
      const bool noise = r.Noise();
      absl::StrAppend(&svg,
                      absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"%s\" "
                                      "stroke-width=\"1.5\"><title>%s: %s +- %s %s</title></circle>\n",
                                      x_of(r.value), y, noise ? "white" : r.color, noise ? "#555" : "black",
                                      XmlEscape(r.label), Number(r.value), Number(r.ci), XmlEscape(unit)));
      const std::string verdict = noise ? "noise" : (r.ci > 0 ? (r.value > 0 ? "cost" : "saving") : "");
      absl::StrAppend(&svg,
                      Text(kLeft + plot_width + 8, y + 4,
                           absl::StrCat(Number(r.value), r.ci > 0 ? absl::StrCat(" +- ", Number(r.ci)) : "",
                                        verdict.empty() ? "" : absl::StrCat("  ", verdict)),
                           noise ? "fill=\"#555\" font-style=\"italic\"" : ""));
      ++row;
    }
  }
  absl::StrAppend(
      &svg, Text(20, height - 12,
                 "points: value; bars: 95% confidence interval; hollow: the interval includes 0 (noise)",
                 "font-style=\"italic\""));
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace dispatchlab::report
