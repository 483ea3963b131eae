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

// The two pictures.
std::string AttributionSvg(const ReportData& data);  // stacked per-layer bars, one per scenario
std::string ScalingSvg(const ReportData& data);      // ns per element against n, log-log

// The report as blocks (the pictures included).
std::vector<Block> ReportBlocks(const ReportData& data);

std::string RenderMarkdown(const std::vector<Block>& blocks);
std::string RenderHtml(const std::vector<Block>& blocks);

}  // namespace dispatchlab::report

#endif  // DISPATCHLAB_EXPERIMENTS_REPORT_RENDER_H_
