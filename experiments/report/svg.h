// Plain SVG charts for `dispatchlab report`: stacked horizontal bars (per-layer attribution) and lines on
// log-log axes (cost per element against n). Written by our own code, so the report needs no plotting
// library and opens in any browser. The functions are pure: data in, one standalone <svg> document out.
#ifndef DISPATCHLAB_EXPERIMENTS_REPORT_SVG_H_
#define DISPATCHLAB_EXPERIMENTS_REPORT_SVG_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace dispatchlab::report {

// One segment of a stacked bar. Positive segments stack left to right. Negative segments (a saving: a
// layer whose removal makes the scenario dearer, such as a cache) are drawn after them as thin strips
// under the bar, running leftwards from the end of the stack, so that stack minus strips ends at the total.
struct BarSegment {
  std::string label;  // the legend entry (a layer name, "rest (all layers off)", ...)
  double value = 0;
  int color = 0;  // index into the palette (Color())
};

struct Bar {
  std::string label;  // drawn left of the bar (a scenario name)
  std::vector<BarSegment> segments;
  double total = 0;  // drawn as a black tick: the measured cost with every layer on
};

// Stacked horizontal bars, one row per Bar, with a legend of every segment label (first color wins).
std::string StackedBarsSvg(absl::string_view title, absl::string_view unit, const std::vector<Bar>& bars);

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, y), both > 0
  int color = 0;
};

// Lines with markers on log10 x and log10 y axes, with a legend. Non-positive points are skipped.
std::string LogLogLinesSvg(absl::string_view title, absl::string_view x_label, absl::string_view y_label,
                           const std::vector<Series>& series);

// The palette: a fixed list of distinguishable colours, indexed modulo its size.
absl::string_view Color(int index);
// Escapes &, <, >, " for XML text and attributes.
std::string XmlEscape(absl::string_view text);

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_SVG_H_
