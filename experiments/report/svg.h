// Plain SVG charts for `dispatchlab report`, written by our own code so the report needs no plotting
// library and opens in any browser. The functions are pure: data in, one standalone <svg> document out.
//
// Every chart shows its uncertainty: each bar segment, bar total and point carries the half-width of its
// 95% confidence interval, drawn as an error bar; a value whose interval includes 0 is drawn as noise
// (grey, hatched), never as a cost or a saving.
//
//   - StackedBarsSvg (bars_svg.cc): one stacked horizontal bar per scenario, segments in call-chain order;
//     a saving (a negative segment) is an overlay that cancels the end of the stack, so the solid part of
//     the bar ends exactly at the measured total (the black tick).
//   - IntervalsSvg (bars_svg.cc): the same values as points with their error bars, one row each, around a
//     zero line: the picture that shows which shares are real.
//   - LinesSvg (lines_svg.cc): lines with markers and vertical error bars over a log10 x axis and a linear
//     y axis that starts at 0 (or includes the reference line), for cost per element and ratios against n.
#ifndef DISPATCHLAB_EXPERIMENTS_REPORT_SVG_H_
#define DISPATCHLAB_EXPERIMENTS_REPORT_SVG_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace dispatchlab::report {

// One segment of a stacked bar.
struct BarSegment {
  std::string label;  // the legend entry (a layer name, "every layer off", ...)
  double value = 0;
  double ci = 0;       // half-width of the 95% confidence interval (0: none drawn)
  std::string color;   // fill, "#rrggbb"
  std::string marker;  // short text drawn inside the segment when it fits (a chain index), may be empty
  bool Noise() const { return ci > 0 && value - ci <= 0 && value + ci >= 0; }
};

struct Bar {
  std::string label;  // drawn left of the bar (a scenario name)
  std::vector<BarSegment> segments;
  double total = 0;     // the measured cost with every layer on: the black tick
  double total_ci = 0;  // its 95% half-width
};

// Stacked horizontal bars, one row per Bar, with a legend of every segment label (first color wins).
std::string StackedBarsSvg(absl::string_view title, absl::string_view unit, const std::vector<Bar>& bars);

// Points with 95% error bars, grouped: each group is a titled block of rows (label, value, ci, color).
struct IntervalGroup {
  std::string title;
  std::vector<BarSegment> rows;
};
std::string IntervalsSvg(absl::string_view title, absl::string_view unit,
                         const std::vector<IntervalGroup>& groups);

struct Point {
  double x = 0, y = 0;
  double ci = 0;  // 95% half-width of y (0: none drawn)
};
struct Series {
  std::string label;
  std::vector<Point> points;  // x > 0
  std::string color;
  std::string dash;  // stroke-dasharray, "" for a solid line
};

// Lines with markers and error bars over log10 x and linear y. The y axis starts at 0 unless values are
// negative; `reference_y`, when set, is drawn as a dashed horizontal line (a ratio of 1).
std::string LinesSvg(absl::string_view title, absl::string_view x_label, absl::string_view y_label,
                     const std::vector<Series>& series, std::optional<double> reference_y = std::nullopt);

// Colours. LayerColor: the layers in call-chain order along the viridis colour map (dark blue-violet for
// the outermost layer to yellow-green for the innermost), perceptually ordered and readable with every
// common colour-vision deficiency; `index` in [0, count). CategoryColor: the Okabe-Ito palette of eight
// colour-blind-safe colours, for scenarios. kGrey: the floor and noise.
std::string LayerColor(int index, int count);
absl::string_view CategoryColor(int index);
inline constexpr absl::string_view kGrey = "#9e9e9e";
// Stroke dash patterns that, with the colours, tell series apart in print.
absl::string_view CategoryDash(int index);

// Escapes &, <, >, " for XML text and attributes.
std::string XmlEscape(absl::string_view text);

namespace svg_internal {
// Shared by the charts: a "nice" tick step (1, 2 or 5 times a power of ten) for about `ticks` intervals
// over `span`; a short number; a <text>; the <svg> opening with a white background, a title and the
// hatch patterns (`url(#noise)` grey hatching, `url(#saving)` diagonal hatching).
double NiceStep(double span, int ticks);
std::string Number(double v);
std::string Text(double x, double y, absl::string_view text, absl::string_view extra = "");
std::string Header(int width, int height, absl::string_view title);
}  // namespace svg_internal

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_SVG_H_
