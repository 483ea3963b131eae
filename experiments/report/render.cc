#include "experiments/report/render.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/counters.h"
#include "experiments/cpython/reference_figures.h"
#include "experiments/report/svg.h"
#include "experiments/scenarios/scenarios.h"

namespace dispatchlab::report {

namespace {

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
// mean +- 95% half-width, or the mean alone when fewer than two repetitions give no interval.
std::string PlusMinus(const SweepPoint& p) {
  return p.samples.size() >= 2 ? absl::StrFormat("%.2f +- %.2f", p.Mean(), p.Ci95())
                               : absl::StrFormat("%.2f (one sample: no CI)", p.Mean());
}
// cost, saving or noise: whether the 95% interval lies above 0, below 0, or includes it.
std::string Verdict(double v, double ci) {
  if (!(ci > 0)) return "-";
  if (v - ci > 0) return "cost";
  if (v + ci < 0) return "saving";
  return "noise";
}

std::string ScenarioExpression(absl::string_view name) {
  absl::StatusOr<const Scenario*> s = ScenarioFromName(name);
  return s.ok() ? std::string((*s)->expression) : std::string();
}

}  // namespace

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
  const std::string reference(ReferenceScenario());
  std::vector<std::vector<std::string>> rows = {{"scenario", "models", "ns/element", "cv", "mean +- 95% CI",
                                                 "/ " + reference,
                                                 "CPython / " + reference + " [where, not here]"}};
  for (const ScenarioTiming& t : data.suite) {
    const std::string cpython = cpython::ReferenceRatioCell(t.scenario);
    const SweepPoint as_point{t.scenario, 0, t.median, t.cv, t.samples};
    absl::StatusOr<const Scenario*> s = ScenarioFromName(t.scenario);
    rows.push_back({t.scenario, ScenarioExpression(t.scenario), Ns(t.median),
                    absl::StrFormat("%.1f%%", 100 * t.cv), PlusMinus(as_point),
                    Ratio(data, t.scenario, s.ok() ? (*s)->reference : reference), cpython});
  }
  table(std::move(rows));
  std::vector<absl::string_view> suite_names;
  for (const ScenarioTiming& t : data.suite) suite_names.emplace_back(t.scenario);
  for (const std::string& line : cpython::ReferenceFootnotes(suite_names)) para(line);
  para(
      "The seed's comparisons, as ratios of this run's medians, beside what the seed (CPython 3.6 alpha) and "
      "CPython 3.11 measured (docs/puzzle.md):");
  // From the scenario table's `comparisons` column, in table order.
  std::vector<std::vector<std::string>> comparisons = {{"comparison", "ratio here", "seed / CPython"}};
  for (const Scenario& s : ScenarioTable()) {
    for (const ScenarioComparison& c : s.comparisons) {
      if (c.caption.empty()) continue;
      const absl::string_view to = c.to.empty() ? s.reference : c.to;
      const std::string seed =
          !c.seed.empty() ? std::string(c.seed) : absl::StrFormat("%.2f", s.cpython.ratio);
      comparisons.push_back(
          {absl::StrCat(s.name, " / ", to, " (", c.caption, ")"), Ratio(data, s.name, to), seed});
    }
  }
  table(std::move(comparisons));

