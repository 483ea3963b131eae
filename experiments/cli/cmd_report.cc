#include "experiments/cli/cmd_report.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/report/output_dir.h"
#include "experiments/report/render.h"
#include "experiments/report/report.h"

namespace dispatchlab::cli {

const CommandSpec& ReportCommandSpec() {
  static const CommandSpec spec = {
      "report",
      "report --out=DIR [--n=N] [--quick] [--repetitions=R] [--min-time=SECONDS] [--profile=P] "
      "[--layers=SPEC]",
      "Measures, on this machine, the seed suite (every scenario), an attribution of the main scenarios to "
      "their layers (Shapley, waterfall, leave-one-out) and a sweep of cost per element against n (1e3 to "
      "1e6, with 95% confidence intervals; --quick takes at most three repetitions per point), the exact "
      "counts of "
      "sct_init and sct_subscript, and writes DIR/report.md, DIR/report.html (pictures inlined) and the "
      "pictures DIR/attribution.svg, DIR/shares.svg, DIR/scaling.svg and DIR/ratio.svg. Files are written "
      "all or nothing. Takes about a minute.",
      {{"out", "DIR", "directory for the report (created if missing; its parent must exist)", ""},
       kFlagN,
       {"quick", "", "at most three repetitions per sweep point (the sweep still runs to n = 1e6)", ""},
       {"repetitions", "R",
        "repetitions of the suite and the sweep, 1..1000 (attribution rounds: max(R, 2) + 1)", "3"},
       {"min-time", "SECONDS", "minimum time per repetition of the suite and the sweep, at most 3600",
        "0.05"},
       kFlagProfile,
       kFlagLayers,
       kFlagBackend,
       kFlagTempdir,
       kFlagArenas,
       kFlagQuiet,
       kFlagProgress},
      "",
  };
  return spec;
}

namespace {

// `dispatchlab report` with every flag given, in the order of the flag table, shell-quoted where needed.
std::string ReproduceCommand(const ParsedArgs& args) {
  std::string line = "dispatchlab report";
  for (const FlagSpec& flag : ReportCommandSpec().flags) {
    if (!args.Has(flag.name)) continue;
    absl::StrAppend(&line, " --", flag.name);
    if (flag.value_name.empty()) continue;
    const std::string value = args.Get(flag.name);
    const bool plain = !value.empty() && value.find_first_not_of(
                                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_+-=.,:/@%") == std::string::npos;
    absl::StrAppend(&line, "=",
                    plain ? value : absl::StrCat("'", absl::StrReplaceAll(value, {{"'", "'\\''"}}), "'"));
  }
  return line;
}

}  // namespace

int RunReportCommand(const ParsedArgs& args) {
  if (!args.Has("out")) return UsageError("report: --out=DIR is required");
  const std::string out = args.Get("out");
  if (absl::Status s = report::CheckOutputDir(
          out, {"report.md", "report.html", "attribution.svg", "shares.svg", "scaling.svg", "ratio.svg"});
      !s.ok()) {
    return UsageError(s.message());
  }
  absl::StatusOr<ProfileAndLayers> pl = ResolveProfileAndLayers(args);
  if (!pl.ok()) return UsageError(pl.status().message());
  absl::StatusOr<int64_t> n = ResolveN(args);
  if (!n.ok()) return UsageError(n.status().message());
  if (absl::Status fits = CheckFitsInMemory(*n); !fits.ok()) return UsageError(fits.message());
  absl::StatusOr<int> reps = ResolveRepetitions(args, 3);
  if (!reps.ok()) return UsageError(reps.status().message());
  report::ReportOptions options;
  if (args.Has("min-time")) {
    absl::StatusOr<double> t = ParsePositiveDouble("min-time", args.Get("min-time"));
    if (!t.ok()) return UsageError(t.status().message());
    options.min_time = *t;
    options.seconds_per_sample = std::min(options.seconds_per_sample, *t);
  }
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageError(heap.message());
  options.n = *n;
  options.repetitions = *reps;
  options.rounds = std::max(*reps, 2) + 1;
  options.profile = pl->profile;
  options.layers = pl->layers;
  options.sweep_repetitions = args.Has("quick") ? std::clamp(*reps, 2, 3) : std::max(*reps, 2);
  options.command_line = ReproduceCommand(args);
  options.progress = ResolveProgress(args);

  absl::StatusOr<report::ReportData> data = report::Measure(options);
  if (!data.ok()) return Failure(data.status().message());
  // The suite's scenarios are compared with each other, the sweep's points with their first.
  std::vector<TimedSeries> measured = SeriesOf(data->suite);
  measured.insert(measured.end(), data->sweep_samples.begin(), data->sweep_samples.end());
  const TimingStability verdict = JudgeAndWarn(args, measured, /*comparison=*/true);
  const std::vector<report::Block> blocks = report::ReportBlocks(*data);
  std::vector<std::pair<std::string, std::string>> files = {{"report.md", report::RenderMarkdown(blocks)},
                                                            {"report.html", report::RenderHtml(blocks)}};
  for (const report::Block& b : blocks) {
    if (b.kind == report::Block::kPicture) files.emplace_back(b.file, b.svg);
  }
  if (absl::Status s = report::WriteFilesAtomically(out, files); !s.ok()) {
    return s.code() == absl::StatusCode::kInvalidArgument ? UsageError(s.message()) : Failure(s.message());
  }
  std::cout << absl::StrFormat(
      "dispatchlab report: wrote %s/report.md, report.html, attribution.svg, shares.svg, scaling.svg, "
      "ratio.svg\n",
      out);
  std::cout << "stability: " << (verdict.stable ? "stable" : "UNSTABLE (reasons on stderr)") << "\n";
  return kExitOk;
}

}  // namespace dispatchlab::cli
