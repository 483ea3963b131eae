// The report's pieces without timing anything: the attribution arithmetic through a synthetic sampler
// whose cost model is known exactly, the SVG charts, the pages, and the all-or-nothing output directory.
#include "experiments/report/report.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "experiments/report/output_dir.h"
#include "experiments/report/render.h"
#include "experiments/report/svg.h"

namespace {

using dispatchlab::Layer;
using dispatchlab::LayerSet;
namespace report = dispatchlab::report;

// cost = 10 + 100 [trampoline] + 30 [boxing] + 20 [lookup and trampoline] - 5 [method_cache]
// The lookup is only paid inside the trampoline: a nested layer, as in the real chain.
double SyntheticCost(LayerSet s) {
  double cost = 10;
  if (s.Has(Layer::kTrampoline)) cost += 100;
  if (s.Has(Layer::kBoxing)) cost += 30;
  if (s.Has(Layer::kLookup) && s.Has(Layer::kTrampoline)) cost += 20;
  if (s.Has(Layer::kMethodCache)) cost -= 5;
  return cost;
}

dispatchlab::BatchSampler Synthetic(int* calls, size_t* samples) {
  return [calls, samples](const std::vector<LayerSet>& order) -> absl::StatusOr<std::vector<double>> {
    ++*calls;
    *samples += order.size();
    std::vector<double> out;
    for (LayerSet s : order) out.push_back(SyntheticCost(s));
    return out;
  };
}

const LayerSet kBase = LayerSet::None()
                           .With(Layer::kTrampoline)
                           .With(Layer::kBoxing)
                           .With(Layer::kLookup)
                           .With(Layer::kMethodCache);

std::string TempDir() {
  char pattern[] = "/tmp/dispatchlab-report-test-XXXXXX";
  REQUIRE(mkdtemp(pattern) != nullptr);
  return pattern;
}

}  // namespace

TEST_CASE("report attribution: Shapley and waterfall add up and leave-one-out sees nesting") {
  int calls = 0;
  size_t samples = 0;
  absl::StatusOr<report::Attribution> a =
      report::Attribute("synthetic", 1000, kBase, kBase, Synthetic(&calls, &samples), /*rounds=*/3);
  REQUIRE(a.ok());
  CHECK(calls == 1);               // one interleaved batch
  CHECK(a->configurations == 16);  // 4 layers: exact Shapley measures all 2^4 configurations
  CHECK(samples == 3u * 16u);
  CHECK(a->all_on == Approx(155));
  CHECK(a->floor == Approx(10));
  CHECK(a->shapley_exact);
  REQUIRE(a->shapley.size() == 4);
  REQUIRE(a->waterfall.size() == 4);
  REQUIRE(a->leave_one_out.size() == 4);
  // Table order: trampoline, boxing, lookup, method_cache.
  CHECK(a->shapley[0].layer == Layer::kTrampoline);
  CHECK(a->shapley[0].delta == Approx(110));  // 100 of its own + half of the nested lookup's 20
  CHECK(a->shapley[1].delta == Approx(30));
  CHECK(a->shapley[2].delta == Approx(10));
  CHECK(a->shapley[3].delta == Approx(-5));  // a saving
  double shapley_sum = 0, waterfall_sum = 0;
  for (const auto& d : a->shapley) shapley_sum += d.delta;
  for (const auto& d : a->waterfall) waterfall_sum += d.delta;
  CHECK(shapley_sum == Approx(a->all_on - a->floor));
  CHECK(waterfall_sum == Approx(a->all_on - a->floor));
  CHECK(a->leave_one_out[0].delta == Approx(120));
  CHECK(a->leave_one_out[1].delta == Approx(30));
  CHECK(a->leave_one_out[2].delta == Approx(20));
  CHECK(a->leave_one_out[3].delta == Approx(-5));
  CHECK(a->Unexplained() == Approx(155 - 10 - 165));              // the lookup counted twice
  CHECK(a->shapley[0].standard_error == Approx(0).margin(1e-9));  // a noiseless sampler
}

TEST_CASE("report attribution samples Shapley beyond eight layers") {
  int calls = 0;
  size_t samples = 0;
  const LayerSet nine = LayerSet(kBase.bits())
                            .With(Layer::kIndexBoxing)
                            .With(Layer::kCall)
                            .With(Layer::kCallTuple)
                            .With(Layer::kConversion)
                            .With(Layer::kSetfunc);
  absl::StatusOr<report::Attribution> a =
      report::Attribute("synthetic", 1000, nine, nine, Synthetic(&calls, &samples), /*rounds=*/2);
  REQUIRE(a.ok());
  CHECK(!a->shapley_exact);
  CHECK(a->permutations == 9);  // one per layer
  double sum = 0;
  for (const auto& d : a->shapley) sum += d.delta;
  CHECK(sum == Approx(a->all_on - a->floor));  // every sampled order sums to the total
}

