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

TEST_CASE("report charts are standalone SVG with error bars, noise drawn as noise") {
  // trampoline: a cost (10 +- 2); boxing: noise (5 +- 6, the interval includes 0); method_cache: a saving
  // (-2 +- 1); total 13 = 10 + 5 - 2.
  report::Bar bar{"sct_init",
                  {{"trampoline", 10, 2, "#440154", "1"},
                   {"boxing", 5, 6, "#3b528b", "3"},
                   {"method_cache", -2, 1, "#21908c", "6"}},
                  13,
                  0.5};
  CHECK_FALSE(bar.segments[0].Noise());
  CHECK(bar.segments[1].Noise());
  CHECK_FALSE(bar.segments[2].Noise());
  const std::string svg = report::StackedBarsSvg("title <&>", "ns", {bar});
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("title &lt;&amp;&gt;") != std::string::npos);
  CHECK(svg.find("<title>trampoline: 10 +- 2 ns</title>") != std::string::npos);
  CHECK(svg.find("<title>boxing: 5 +- 6 ns (noise: the 95% CI includes 0)</title>") != std::string::npos);
  const size_t boxing = svg.find("<title>boxing");
  CHECK(svg.substr(svg.rfind("fill=", boxing), 18) == "fill=\"url(#noise)\"");
  CHECK(svg.find("<title>method_cache: -2 +- 1 ns (a saving)</title>") != std::string::npos);
  CHECK(svg.find("<title>total, every layer on: 13 +- 0.5 ns</title>") != std::string::npos);
  // One error bar per segment and one for the total.
  // One error bar (a line with a dot at the value) per segment and one for the total.
  size_t error_bars = 0;
  for (size_t at = svg.find("r=\"2\" fill="); at != std::string::npos;
       at = svg.find("r=\"2\" fill=", at + 1)) {
    ++error_bars;
  }
  CHECK(error_bars == 4);
  CHECK(svg.find("stroke=\"black\" stroke-width=\"2.0\"") != std::string::npos);  // the total's

  const std::string intervals =
      report::IntervalsSvg("t", "ns", {{"sct_init", {bar.segments[0], bar.segments[1], bar.segments[2]}}});
  CHECK(intervals.find("5 +- 6  noise") != std::string::npos);
  CHECK(intervals.find("10 +- 2  cost") != std::string::npos);
  CHECK(intervals.find("-2 +- 1  saving") != std::string::npos);

  const std::string lines = report::LinesSvg(
      "t", "n", "ns", {{"a", {{1000, 5, 1}, {10000, 6, 0.5}, {0, 3, 0}}, "#000000", ""}}, 1.0);
  CHECK(lines.find("<path d=\"M") != std::string::npos);
  CHECK(lines.find("1e3") != std::string::npos);
  CHECK(lines.find("1e4") != std::string::npos);
  CHECK(lines.find("<title>a, n = 1000: 5 +- 1</title>") != std::string::npos);
  CHECK(lines.find("stroke-dasharray=\"4 4\"") != std::string::npos);  // the reference line
}

TEST_CASE("report stacked bar ends at the total tick: savings cancel the end of the stack") {
  // floor 4, costs 10 and 5, saving -2: the positive stack reaches 19, the saving overlay starts at 17 =
  // the total, where the tick is.
  report::Bar bar{"x",
                  {{"floor", 4, 0, "#9e9e9e", ""},
                   {"a", 10, 0, "#440154", "1"},
                   {"b", 5, 0, "#3b528b", "2"},
                   {"c", -2, 0, "#21908c", "3"}},
                  17,
                  0};
  const std::string svg = report::StackedBarsSvg("t", "ns", {bar});
  auto x_attr_before = [&](const std::string& title) {
    const size_t t = svg.find(title);
    REQUIRE(t != std::string::npos);
    const size_t x = svg.rfind("x=\"", t);
    return std::stod(svg.substr(x + 3));
  };
  auto x1_attr_before = [&](const std::string& title) {
    const size_t t = svg.find(title);
    REQUIRE(t != std::string::npos);
    const size_t x = svg.rfind("x1=\"", t);
    return std::stod(svg.substr(x + 4));
  };
  CHECK(x_attr_before("<title>c: -2") == Approx(x1_attr_before("<title>total, every layer on")).margin(0.06));
}

