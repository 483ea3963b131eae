#include "experiments/report/svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dispatchlab::report {

namespace {

constexpr absl::string_view kPalette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
    "#393b79", "#ad494a", "#637939", "#7b4173", "#e7969c", "#6baed6", "#fdae6b", "#74c476", "#999999",
};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

// A "nice" step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over [0, max].
double NiceStep(double max, int ticks) {
  const double raw = max / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

std::string Number(double v) {
  if (v == 0) return "0";
  if (std::fabs(v) >= 100) return absl::StrFormat("%.0f", v);
  return absl::StrFormat("%.3g", v);
}

std::string Text(double x, double y, absl::string_view text, absl::string_view extra = "") {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, extra, XmlEscape(text));
}

std::string Header(int width, int height, absl::string_view title) {
  return absl::StrCat(
      absl::StrFormat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
                      width, height, width, height),
      absl::StrFormat("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height),
      Text(width / 2.0, 24, title, "text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\""));
}

}  // namespace

absl::string_view Color(int index) {
  return kPalette[((index % kPaletteSize) + kPaletteSize) % kPaletteSize];
}

std::string XmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string StackedBarsSvg(absl::string_view title, absl::string_view unit, const std::vector<Bar>& bars) {
  // The legend: every label once, in order of first appearance.
  std::vector<std::pair<std::string, int>> legend;
  double max = 0;
  for (const Bar& bar : bars) {
    double sum = 0;
    for (const BarSegment& s : bar.segments) {
      if (s.value > 0) sum += s.value;
      const bool known =
          std::any_of(legend.begin(), legend.end(), [&](const auto& e) { return e.first == s.label; });
      if (!known) legend.emplace_back(s.label, s.color);
    }
    max = std::max({max, sum, bar.total});
  }
  if (max <= 0) max = 1;
  const double step = NiceStep(max, 6);
  const double axis_max = std::ceil(max / step) * step;

  constexpr int kWidth = 980, kLeft = 190, kRight = 30, kTop = 50, kRow = 40, kBarHeight = 22;
  constexpr int kLegendColumns = 4, kLegendColumnWidth = 235, kLegendRow = 20;
  const int plot_width = kWidth - kLeft - kRight;
  const int plot_bottom = kTop + kRow * static_cast<int>(bars.size());
  const int legend_top = plot_bottom + 80;
  const int legend_rows = (static_cast<int>(legend.size()) + kLegendColumns - 1) / kLegendColumns;
  const int height = legend_top + legend_rows * kLegendRow + 30;
  auto x_of = [&](double v) { return kLeft + plot_width * v / axis_max; };

  std::string svg = Header(kWidth, height, title);
  for (double t = 0; t <= axis_max + step / 2; t += step) {
    absl::StrAppend(&svg,
                    absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
                                    x_of(t), kTop - 6, x_of(t), plot_bottom));
    absl::StrAppend(&svg, Text(x_of(t), plot_bottom + 16, Number(t), "text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, Text(kLeft + plot_width / 2.0, plot_bottom + 36, unit, "text-anchor=\"middle\""));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& bar = bars[i];
    const double y = kTop + kRow * static_cast<double>(i) + (kRow - kBarHeight) / 2.0;
    absl::StrAppend(&svg, Text(kLeft - 8, y + kBarHeight * 0.7, bar.label, "text-anchor=\"end\""));
    double at = 0;
    for (const BarSegment& s : bar.segments) {
      if (s.value <= 0) continue;
      absl::StrAppend(
          &svg, absl::StrFormat("<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\" "
                                "stroke=\"white\" stroke-width=\"0.5\"><title>%s: %s %s</title></rect>\n",
                                x_of(at), y, x_of(at + s.value) - x_of(at), kBarHeight, Color(s.color),
                                XmlEscape(s.label), Number(s.value), XmlEscape(unit)));
      at += s.value;
    }
    // Negative segments (savings: removing the layer makes the scenario dearer) run leftwards from the end
    // of the stack as thin strips under the bar, so the stack minus the strips ends at the total.
    for (const BarSegment& s : bar.segments) {
      if (s.value >= 0) continue;
      const double from = std::max(0.0, at + s.value);
      absl::StrAppend(
          &svg, absl::StrFormat("<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"6\" fill=\"%s\" "
                                "stroke=\"black\" stroke-width=\"0.5\"><title>%s: %s %s (a saving)</title>"
                                "</rect>\n",
                                x_of(from), y + kBarHeight + 1, x_of(at) - x_of(from), Color(s.color),
                                XmlEscape(s.label), Number(s.value), XmlEscape(unit)));
      at = from;
    }
    if (bar.total > 0) {
      absl::StrAppend(
          &svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\" "
                                "stroke-width=\"2.5\"/>\n",
                                x_of(bar.total), y - 4, x_of(bar.total), y + kBarHeight + 4));
    }
  }
  absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
                                        kLeft, kTop - 6, kLeft, plot_bottom));
  for (size_t i = 0; i < legend.size(); ++i) {
    const double x = 20 + kLegendColumnWidth * static_cast<double>(i % kLegendColumns);
    const double y = legend_top + kLegendRow * static_cast<double>(i / kLegendColumns);
    absl::StrAppend(
        &svg, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"12\" fill=\"%s\"/>\n", x,
                              y - 10, Color(legend[i].second)));
    absl::StrAppend(&svg, Text(x + 20, y, legend[i].first));
  }
  absl::StrAppend(
      &svg,
      Text(20, legend_top - 22,
           "black tick: measured cost with every layer on; thin strips under a bar: savings, drawn leftwards",
           "font-style=\"italic\""));
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

