// `dispatchlab alloc [--experiment=...] [--backend=...] [--tempdir=DIR] [--n=...]`: one table of ns per
// element, every backend side by side with its ratio to the first backend named.
#include "experiments/cli/cmd_alloc.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/shm_arena.h"
#include "experiments/base/json.h"
#include "experiments/base/metadata.h"
#include "experiments/cli/commands.h"
#include "experiments/cli/common.h"
#include "experiments/cli/shm_output.h"
#include "experiments/shm/alloc_bench.h"

namespace dispatchlab::cli {
namespace {

std::string ExperimentName(AllocExperiment id) {
  for (const AllocExperimentInfo& info : AllocExperimentTable()) {
    if (info.id == id) return std::string(info.name);
  }
  return "?";
}

std::string DirectoryLine(const AllocBenchConfig& config) {
  HeapOptions file;
  file.backend = Backend::kFile;
  file.tempdir = config.tempdir;
  std::string dir = shm::ArenaDirectory(file);
  return absl::StrCat("shm: /dev/shm (", FileSystemName("/dev/shm"), "); file: ", dir, " (",
                      FileSystemName(dir), ")");
}

const AllocResult* Find(const std::vector<AllocResult>& results, AllocExperiment e, Backend b, int64_t n) {
  for (const AllocResult& r : results) {
    if (r.experiment == e && r.backend == b && r.n == n) return &r;
  }
  return nullptr;
}

// One grid: a row per (experiment, n), a column per backend; `cell` renders one result. Columns are at
// least `width` wide, wider when a cell is.
template <typename Cell>
void PrintGrid(const AllocBenchConfig& config, const std::vector<AllocResult>& results, int width,
               Cell cell) {
  struct Row {
    AllocExperiment experiment;
    int64_t n;
    std::vector<std::string> cells;
  };
  std::vector<Row> rows;
  for (AllocExperiment e : config.experiments) {
    for (int64_t n : config.sizes) {
      Row row{e, n, {}};
      bool any = false;
      for (Backend b : config.backends) {
        const AllocResult* r = Find(results, e, b, n);
        row.cells.push_back(r == nullptr ? "-" : !r->error.empty() ? "error" : cell(*r, e, n));
        width = std::max(width, static_cast<int>(row.cells.back().size()));
        any = any || r != nullptr;
      }
      if (any) rows.push_back(std::move(row));
    }
  }
  std::string header = absl::StrFormat("%-15s %10s", "experiment", "n");
  for (Backend b : config.backends) absl::StrAppend(&header, absl::StrFormat(" %*s", width, BackendName(b)));
  std::printf("%s\n", header.c_str());
  for (const Row& row : rows) {
    std::string line = absl::StrFormat("%-15s %10d", ExperimentName(row.experiment), row.n);
    for (const std::string& text : row.cells) absl::StrAppend(&line, absl::StrFormat(" %*s", width, text));
    std::printf("%s\n", line.c_str());
  }
}

void PrintTable(const AllocBenchConfig& config, const std::vector<AllocResult>& results) {
  std::printf(
      "allocation cost of RawArray(c_int, n): ns per element, median [min-max] of %d interleaved "
      "repetitions\n%s\n%s\n\n",
      config.repetitions, DirectoryLine(config).c_str(), MetadataLine().c_str());
  Backend base = config.backends.front();
  PrintGrid(config, results, 27, [&](const AllocResult& r, AllocExperiment e, int64_t n) {
    const AllocResult* base_result = Find(results, e, base, n);
    std::string ratio =
        base_result != nullptr && base_result->error.empty() && base_result->median > 0 && r.backend != base
            ? absl::StrFormat(" x%.2f", r.median / base_result->median)
            : "";
    return absl::StrFormat("%.3g [%.3g-%.3g]%s", r.median, r.min, r.max, ratio);
  });
  std::printf(
      "\nxR: median ratio to %s in the same row.\n\nminor page faults in the timed region per 4 KiB "
      "page (median):\n",
      std::string(BackendName(base)).c_str());
  PrintGrid(config, results, 10, [](const AllocResult& r, AllocExperiment, int64_t) {
    return absl::StrFormat("%.2f", r.median_faults_per_page);
  });
}

void PrintJson(const AllocBenchConfig& config, const std::vector<AllocResult>& results,
               const TimingStability& verdict) {
  HeapOptions file;
  file.backend = Backend::kFile;
  file.tempdir = config.tempdir;
  std::string dir = shm::ArenaDirectory(file);
  Json rows = Json::array();
  for (const AllocResult& r : results) {
    const AllocResult* base = Find(results, r.experiment, config.backends.front(), r.n);
    Json row = {
        {"experiment", ExperimentName(r.experiment)}, {"backend", BackendName(r.backend)}, {"n", r.n}};
    if (!r.error.empty()) {
      row["error"] = r.error;
    } else {
      row["median"] = r.median;
      row["min"] = r.min;
      row["max"] = r.max;
      row["ratio"] = base != nullptr && base->error.empty() && base->median > 0
                         ? Json(r.median / base->median)
                         : Json(nullptr);
      row["faults_per_page"] = r.median_faults_per_page;
      row["samples"] = r.ns_per_element;
    }
    rows.push_back(std::move(row));
  }
  MetadataFields metadata;
  metadata.n = config.sizes.size() == 1 ? config.sizes.front() : 0;  // several: see "sizes"
  metadata.repetitions = config.repetitions;
  Json doc = {{"command", "alloc"},
              {"tempdir", dir},
              {"tempdir_fs", FileSystemName(dir)},
              {"shm_fs", FileSystemName("/dev/shm")},
              {"unit", "ns_per_element"},
              {"ratio_base", BackendName(config.backends.front())},
              {"sizes", config.sizes},
              {"results", rows},
              {"stability", StabilityToJson(verdict)},
              {"metadata", MetadataJson(metadata)}};
  std::printf("%s\n", DumpJson(doc).c_str());
}

}  // namespace

const CommandSpec& AllocCommandSpec() {
  // The experiments' names come from their table (experiments/shm/alloc_bench.cc).
  static const std::string description = [] {
    std::vector<absl::string_view> names;
    for (const AllocExperimentInfo& info : AllocExperimentTable()) names.push_back(info.name);
    return absl::StrCat(
        "Measures what the memory of RawArray(c_int, n) costs per backend, in ns per element, with every "
        "backend side by side in one run: allocation from a warm heap, first touch of a fresh arena (page "
        "faults) against a pre-faulted one, a whole new arena (3.7+ ftruncate and 3.6 zero writes), tmpfs "
        "(/dev/shm) against the --tempdir file system. Experiments: ",
        absl::StrJoin(names, ", "), ".");
  }();
  static const CommandSpec spec = {
      "alloc",
      "alloc [--experiment=E,...] [--backend=B,...] [--tempdir=DIR] [--n=N,...] [--repetitions=R] "
      "[--min-time=S] [--format=table|json]",
      description,
      {
          {"experiment", "E,...", "allocation experiments to run", "all"},
          {"backend", "B,...", "backends: anon, shm, file, private; ratios are to the first",
           "anon,shm,file,private"},
          {"tempdir", "DIR", "directory of the file backend", "$TMPDIR or /tmp"},
          {"n", "N,...", "element counts (c_int), each 1..2^40 and within memory", "1e4,1e5,1e6,1e7"},
          {"repetitions", "R", "interleaved repetitions per measurement, 1..1000", "5"},
          {"min-time", "S", "seconds per repetition (Google Benchmark MinTime), at most 3600", "0.05"},
          {"format", "F", "table or json", "table"},
          kFlagQuiet,
          kFlagProgress,
      },
      "",
  };
  return spec;
}

int RunAllocCommand(const ParsedArgs& args) {
  if (args.Has("help")) {
    std::printf("%s", HelpText(AllocCommandSpec()).c_str());
    return kExitOk;
  }
  AllocBenchConfig config;
  std::string experiments = args.Get("experiment", "all");
  if (experiments == "all") {
    for (const AllocExperimentInfo& info : AllocExperimentTable()) config.experiments.push_back(info.id);
  } else {
    for (absl::string_view item : absl::StrSplit(absl::string_view(experiments), ',')) {
      absl::StatusOr<AllocExperiment> e = AllocExperimentFromName(item);
      if (!e.ok()) return UsageError(absl::StrCat("--experiment: ", e.status().message()));
      if (std::find(config.experiments.begin(), config.experiments.end(), *e) != config.experiments.end()) {
        return UsageError(absl::StrCat("--experiment: '", item, "' given twice"));
      }
      config.experiments.push_back(*e);
    }
  }
  absl::StatusOr<std::vector<Backend>> backends =
      ParseBackendList("backend", args.Get("backend", "anon,shm,file,private"));
  if (!backends.ok()) return UsageError(backends.status().message());
  config.backends = *backends;
  // The default list names file, so --tempdir alone is fine; a list without file has no use for it.
  if (args.Has("tempdir") &&
      std::find(config.backends.begin(), config.backends.end(), Backend::kFile) == config.backends.end()) {
    return UsageError("--tempdir goes with a --backend list that names file");
  }
  config.tempdir = args.Get("tempdir");
  if (args.Has("tempdir")) {
    if (absl::Status dir = CheckTempdir(config.tempdir); !dir.ok()) return UsageError(dir.message());
  }
  absl::StatusOr<std::vector<int64_t>> sizes = ParseCountList("n", args.Get("n", "1e4,1e5,1e6,1e7"));
  if (!sizes.ok()) return UsageError(sizes.status().message());
  config.sizes = *sizes;
  absl::StatusOr<int64_t> reps = ParseIntInRange("repetitions", args.Get("repetitions", "5"), 1, 1000);
  if (!reps.ok()) return UsageError(reps.status().message());
  config.repetitions = static_cast<int>(*reps);
  absl::StatusOr<double> min_time = ParsePositiveDouble("min-time", args.Get("min-time", "0.05"));
  if (!min_time.ok()) return UsageError(min_time.status().message());
  config.min_time = *min_time;
  absl::StatusOr<std::string> format = ParseChoice("format", args.Get("format", "table"), {"table", "json"});
  if (!format.ok()) return UsageError(format.status().message());
  for (int64_t n : config.sizes) {
    if (absl::Status fits = CheckFitsInMemory(n); !fits.ok()) return UsageError(fits.message());
    if (n > (int64_t{1} << 32)) return UsageError(absl::StrCat("--n=", n, " is more than 2^32 elements"));
  }

  Progress progress("alloc", 1, ResolveProgress(args));
  config.progress = &progress;
  absl::StatusOr<std::vector<AllocResult>> results = RunAllocBenchmarks(config);
  progress.Finish();
  if (!results.ok()) {
    if (results.status().code() == absl::StatusCode::kInvalidArgument) {
      return UsageError(results.status().message());
    }
    return Failure(results.status().message());
  }
  // Each backend's time is compared with the first backend's (the ratio column).
  std::vector<TimedSeries> measured;
  for (const AllocResult& r : *results) {
    if (r.error.empty()) {
      measured.push_back({absl::StrCat(ExperimentName(r.experiment), " ", BackendName(r.backend), " n=", r.n),
                          r.ns_per_element});
    }
  }
  const TimingStability verdict = JudgeAndWarn(args, measured, config.backends.size() > 1);
  if (*format == "json") {
    PrintJson(config, *results, verdict);
  } else {
    PrintTable(config, *results);
    std::printf("stability: %s\n",
                verdict.stable ? "stable" : "UNSTABLE (reasons on stderr, in --format=json)");
  }
  // A failed measurement is an error on stderr (its cell reads "error"), one line each, and exit 1.
  int status = kExitOk;
  for (const AllocResult& r : *results) {
    if (r.error.empty()) continue;
    status = Failure(absl::StrFormat("alloc: %s %s n=%d: %s", ExperimentName(r.experiment),
                                     BackendName(r.backend), r.n, r.error));
  }
  return status;
}

}  // namespace dispatchlab::cli
