#include "experiments/report/render.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "experiments/cpython/reference_figures.h"
#include "experiments/report/svg.h"
#include "experiments/scenarios.h"

namespace dispatchlab::report {

namespace {

constexpr int kUnexplainedColor = 16;
constexpr int kFloorColor = 17;  // grey

const ScenarioTiming* Find(const ReportData& data, absl::string_view scenario) {
  for (const ScenarioTiming& t : data.suite) {
    if (t.scenario == scenario) return &t;
  }
  return nullptr;
}

// "a / b" of two suite medians, or "-" when either is missing.
std::string Ratio(const ReportData& data, absl::string_view a, absl::string_view b) {
  const ScenarioTiming* x = Find(data, a);
  const ScenarioTiming* y = Find(data, b);
  if (x == nullptr || y == nullptr || y->median <= 0) return "-";
  const double r = x->median / y->median;
  return r < 0.1 ? absl::StrFormat("%.4f (%.2f%%)", r, 100 * r) : absl::StrFormat("%.2f", r);
}

std::string Ns(double v) { return absl::StrFormat("%.2f", v); }

std::string ScenarioExpression(absl::string_view name) {
  absl::StatusOr<const Scenario*> s = ScenarioFromName(name);
  return s.ok() ? std::string((*s)->expression) : std::string();
}

}  // namespace

std::string AttributionSvg(const ReportData& data) {
  std::vector<Bar> bars;
  for (const Attribution& a : data.attributions) {
    Bar bar;
    bar.label = a.scenario;
    bar.total = a.all_on;
    bar.segments.push_back({"rest: every layer off", a.floor, kFloorColor});
    // Innermost first from the left, so the outermost layer is the right end of the bar.
    for (auto it = a.shapley.rbegin(); it != a.shapley.rend(); ++it) {
      bar.segments.push_back({std::string(InfoOf(it->layer).name), it->delta, static_cast<int>(it->layer)});
    }
    bars.push_back(std::move(bar));
  }
  return StackedBarsSvg(
      absl::StrFormat("Shapley value of each layer, n = %d, %s", data.options.n, data.options.profile),
      "ns per element (this machine)", bars);
}

std::string ScalingSvg(const ReportData& data) {
  std::vector<Series> series;
  for (size_t i = 0; i < data.options.sweep_scenarios.size(); ++i) {
    Series s;
    s.label = data.options.sweep_scenarios[i];
    s.color = static_cast<int>(i);
    for (const SweepPoint& p : data.sweep) {
      if (p.scenario == s.label) s.points.emplace_back(static_cast<double>(p.n), p.median);
    }
    series.push_back(std::move(s));
  }
  return LogLogLinesSvg(absl::StrFormat("Cost per element against n, profile %s", data.options.profile),
                        "n (elements per array)", "ns per element (median, this machine)", series);
}

std::vector<Block> ReportBlocks(const ReportData& data) {
  std::vector<Block> out;
  auto heading = [&](std::string text) { out.push_back({Block::kHeading, std::move(text), {}, "", ""}); };
  auto para = [&](std::string text) { out.push_back({Block::kParagraph, std::move(text), {}, "", ""}); };
  auto table = [&](std::vector<std::vector<std::string>> rows) {
    out.push_back({Block::kTable, "", std::move(rows), "", ""});
  };
  const ReportOptions& o = data.options;

  heading("dispatchlab report");
  para(absl::StrFormat(
      "Measured %s on %s. Profile %s (layers: %s); n = %d for the suite and the attribution; %d repetitions "
      "of at least %gs each. Every number here comes from this run on this machine: another machine, or "
      "this one on another day, gives other numbers. Compare ratios, which were measured side by side in one "
      "run. docs/README.md explains what each scenario and layer stands for.",
      data.date, data.machine, o.profile, o.layers.ToString(), o.n, o.repetitions, o.min_time));

  heading("1. The seed suite");
  para(
      "Every scenario of the scenario table, timed through Google Benchmark with interleaved repetitions. "
      "ns/element is the median over repetitions; cv is the coefficient of variation. The last column is "
      "what CPython showed on another machine, tagged with where it was measured (the tags are explained "
      "below the table; experiments/cpython/reference_figures.def), printed for comparison and never "
      "computed with. `dispatchlab cpython` measures this machine's interpreters side by side with the "
      "model (docs/faithfulness.md).");
  std::vector<std::vector<std::string>> rows = {
      {"scenario", "models", "ns/element", "cv", "/ sct_subscript", "CPython / sct_subscript [where, not here]"}};
  for (const ScenarioTiming& t : data.suite) {
    const std::string cpython = cpython::ReferenceRatioCell(t.scenario);
    rows.push_back({t.scenario, ScenarioExpression(t.scenario), Ns(t.median),
                    absl::StrFormat("%.1f%%", 100 * t.cv), Ratio(data, t.scenario, "sct_subscript"),
                    cpython});
  }
  table(std::move(rows));
  std::vector<absl::string_view> suite_names;
  for (const ScenarioTiming& t : data.suite) suite_names.emplace_back(t.scenario);
  for (const std::string& line : cpython::ReferenceFootnotes(suite_names)) para(line);
  para(
      "The seed's comparisons, as ratios of this run's medians, beside what the seed (CPython 3.6 alpha) and "
      "CPython 3.11 measured (docs/puzzle.md):");
  table(
      {{"comparison", "ratio here", "seed / CPython"},
       {"sct_init / sct_subscript (the puzzle)", Ratio(data, "sct_init", "sct_subscript"),
        "3.0 to 3.2 (3.6a0); 3.6 to 3.7 (3.11, numpy source)"},
       {"sct_init / ct_init (shared vs private memory)", Ratio(data, "sct_init", "ct_init"), "about 1.0"},
       {"sct_init_direct / sct_subscript (patch A)", Ratio(data, "sct_init_direct", "sct_subscript"), "1.23"},
       {"sct_init_setslice / sct_subscript (patch B)", Ratio(data, "sct_init_setslice", "sct_subscript"),
        "1.12"},
       {"sct_init_setslice / sct_subscript_tuple (patch B vs a tuple source)",
        Ratio(data, "sct_init_setslice", "sct_subscript_tuple"), "1.05"},
       {"sct_buffer_copy / sct_subscript (memoryview, same format)",
        Ratio(data, "sct_buffer_copy", "sct_subscript"), "under 1%"},
       {"sct_buffer_convert / sct_subscript (convert, then copy)",
        Ratio(data, "sct_buffer_convert", "sct_subscript"), "about 3%"}});

  heading("2. Where the time goes, layer by layer");
  out.push_back({Block::kPicture,
                 "Shapley value of each layer (its fair share of the cost), stacked on the cost with every "
                 "layer off (grey); the outermost layer is the right end of each bar",
                 {},
                 "attribution.svg",
                 AttributionSvg(data)});
  para(absl::StrFormat(
      "Measured with the project's attribution library (docs/attribution.md), three methods from one "
      "interleaved batch per scenario, every configuration sampled %d times in a seeded random order "
      "(`dispatchlab attribute` is the full tool, with more samples, a factorial design and a stability "
      "verdict). B is the profile's layers the scenario uses; the layers listed are those whose switching "
      "changes an exact counter of the scenario. Shapley values (the picture) give each layer its marginal "
      "cost averaged over every order in which the layers could be switched on; they add up to the total "
      "and split interactions fairly. Exact up to 8 layers; beyond, averaged over one random order per "
      "layer, "
      "enough to rank the big layers (the standard error includes that sampling error). Every method reads "
      "each configuration's median. The waterfall switches the "
      "layers off one after another in call-chain order, outermost first; it also adds up, but hands every "
      "shared cost to whichever layer goes first. Leave-one-out gives each layer cost(B) - cost(B without "
      "it); layers nest (switching off the trampoline also removes the lookup and the call it makes), so its "
      "parts need not add up, and the difference is the 'not separated' row. A negative value is a saving: "
      "switching that layer off makes the scenario dearer (the method cache and the free lists are "
      "optimisations); the picture draws savings as thin strips under the bar, leftwards from the end of "
      "the stack. The black tick is the cost with all of B on. A standard error near the value itself "
      "means noise: rerun on a quiet machine or with more --repetitions.",
      o.rounds));
  for (const Attribution& a : data.attributions) {
    para(absl::StrFormat(
        "%s: every layer on %.2f ns/element (standard error %.2f); every layer off %.2f (%.2f); %d "
        "configurations; Shapley %s.",
        a.scenario, a.all_on, a.all_on_se, a.floor, a.floor_se, a.configurations,
        a.shapley_exact ? "exact" : absl::StrFormat("sampled over %d orders", a.permutations)));
    std::vector<std::vector<std::string>> t = {
        {"layer", "Shapley ns/element", "+-", "share", "waterfall", "+-", "leave-one-out", "+-"}};
    auto share = [&](double v) { return a.all_on > 0 ? absl::StrFormat("%.1f%%", 100 * v / a.all_on) : "-"; };
    auto cell = [](const std::vector<LayerDelta>& v, size_t i, bool se) {
      if (i >= v.size()) return std::string("-");
      return Ns(se ? v[i].standard_error : v[i].delta);
    };
    for (size_t i = 0; i < a.shapley.size(); ++i) {
      t.push_back({std::string(InfoOf(a.shapley[i].layer).name), cell(a.shapley, i, false),
                   cell(a.shapley, i, true), share(a.shapley[i].delta), cell(a.waterfall, i, false),
                   cell(a.waterfall, i, true), cell(a.leave_one_out, i, false),
                   cell(a.leave_one_out, i, true)});
    }
    t.push_back({"(every layer off)", Ns(a.floor), Ns(a.floor_se), share(a.floor), Ns(a.floor),
                 Ns(a.floor_se), Ns(a.floor), Ns(a.floor_se)});
    t.push_back({"(not separated)", "0", "", "", "0", "", Ns(a.Unexplained()), ""});
    t.push_back({"(total: every layer on)", Ns(a.all_on), Ns(a.all_on_se), "100%", Ns(a.all_on),
                 Ns(a.all_on_se), Ns(a.all_on), Ns(a.all_on_se)});
    table(std::move(t));
  }

  heading("3. Cost per element against n");
  out.push_back({Block::kPicture,
                 "ns per element against n, log-log (a flat line is linear cost)",
                 {},
                 "scaling.svg",
                 ScalingSvg(data)});
  std::vector<std::vector<std::string>> s = {{"scenario"}};
  for (int64_t n : o.sweep_n) s[0].push_back(absl::StrFormat("n = %d", n));
  for (const std::string& name : o.sweep_scenarios) {
    std::vector<std::string> row = {name};
    for (int64_t n : o.sweep_n) {
      std::string cell = "-";
      for (const SweepPoint& p : data.sweep) {
        if (p.scenario == name && p.n == n) cell = Ns(p.median);
      }
      row.push_back(cell);
    }
    s.push_back(std::move(row));
  }
  table(std::move(s));
  para(
      "The seed saw time grow linearly with n (a flat line here). CPython 3.11 with a numpy source grows "
      "from about 140 to 180 ns per element for sct_init between n = 1e5 and 1e6, because all n scalars "
      "are alive at once (docs/patches.md).");

  heading("Reproduce");
  // "cpython311+edits" is a label, not a profile: give the base profile and the exact layer set.
  std::string layer_flags = absl::StrCat("--profile=", o.profile);
  if (const size_t plus = o.profile.find('+'); plus != std::string::npos) {
    layer_flags = absl::StrCat("--profile=", o.profile.substr(0, plus), " --layers=", o.layers.ToString());
  }
  para(absl::StrFormat(
      "dispatchlab report --out=DIR --n=%d %s; the pieces: dispatchlab run --suite=seed --n=%d %s; "
      "dispatchlab counts sct_init sct_subscript --n=%d %s.",
      o.n, layer_flags, o.n, layer_flags, o.n, layer_flags));
  return out;
}

namespace {
std::string MdCell(absl::string_view text) { return absl::StrReplaceAll(text, {{"|", "\\|"}}); }
}  // namespace

std::string RenderMarkdown(const std::vector<Block>& blocks) {
  std::string md;
  bool first_heading = true;
  for (const Block& b : blocks) {
    switch (b.kind) {
      case Block::kHeading:
        absl::StrAppend(&md, first_heading ? "# " : "## ", b.text, "\n\n");
        first_heading = false;
        break;
      case Block::kParagraph:
        absl::StrAppend(&md, b.text, "\n\n");
        break;
      case Block::kPicture:
        absl::StrAppend(&md, "![", b.text, "](", b.file, ")\n\n");
        break;
      case Block::kTable:
        for (size_t r = 0; r < b.rows.size(); ++r) {
          std::vector<std::string> cells;
          for (const std::string& c : b.rows[r]) cells.push_back(MdCell(c));
          absl::StrAppend(&md, "| ", absl::StrJoin(cells, " | "), " |\n");
          if (r == 0) {
            std::vector<std::string> rule(b.rows[0].size(), "---");
            absl::StrAppend(&md, "|", absl::StrJoin(rule, "|"), "|\n");
          }
        }
        absl::StrAppend(&md, "\n");
        break;
    }
  }
  return md;
}

std::string RenderHtml(const std::vector<Block>& blocks) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>dispatchlab "
      "report</title>\n"
      "<style>body{font-family:sans-serif;max-width:1020px;margin:2em auto;padding:0 1em;line-height:1.45}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
      "text-align:left}th{background:#f3f3f3}figure{margin:1.5em 0}figcaption{font-style:italic}"
      "svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n";
  bool first_heading = true;
  for (const Block& b : blocks) {
    switch (b.kind) {
      case Block::kHeading:
        absl::StrAppend(&html, first_heading ? "<h1>" : "<h2>", XmlEscape(b.text),
                        first_heading ? "</h1>" : "</h2>", "\n");
        first_heading = false;
        break;
      case Block::kParagraph:
        absl::StrAppend(&html, "<p>", XmlEscape(b.text), "</p>\n");
        break;
      case Block::kPicture:
        absl::StrAppend(&html, "<figure>\n", b.svg, "<figcaption>", XmlEscape(b.text), " (",
                        XmlEscape(b.file), ")</figcaption>\n</figure>\n");
        break;
      case Block::kTable:
        absl::StrAppend(&html, "<table>\n");
        for (size_t r = 0; r < b.rows.size(); ++r) {
          absl::StrAppend(&html, "<tr>");
          for (const std::string& c : b.rows[r]) {
            absl::StrAppend(&html, r == 0 ? "<th>" : "<td>", XmlEscape(c), r == 0 ? "</th>" : "</td>");
          }
          absl::StrAppend(&html, "</tr>\n");
        }
        absl::StrAppend(&html, "</table>\n");
        break;
    }
  }
  absl::StrAppend(&html, "</body>\n</html>\n");
  return html;
}

}  // namespace dispatchlab::report