  heading("2. Where the time goes, layer by layer");
  out.push_back(
      {Block::kPicture,
       "Shapley value of each layer (its fair share of the cost), stacked in call-chain order on the "
       "cost with every layer off (grey); segment numbers are the layers' rows in the layer table; "
       "error bars are 95% confidence intervals; hatched grey: noise (the interval includes 0); a "
       "hatched overlay at the end of a bar: a saving, which cancels that much of the stack, so the "
       "solid bar ends at the measured total (the black tick)",
       {},
       "attribution.svg",
       AttributionSvg(data)});
  out.push_back({Block::kPicture,
                 "The same Shapley values as points with their 95% confidence intervals: hollow points are "
                 "noise, not a cost and not a saving",
                 {},
                 "shares.svg",
                 SharesSvg(data)});
  para(absl::StrFormat(
      "Measured with the project's attribution library (docs/attribution.md), three methods from one "
      "interleaved batch per scenario, every configuration sampled %d times in a seeded random order "
      "(`dispatchlab attribute` is the full tool, with more samples, a factorial design and a stability "
      "verdict). B is the profile's layers the scenario uses; the layers listed are those whose switching "
      "changes an exact counter of the scenario. Shapley values (the pictures) give each layer its marginal "
      "cost averaged over every order in which the layers could be switched on; they add up to the total "
      "and split interactions fairly. Exact up to 8 layers; beyond, averaged over one random order per "
      "layer, enough to rank the big layers (the standard error includes that sampling error). Every method "
      "reads each configuration's median. The waterfall switches the layers off one after another in "
      "call-chain order, outermost first; it also adds up, but hands every shared cost to whichever layer "
      "goes first. Leave-one-out gives each layer cost(B) - cost(B without it); layers nest (switching off "
      "the trampoline also removes the lookup and the call it makes), so its parts need not add up, and the "
      "difference is the 'not separated' row. The '95%%' columns are the half-widths of 95%% confidence "
      "intervals (Student's t with %d degrees of freedom times the standard error). A value whose interval "
      "includes 0 is noise: this run cannot tell it from nothing, whatever its sign. A value whose interval "
      "lies below 0 is a saving: switching that layer off makes the scenario dearer (the method cache and "
      "the free lists are optimisations). To shrink the intervals, rerun on a quiet machine or with more "
      "--repetitions.",
      o.rounds, std::max(o.rounds - 1, 1)));
  for (const Attribution& a : data.attributions) {
    para(absl::StrFormat(
        "%s: every layer on %.2f +- %.2f ns/element (95%% CI); every layer off %.2f +- %.2f; %d "
        "configurations; Shapley %s.",
        a.scenario, a.all_on, a.T95() * a.all_on_se, a.floor, a.T95() * a.floor_se, a.configurations,
        a.shapley_exact ? "exact" : absl::StrFormat("sampled over %d orders", a.permutations)));
    const double t95 = a.T95();
    std::vector<std::vector<std::string>> t = {{"#", "layer", "Shapley ns/element", "95%", "verdict", "share",
                                                "waterfall", "95%", "leave-one-out", "95%"}};
    auto share = [&](double v) { return a.all_on > 0 ? absl::StrFormat("%.1f%%", 100 * v / a.all_on) : "-"; };
    auto cell = [t95](const std::vector<LayerDelta>& v, size_t i, bool se) {
      if (i >= v.size()) return std::string("-");
      return Ns(se ? t95 * v[i].standard_error : v[i].delta);
    };
    for (size_t i = 0; i < a.shapley.size(); ++i) {
      const LayerDelta& d = a.shapley[i];
      t.push_back({absl::StrCat(static_cast<int>(d.layer) + 1), std::string(InfoOf(d.layer).name),
                   cell(a.shapley, i, false), cell(a.shapley, i, true),
                   Verdict(d.delta, t95 * d.standard_error), share(d.delta), cell(a.waterfall, i, false),
                   cell(a.waterfall, i, true), cell(a.leave_one_out, i, false),
                   cell(a.leave_one_out, i, true)});
    }
    t.push_back({"", "(every layer off)", Ns(a.floor), Ns(t95 * a.floor_se), "", share(a.floor), Ns(a.floor),
                 Ns(t95 * a.floor_se), Ns(a.floor), Ns(t95 * a.floor_se)});
    t.push_back({"", "(not separated)", "0", "", "", "", "0", "", Ns(a.Unexplained()), ""});
    t.push_back({"", "(total: every layer on)", Ns(a.all_on), Ns(t95 * a.all_on_se), "", "100%", Ns(a.all_on),
                 Ns(t95 * a.all_on_se), Ns(a.all_on), Ns(t95 * a.all_on_se)});
    table(std::move(t));
  }