TEST_CASE("report attribution refuses too few rounds and short sampler answers") {
  int calls = 0;
  size_t samples = 0;
  CHECK(!report::Attribute("x", 1000, kBase, kBase, Synthetic(&calls, &samples), 1).ok());
  CHECK(!report::Attribute("x", 1000, kBase, LayerSet::None(), Synthetic(&calls, &samples), 2).ok());
  dispatchlab::BatchSampler short_sampler =
      [](const std::vector<LayerSet>&) -> absl::StatusOr<std::vector<double>> {
    return std::vector<double>{1.0};
  };
  CHECK(!report::Attribute("x", 1000, kBase, kBase, short_sampler, 2).ok());
}

TEST_CASE("report charts are standalone SVG with one rect per positive segment") {
  report::Bar bar{"sct_init", {{"trampoline", 10, 0}, {"boxing", 5, 1}, {"method_cache", -2, 2}}, 13};
  const std::string svg = report::StackedBarsSvg("title <&>", "ns", {bar});
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("title &lt;&amp;&gt;") != std::string::npos);
  CHECK(svg.find("<title>trampoline: 10 ns</title>") != std::string::npos);
  CHECK(svg.find("(a saving)") != std::string::npos);
  const std::string lines =
      report::LogLogLinesSvg("t", "n", "ns", {{"a", {{1000, 5}, {10000, 6}, {0, 3}}, 0}});
  CHECK(lines.find("<path d=\"M") != std::string::npos);
  CHECK(lines.find("1e3") != std::string::npos);
  CHECK(lines.find("1e4") != std::string::npos);
}

TEST_CASE("report pages carry every table and both pictures") {
  report::ReportData data;
  data.options.sweep_n = {1000, 10000};
  data.options.sweep_scenarios = {"sct_init"};
  data.machine = "test machine";
  data.date = "2026-01-01T00:00:00Z";
  data.suite.push_back({"sct_init", {4, 4}, 4, 4, 0, 0, 4, 4});
  data.suite.push_back({"sct_subscript", {1, 1}, 1, 1, 0, 0, 1, 1});
  int calls = 0;
  size_t samples = 0;
  data.attributions.push_back(
      *report::Attribute("sct_init", 1000, kBase, kBase, Synthetic(&calls, &samples), 2));
  data.sweep = {{"sct_init", 1000, 4, 0}, {"sct_init", 10000, 4.5, 0}};
  const std::vector<report::Block> blocks = report::ReportBlocks(data);
  const std::string md = report::RenderMarkdown(blocks);
  const std::string html = report::RenderHtml(blocks);
  CHECK(md.find("![") != std::string::npos);
  CHECK(md.find("(attribution.svg)") != std::string::npos);
  CHECK(md.find("(scaling.svg)") != std::string::npos);
  CHECK(md.find("| sct_init | RawArray(c_int, l) | 4.00 |") != std::string::npos);
  CHECK(md.find("| sct_init / sct_subscript (the puzzle) | 4.00 |") != std::string::npos);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(html.find("test machine") != std::string::npos);
}

TEST_CASE("report output directory is written all or nothing") {
  const std::string root = TempDir();
  SECTION("a new directory receives every file") {
    const std::string out = root + "/new";
    REQUIRE(report::CheckOutputDir(out).ok());
    REQUIRE(report::WriteFilesAtomically(out, {{"a.md", "A"}, {"b.svg", "B"}}).ok());
    CHECK(std::filesystem::exists(out + "/a.md"));
    CHECK(std::filesystem::exists(out + "/b.svg"));
  }
  SECTION("an existing directory keeps its other files") {
    const std::string out = root + "/old";
    std::filesystem::create_directory(out);
    std::ofstream(out + "/keep.txt") << "k";
    REQUIRE(report::WriteFilesAtomically(out, {{"a.md", "A"}}).ok());
    CHECK(std::filesystem::exists(out + "/keep.txt"));
    CHECK(std::filesystem::exists(out + "/a.md"));
  }
  SECTION("unusable targets are refused before anything is written") {
    CHECK(!report::CheckOutputDir("").ok());
    CHECK(!report::CheckOutputDir(root + "/missing/child").ok());
    std::ofstream(root + "/file") << "f";
    CHECK(report::CheckOutputDir(root + "/file").code() == absl::StatusCode::kInvalidArgument);
    CHECK(!report::CheckOutputDir("/proc/dispatchlab-report").ok());
  }
  // No temporary directory is left beside the targets.
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    INFO(entry.path().string());
    CHECK(entry.path().filename().string().rfind(".dispatchlab", 0) != 0);
  }
  std::filesystem::remove_all(root);
}
