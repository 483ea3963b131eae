#include "experiments/cli/cmd_explore.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/counters.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/explore/explore.h"
#include "experiments/explore/page.h"
#include "experiments/report/output_dir.h"

namespace dispatchlab::cli {

const CommandSpec& ExploreCommandSpec() {
  static const CommandSpec spec = {
      "explore",
      "explore --out=DIR [SCENARIO...] [--layers=a,b,...] [--n=N] [--repetitions=R] [--profile=P] "
      "[--cpython=FILE]",
      "Writes DIR/explore.html, one standalone page (no server, no network) with a switch per chosen layer: "
      "every configuration of those layers (2^k, at most 2^8) was timed (ns per element with its interval) "
      "and counted exactly for each scenario, so the page redraws the call chain, the cost and its ratio to "
      "sct_subscript, the counts that changed and each layer's Shapley share at once; the URL keeps the "
      "switches. DIR/explore.json holds the same data. Scenarios default to sct_init and sct_subscript (the "
      "reference, always included). See docs/explore.md.",
      {
          {"out", "DIR",
           "directory for explore.html and explore.json (created if missing; its parent must exist)", ""},
          {"layers", "LIST",
           "the layers with a switch: names (exactly these), or +name/-name edits of the default",
           "trampoline,args_tuple,boxing,lookup,call,call_tuple"},
          kFlagN,
          {"repetitions", "R", "samples per measured configuration, 2..1000", "5"},
          kFlagProfile,
          {"sample-time", "SECONDS", "target duration of one time sample, at most 3600", "0.02"},
          {"seed", "SEED", "seed of the random run order, 0..2^53-1024 (recorded in the JSON)", "1"},
          {"cpython", "FILE",
           "the real interpreter's figures to show beside the model: the JSON output of 'dispatchlab "
           "cpython' (docs/cli.md)",
           ""},
          {"quiet", "", "no progress on stderr", ""},
          kFlagBackend,
          kFlagTempdir,
          kFlagArenas,
      },
      "SCENARIO...",
  };
  return spec;
}

namespace {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrFormat("--cpython=%s: cannot read the file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrFormat("--cpython=%s: read error", path));
  return ss.str();
}

}  // namespace

int RunExploreCommand(const ParsedArgs& args) {
  // Every flag is checked before anything is measured.
  if (!args.Has("out")) return UsageError("explore: --out=DIR is required");
  const std::string out = args.Get("out");
  if (absl::Status s = report::CheckOutputDir(out); !s.ok()) return UsageError(s.message());
  if (!kCountingCompiledIn) {
    return UsageError(
        "explore: the page needs exact counts, which this binary (dispatchlab-nocount) "
        "compiles out; use dispatchlab");
  }
  explore::ExploreOptions options;
  absl::StatusOr<std::vector<const Scenario*>> scenarios =
      ResolveScenarios(args.positionals(), options.scenarios);
  if (!scenarios.ok()) return UsageError(scenarios.status().message());
  options.scenarios.clear();
  for (const Scenario* s : *scenarios) options.scenarios.emplace_back(s->name);
  absl::StatusOr<Profile> profile = ProfileFromName(args.Get("profile", kDefaultProfile));
  if (!profile.ok()) return UsageError(profile.status().message());
  options.profile = std::string(profile->name);
  options.base = profile->layers;
  absl::StatusOr<LayerSet> defaults = ParseLayerSpec(explore::kDefaultLayers, LayerSet::None());
  if (!defaults.ok()) return Failure(defaults.status().message());
  options.chosen = *defaults;
  if (args.Has("layers")) {
    absl::StatusOr<LayerSet> chosen = ParseLayersFlag(args, *defaults);
    if (!chosen.ok()) return UsageError(chosen.status().message());
    options.chosen = *chosen;
  }
  const int k = __builtin_popcount(options.chosen.bits());
  if (k < 1 || k > explore::kMaxLayers) {
    return UsageError(absl::StrFormat(
        "explore: --layers: choose 1 to %d layers (the page holds all 2^k configurations); %d given",
        explore::kMaxLayers, k));
  }
  absl::StatusOr<int64_t> n = ResolveN(args);
  if (!n.ok()) return UsageError(n.status().message());
  options.n = *n;
  // At least 2: an interval needs a spread.
  absl::StatusOr<int> reps = ResolveRepetitions(args, 5, 2);
  if (!reps.ok()) return UsageError(reps.status().message());
  options.repetitions = *reps;
  double sample_time = 0.02;
  if (args.Has("sample-time")) {
    absl::StatusOr<double> t = ParsePositiveDouble("sample-time", args.Get("sample-time"));
    if (!t.ok()) return UsageError(t.status().message());
    sample_time = *t;
  }
  if (args.Has("seed")) {
    absl::StatusOr<int64_t> seed = ParseIntInRange("seed", args.Get("seed"), 0, (int64_t{1} << 53) - 1024);
    if (!seed.ok()) return UsageError(seed.status().message());
    options.seed = static_cast<uint64_t>(*seed);
  }
  std::optional<explore::CpythonFigures> cpython;
  if (args.Has("cpython")) {
    absl::StatusOr<std::string> text = ReadWholeFile(args.Get("cpython"));
    if (!text.ok()) return UsageError(text.status().message());
    absl::StatusOr<explore::CpythonFigures> figures =
        explore::ParseCpythonFigures(*text, args.Get("cpython"));
    if (!figures.ok()) return UsageError(figures.status().message());
    cpython = std::move(*figures);
  }
  if (absl::Status heap = InstallHeap(args); !heap.ok()) return UsageError(heap.message());
  if (!args.Has("quiet")) {
    options.progress = [](const std::string& line) { absl::FPrintF(stderr, "%s\n", line); };
  }

  const absl::Time start = absl::Now();
  absl::StatusOr<explore::ExploreData> data =
      explore::Explore(options, explore::TimeSamplerFactory(sample_time));
  if (!data.ok()) {
    if (data.status().code() == absl::StatusCode::kInvalidArgument)
      return UsageError(data.status().message());
    return Failure(data.status().message());
  }
  MetadataFields fields;
  fields.profile = options.profile;
  fields.layers = options.base;
  fields.has_layers = true;
  fields.n = options.n;
  fields.repetitions = options.repetitions;
  const std::string json = explore::ExploreJson(*data, cpython, MetadataJson(fields).dump());
  absl::StatusOr<std::string> page = explore::RenderPage(json);
  if (!page.ok()) return Failure(page.status().message());
  if (absl::Status s =
          report::WriteFilesAtomically(out, {{"explore.html", *page}, {"explore.json", json + "\n"}});
      !s.ok()) {
    return s.code() == absl::StatusCode::kInvalidArgument ? UsageError(s.message()) : Failure(s.message());
  }
  std::cout << absl::StrFormat(
      "dispatchlab explore: wrote %s/explore.html (%d bytes) and explore.json in %.0f s\n", out, page->size(),
      absl::ToDoubleSeconds(absl::Now() - start));
  std::cout.flush();
  return kExitOk;  // a write that failed is reported, once, by Main's frame (commands.cc)
}

}  // namespace dispatchlab::cli