TEST_CASE("report colours: layers in chain order along viridis, scenarios in Okabe-Ito") {
  CHECK(report::LayerColor(0, 16) == "#440154");
  CHECK(report::LayerColor(0, 16) != report::LayerColor(1, 16));
  CHECK(report::CategoryColor(0) == "#000000");
  CHECK(report::CategoryColor(8) == report::CategoryColor(0));
  CHECK(report::CategoryDash(8) != report::CategoryDash(0));  // past eight colours, the dash differs
  // Ordered: lightness rises along the chain (viridis' luminance is monotone).
  auto luminance = [](const std::string& c) {
    return 0.2126 * std::stoi(c.substr(1, 2), nullptr, 16) + 0.7152 * std::stoi(c.substr(3, 2), nullptr, 16) +
           0.0722 * std::stoi(c.substr(5, 2), nullptr, 16);
  };
  for (int i = 1; i < dispatchlab::kLayerCount; ++i) {
    INFO("layer " << i);
    CHECK(luminance(report::LayerColor(i, dispatchlab::kLayerCount)) >
          luminance(report::LayerColor(i - 1, dispatchlab::kLayerCount)));
  }
}

TEST_CASE("report ratio against n is paired per repetition, with a t interval") {
  report::SweepPoint a{"a", 1000, 0, 0, {2.0, 4.0, 6.0}};
  report::SweepPoint b{"b", 1000, 0, 0, {1.0, 2.0, 3.0}};
  const report::RatioPoint r = report::RatioAt(a, b);
  CHECK(r.ratio == Approx(2.0));
  CHECK(r.ci == Approx(0.0).margin(1e-12));  // the same ratio in every repetition: no spread
  report::SweepPoint c{"c", 1000, 0, 0, {2.0, 3.0}};
  report::SweepPoint d{"d", 1000, 0, 0, {1.0, 1.0}};
  // ratios 2 and 3: mean 2.5, s = 0.7071, se = 0.5, t(0.975, 1) = 12.706
  CHECK(report::RatioAt(c, d).ratio == Approx(2.5));
  CHECK(report::RatioAt(c, d).ci == Approx(12.7062 * 0.5).epsilon(1e-3));
  CHECK(c.Mean() == Approx(2.5));
  CHECK(c.Ci95() == Approx(12.7062 * 0.5).epsilon(1e-3));
}

TEST_CASE("report pages carry every table, the four pictures, the counts and the command") {
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
  data.options.command_line = "dispatchlab report --out=r --n=1000 --quick --repetitions=2";
  data.sweep = {{"sct_init", 1000, 4, 0, {4, 4.2}}, {"sct_init", 10000, 4.5, 0, {4.5, 4.4}}};
  dispatchlab::CountReport counted;
  counted.scenario = "sct_init";
  counted.n = 10;
  counted.totals.value[static_cast<int>(dispatchlab::Counter::kTuples)] = 20;
  data.counts.push_back(counted);
  const std::vector<report::Block> blocks = report::ReportBlocks(data);
  const std::string md = report::RenderMarkdown(blocks);
  const std::string html = report::RenderHtml(blocks);
  CHECK(md.find("![") != std::string::npos);
  CHECK(md.find("(attribution.svg)") != std::string::npos);
  CHECK(md.find("(scaling.svg)") != std::string::npos);
  CHECK(md.find("(shares.svg)") != std::string::npos);
  CHECK(md.find("(ratio.svg)") != std::string::npos);
  CHECK(md.find("| tuples | 2.0000 |") != std::string::npos);
  CHECK(md.find("dispatchlab report --out=r --n=1000 --quick --repetitions=2;") != std::string::npos);
  CHECK(md.find("Not measured in this run") != std::string::npos);  // no interpreter: no CPython numbers
  CHECK(md.find("| sct_init | 4.10 +- ") != std::string::npos);
  CHECK(md.find("| sct_init | RawArray(c_int, l) | 4.00 | 0.0% | 4.00 +- 0.00 |") != std::string::npos);
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