  heading("3. Cost per element against n");
  out.push_back({Block::kPicture,
                 "ns per element against n: log n across, a linear cost axis from 0 up; a flat line is cost "
                 "linear in n, a rise is a cost per element that grows with n; vertical bars are 95% "
                 "confidence intervals of the mean over repetitions",
                 {},
                 "scaling.svg",
                 ScalingSvg(data)});
  out.push_back({Block::kPicture,
                 absl::StrCat("each scenario's cost divided by ", o.sweep_reference,
                              "'s, repetition by repetition (they ran side by side), against n, with 95% "
                              "confidence intervals: the machine-independent way to read the sweep"),
                 {},
                 "ratio.svg",
                 RatioSvg(data)});
  std::vector<std::vector<std::string>> s = {{"scenario"}};
  for (int64_t n : o.sweep_n) s[0].push_back(absl::StrFormat("n = %d", n));
  for (const std::string& name : o.sweep_scenarios) {
    std::vector<std::string> row = {name};
    for (int64_t n : o.sweep_n) {
      std::string cell = "-";
      for (const SweepPoint& p : data.sweep) {
        if (p.scenario == name && p.n == n) cell = PlusMinus(p);
      }
      row.push_back(cell);
    }
    s.push_back(std::move(row));
  }
  table(std::move(s));
  para(absl::StrFormat(
      "ns per element, mean +- the half-width of its 95%% confidence interval over %d repetitions per point "
      "(few repetitions give wide intervals: they are honest about it). The seed saw time grow linearly with "
      "n (a flat line here). CPython 3.11 with a numpy source grows from about 140 to 180 ns per element for "
      "sct_init between n = 1e5 and 1e6, because all n scalars are alive at once (docs/patches.md).",
      std::max(o.sweep_repetitions, 2)));

  heading("4. Exact counts");
  if (data.counts.empty()) {
    para(absl::StrCat(
        "Not in this report: ", data.counts_note.empty() ? "no scenario was counted" : data.counts_note,
        " (`dispatchlab counts` in a build with the counters compiled in prints them)."));
  } else {
    para(absl::StrFormat(
        "What one steady-state call of each scenario does per element, counted exactly (`dispatchlab "
        "counts`, "
        "n = %d, the report's layers): the same numbers on every run and every machine, so the most portable "
        "result of this page. docs/counting.md explains each counter.",
        o.n));
    std::vector<std::vector<std::string>> c = {{"counter (per element)"}};
    for (const CountReport& r : data.counts) c[0].push_back(r.scenario);
    for (const CounterInfo& info : CounterTable()) {
      std::vector<std::string> row = {std::string(info.name)};
      for (const CountReport& r : data.counts)
        row.push_back(absl::StrFormat("%.4f", r.PerElement(info.counter)));
      c.push_back(std::move(row));
    }
    table(std::move(c));
  }

  heading("5. Beside real CPython");
  if (data.cpython.rows.empty()) {
    para(
        "Not measured in this run: this build of the report does not run a real interpreter yet (issue "
        "\"Ground truth\", `dispatchlab cpython`). Section 1's last column quotes the project's reference "
        "measurements instead; nothing here was computed from them.");
  } else {
    para(absl::StrCat("The same scenarios run by ", data.cpython.interpreter,
                      " on this machine in this run, beside the model's numbers:"));
    table(data.cpython.rows);
  }

  heading("Reproduce");
  // "cpython311+edits" is a label, not a profile: give the base profile and the exact layer set.
  std::string layer_flags = absl::StrCat("--profile=", o.profile);
  if (const size_t plus = o.profile.find('+'); plus != std::string::npos) {
    layer_flags = absl::StrCat("--profile=", o.profile.substr(0, plus), " --layers=", o.layers.ToString());
  }
  const std::string command =
      o.command_line.empty() ? absl::StrFormat("dispatchlab report --out=DIR --n=%d %s", o.n, layer_flags)
                             : o.command_line;
  para(absl::StrFormat(
      "%s; the pieces: dispatchlab run --suite=seed --n=%d --repetitions=%d --min-time=%g %s; dispatchlab "
      "attribute sct_init --n=%d %s; dispatchlab counts %s --n=%d %s.",
      command, o.n, o.repetitions, o.min_time, layer_flags, o.n, layer_flags,
      absl::StrJoin(o.count_scenarios, " "), o.n, layer_flags));
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
