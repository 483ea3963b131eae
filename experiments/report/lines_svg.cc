// Lines over log10 x and linear y, with error bars (see svg.h).
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

std::string LinesSvg(absl::string_view title, absl::string_view x_label, absl::string_view y_label,
                     const std::vector<Series>& series, std::optional<double> reference_y) {
  double x_min = INFINITY, x_max = 0, y_lo = 0, y_hi = 0;
  for (const Series& s : series) {
    for (const Point& p : s.points) {
      if (!(p.x > 0) || !std::isfinite(p.y)) continue;
      x_min = std::min(x_min, p.x), x_max = std::max(x_max, p.x);
      y_lo = std::min(y_lo, p.y), y_hi = std::max(y_hi, p.y);
    }
  }
  // The axis fits the points (from 0, with a margin), not their error bars: an interval that runs off the
  // plot is cut at its edge and drawn without a cap there, so a few wide intervals (two repetitions on a
  // busy machine) do not flatten every line.
  y_hi *= 1.15;
  if (reference_y.has_value()) y_hi = std::max(y_hi, 1.15 * *reference_y);
  if (!(x_max > 0)) x_min = 1, x_max = 10;
  if (!(y_hi > y_lo)) y_hi = y_lo + 1;
  const double lx0 = std::floor(std::log10(x_min)), lx1 = std::max(std::ceil(std::log10(x_max)), lx0 + 1);
  const double step = NiceStep(y_hi - y_lo, 8);
  const double y0 = std::floor(y_lo / step) * step, y1 = std::ceil(y_hi / step) * step;

  constexpr int kWidth = 980, kHeight = 560, kLeft = 80, kRight = 260, kTop = 50, kBottom = 90;
  const int plot_width = kWidth - kLeft - kRight, plot_height = kHeight - kTop - kBottom;
  auto x_of = [&](double x) { return kLeft + plot_width * (std::log10(x) - lx0) / (lx1 - lx0); };
  auto y_of = [&](double y) { return kTop + plot_height * (1 - (y - y0) / (y1 - y0)); };

  std::string svg = Header(kWidth, kHeight, title);
  for (double t = y0; t <= y1 + step / 2; t += step) {
    const double y = y_of(t);
    absl::StrAppend(
        &svg, absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", kLeft,
                              y, kLeft + plot_width, y));
    absl::StrAppend(&svg,
                    Text(kLeft - 6, y + 4, Number(std::fabs(t) < step / 1e6 ? 0 : t), "text-anchor=\"end\""));
  }
  for (double d = lx0; d <= lx1; d += 1) {
    const double x = x_of(std::pow(10.0, d));
    absl::StrAppend(
        &svg, absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\"/>\n", x,
                              kTop, x, kTop + plot_height));
    absl::StrAppend(&svg, Text(x, kTop + plot_height + 18, absl::StrFormat("1e%d", static_cast<int>(d)),
                               "text-anchor=\"middle\""));
  }
  if (reference_y.has_value()) {
    absl::StrAppend(&svg,
                    absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\" "
                                    "stroke-dasharray=\"4 4\"/>\n",
                                    kLeft, y_of(*reference_y), kLeft + plot_width, y_of(*reference_y)));
  }
  absl::StrAppend(&svg, absl::StrFormat("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                                        "stroke=\"black\"/>\n",
                                        kLeft, kTop, plot_width, plot_height));
  absl::StrAppend(&svg,
                  Text(kLeft + plot_width / 2.0, kTop + plot_height + 40, x_label, "text-anchor=\"middle\""));
  absl::StrAppend(&svg,
                  absl::StrFormat("<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" "
                                  "transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
                                  kTop + plot_height / 2.0, kTop + plot_height / 2.0, XmlEscape(y_label)));
  absl::StrAppend(&svg,
                  Text(kLeft, kHeight - 16,
                       "points: mean over repetitions; vertical bars: 95% confidence interval (Student's t); "
                       "no cap: the interval runs off the plot",
                       "font-style=\"italic\""));
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string path;
    for (const Point& p : s.points) {
      if (!(p.x > 0) || !std::isfinite(p.y)) continue;
      absl::StrAppend(&path, path.empty() ? "M" : " L", absl::StrFormat("%.1f %.1f", x_of(p.x), y_of(p.y)));
    }
    if (!path.empty()) {
      absl::StrAppend(
          &svg,
          absl::StrFormat("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", path,
                          s.color, s.dash.empty() ? "" : absl::StrCat(" stroke-dasharray=\"", s.dash, "\"")));
    }
    // Each series' points are nudged sideways a little so that overlapping error bars stay readable.
    const double nudge = (static_cast<double>(i) - (series.size() - 1) / 2.0) * 2.5;
    for (const Point& p : s.points) {
      if (!(p.x > 0) || !std::isfinite(p.y)) continue;
      const double x = x_of(p.x) + nudge;
      if (p.ci > 0) {
        const double lo = std::max(p.y - p.ci, y0), hi = std::min(p.y + p.ci, y1);
        std::string d = absl::StrFormat("M%.1f %.1f V%.1f", x, y_of(lo), y_of(hi));
        if (lo == p.y - p.ci)
          absl::StrAppend(&d, absl::StrFormat(" M%.1f %.1f H%.1f", x - 3, y_of(lo), x + 3));
        if (hi == p.y + p.ci)
          absl::StrAppend(&d, absl::StrFormat(" M%.1f %.1f H%.1f", x - 3, y_of(hi), x + 3));
        absl::StrAppend(
            &svg, absl::StrFormat("<path d=\"%s\" stroke=\"%s\" stroke-width=\"1.3\" fill=\"none\"/>\n", d,
                                  s.color));
      }
      absl::StrAppend(
          &svg,
          absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"black\" "
                          "stroke-width=\"0.5\"><title>%s, n = %s: %s +- %s</title></circle>\n",
                          x, y_of(p.y), s.color, XmlEscape(s.label), Number(p.x), Number(p.y), Number(p.ci)));
    }
    const double ly = kTop + 10 + 20 * static_cast<double>(i);
    absl::StrAppend(
        &svg, absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                              "stroke-width=\"3\"%s/>\n",
                              kLeft + plot_width + 16, ly - 4, kLeft + plot_width + 44, ly - 4, s.color,
                              s.dash.empty() ? "" : absl::StrCat(" stroke-dasharray=\"", s.dash, "\"")));
    absl::StrAppend(&svg, Text(kLeft + plot_width + 50, ly, s.label));
  }
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

}  // namespace dispatchlab::report
