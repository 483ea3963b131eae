// The report's pages and pictures: one document model (headings, paragraphs, tables, pictures) rendered
// twice, as Markdown (report.md, pictures linked) and as a standalone HTML page (report.html, pictures
// inlined, so it opens in a browser with nothing else installed).
#ifndef DISPATCHLAB_EXPERIMENTS_REPORT_RENDER_H_
#define DISPATCHLAB_EXPERIMENTS_REPORT_RENDER_H_

#include <string>
#include <vector>

#include "experiments/report/report.h"

namespace dispatchlab::report {

struct Block {
  enum Kind { kHeading, kParagraph, kTable, kPicture } kind;
  std::string text;                            // heading / paragraph text; picture caption
  std::vector<std::vector<std::string>> rows;  // table: rows[0] is the header
  std::string file;                            // picture: its file name (attribution.svg)
  std::string svg;                             // picture: the SVG document
};

// The four pictures (pictures.cc), each value with its 95% confidence interval.
std::string AttributionSvg(const ReportData& data);  // stacked per-layer Shapley bars, one per scenario
std::string SharesSvg(const ReportData& data);       // the same values as points with error bars
std::string ScalingSvg(const ReportData& data);      // ns per element against n (log x, linear y)
std::string RatioSvg(const ReportData& data);        // each scenario / the sweep reference, against n

// The ratio of two sweep points measured side by side, and its 95% half-width: per repetition (paired)
// when both have the same number of samples (>= 2), else the ratio of the means without an interval.
struct RatioPoint {
  double ratio = 0;
  double ci = 0;
};
RatioPoint RatioAt(const SweepPoint& a, const SweepPoint& b);

// The report as blocks (the pictures included).
std::vector<Block> ReportBlocks(const ReportData& data);

std::string RenderMarkdown(const std::vector<Block>& blocks);
std::string RenderHtml(const std::vector<Block>& blocks);

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_RENDER_H_