std::string LogLogLinesSvg(absl::string_view title, absl::string_view x_label, absl::string_view y_label,
                           const std::vector<Series>& series) {
  double x_min = INFINITY, x_max = 0, y_min = INFINITY, y_max = 0;
  for (const Series& s : series) {
    for (const auto& [x, y] : s.points) {
      if (x <= 0 || y <= 0) continue;
      x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      y_min = std::min(y_min, y), y_max = std::max(y_max, y);
    }
  }
  if (x_max <= 0) x_min = 1, x_max = 10;
  if (y_max <= 0) y_min = 1, y_max = 10;
  const double lx0 = std::floor(std::log10(x_min)), lx1 = std::max(std::ceil(std::log10(x_max)), lx0 + 1);
  const double ly0 = std::floor(std::log10(y_min)), ly1 = std::max(std::ceil(std::log10(y_max)), ly0 + 1);

  constexpr int kWidth = 980, kHeight = 560, kLeft = 80, kRight = 260, kTop = 50, kBottom = 70;
  const int plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  auto x_of = [&](double x) { return kLeft + plot_width * (std::log10(x) - lx0) / (lx1 - lx0); };
  auto y_of = [&](double y) { return kTop + plot_height * (1 - (std::log10(y) - ly0) / (ly1 - ly0)); };

  std::string svg = Header(kWidth, kHeight, title);
  for (double d = ly0; d <= ly1; d += 1) {
    for (int m = 1; m < 10 && d + std::log10(m) <= ly1; ++m) {
      const double y = y_of(m * std::pow(10.0, d));
      absl::StrAppend(
          &svg, absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n", kLeft,
                                y, kLeft + plot_width, y, m == 1 ? "#bbb" : "#eee"));
      if (m == 1)
        absl::StrAppend(&svg, Text(kLeft - 6, y + 4, Number(std::pow(10.0, d)), "text-anchor=\"end\""));
    }
  }
  for (double d = lx0; d <= lx1; d += 1) {
    const double x = x_of(std::pow(10.0, d));
    absl::StrAppend(
        &svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\"/>\n", x,
                              kTop, x, kTop + plot_height));
    absl::StrAppend(&svg, Text(x, kTop + plot_height + 18, absl::StrFormat("1e%d", static_cast<int>(d)),
                               "text-anchor=\"middle\""));
  }
  absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                                        "stroke=\"black\"/>\n",
                                        kLeft, kTop, plot_width, plot_height));
  absl::StrAppend(&svg, Text(kLeft + plot_width / 2.0, kHeight - 24, x_label, "text-anchor=\"middle\""));
  absl::StrAppend(&svg,
                  absl::StrFormat("<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
                                  "transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
                                  kTop + plot_height / 2.0, kTop + plot_height / 2.0, XmlEscape(y_label)));
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string path;
    for (const auto& [x, y] : s.points) {
      if (x <= 0 || y <= 0) continue;
      absl::StrAppend(&path, path.empty() ? "M" : " L", absl::StrFormat("%.1f %.1f", x_of(x), y_of(y)));
      absl::StrAppend(
          &svg, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s, n = %s: "
                                "%s</title></circle>\n",
                                x_of(x), y_of(y), Color(s.color), XmlEscape(s.label), Number(x), Number(y)));
    }
    if (!path.empty()) {
      absl::StrAppend(
          &svg, absl::StrFormat("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", path,
                                Color(s.color)));
    }
    const double ly = kTop + 10 + 20 * static_cast<double>(i);
    absl::StrAppend(&svg, absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                                          "stroke-width=\"3\"/>\n",
                                          kLeft + plot_width + 16, ly - 4, kLeft + plot_width + 40, ly - 4,
                                          Color(s.color)));
    absl::StrAppend(&svg, Text(kLeft + plot_width + 46, ly, s.label));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace dispatchlab::report
