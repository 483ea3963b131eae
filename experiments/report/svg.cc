// The pieces every chart of the report shares: palettes, escaping, the document header (see svg.h).
#include "experiments/report/svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dispatchlab::report {

namespace {

// viridis (matplotlib's perceptually uniform colour map, designed to stay ordered and distinguishable
// with deuteranopia, protanopia and tritanopia), sampled at nine points; LayerColor interpolates.
constexpr int kViridis[9][3] = {{0x44, 0x01, 0x54}, {0x47, 0x2d, 0x7b}, {0x3b, 0x52, 0x8b},
                                {0x2c, 0x72, 0x8e}, {0x21, 0x90, 0x8c}, {0x27, 0xad, 0x81},
                                {0x5d, 0xc8, 0x63}, {0xaa, 0xdc, 0x32}, {0xfd, 0xe7, 0x25}};
// The last stretch of the map (pale yellow) is too light against a white page: stop before it.
constexpr double kViridisEnd = 0.9;

// Okabe & Ito, "Color Universal Design" (2008): eight colours distinguishable with every common
// colour-vision deficiency. Black first; the yellow last, as it is the weakest on white.
constexpr absl::string_view kOkabeIto[] = {"#000000", "#e69f00", "#56b4e9", "#009e73",
                                           "#0072b2", "#d55e00", "#cc79a7", "#f0e442"};
constexpr absl::string_view kDashes[] = {"", "6 3", "2 2", "8 3 2 3"};

}  // namespace

std::string LayerColor(int index, int count) {
  const double t = count <= 1 ? 0 : kViridisEnd * std::clamp(index, 0, count - 1) / (count - 1);
  const double at = t * 8;
  const int i = std::min(static_cast<int>(at), 7);
  const double f = at - i;
  int rgb[3];
  for (int c = 0; c < 3; ++c) {
    rgb[c] = static_cast<int>(std::lround(kViridis[i][c] + f * (kViridis[i + 1][c] - kViridis[i][c])));
  }
  return absl::StrFormat("#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

absl::string_view CategoryColor(int index) {
  constexpr int n = sizeof(kOkabeIto) / sizeof(kOkabeIto[0]);
  return kOkabeIto[((index % n) + n) % n];
}

absl::string_view CategoryDash(int index) {
  constexpr int palette = sizeof(kOkabeIto) / sizeof(kOkabeIto[0]);
  constexpr int n = sizeof(kDashes) / sizeof(kDashes[0]);
  return kDashes[((index / palette + index) % n + n) % n];
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

namespace svg_internal {

double NiceStep(double span, int ticks) {
  if (!(span > 0)) return 1;
  const double raw = span / ticks;
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

std::string Text(double x, double y, absl::string_view text, absl::string_view extra) {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, extra, XmlEscape(text));
}

std::string Header(int width, int height, absl::string_view title) {
  return absl::StrCat(
      absl::StrFormat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                      "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
                      width, height, width, height),
      "<defs>\n"
      "<pattern id=\"noise\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
      "<rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/><path d=\"M0 6 L6 0\" stroke=\"#888888\" "
      "stroke-width=\"1\"/></pattern>\n"
      "<pattern id=\"saving\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
      "<rect width=\"6\" height=\"6\" fill=\"white\" fill-opacity=\"0.75\"/><path d=\"M0 0 L6 6\" "
      "stroke=\"black\" stroke-width=\"1\"/></pattern>\n"
      "</defs>\n",
      absl::StrFormat("<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height),
      Text(width / 2.0, 24, title, "text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\""));
}

}  // namespace svg_internal

}  // namespace dispatchlab::report
