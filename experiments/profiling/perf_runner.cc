// Running perf record / perf script on a profiling child (see perf_runner.h).
#include "experiments/profiling/perf_runner.h"

#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "experiments/base/output_file.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/subprocess.h"
#include "experiments/base/text.h"
#include "experiments/profiling/perf_binary.h"
#include "experiments/profiling/perf_script.h"
#include "experiments/profiling/region.h"

namespace dispatchlab::profiling {
namespace {

int ReadParanoid() {
  std::string text = ReadTextFile("/proc/sys/kernel/perf_event_paranoid");
  int value = -100;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &value)) return -100;
  return value;
}

// Runs `perf stat -e EVENT true`; returns the stat output (stderr) or an error.
absl::StatusOr<std::pair<ProcessResult, std::string>> PerfStat(const ScratchDir& dir,
                                                               const std::string& event) {
  ProcessSpec spec;
  spec.argv = {"perf", "stat", "-e", event, "true"};
  spec.stderr_path = dir.File("stat.err");
  absl::StatusOr<ProcessResult> r = RunProcess(spec);
  if (!r.ok()) return r.status();
  return std::make_pair(*r, ReadTextFile(spec.stderr_path));
}

}  // namespace

PerfProbe ProbePerf() {
  PerfProbe probe;
  probe.paranoid = ReadParanoid();
  probe.installed = FindInPath("perf").has_value();
  if (!probe.installed) {
    probe.problem = "perf is not installed (Debian: apt-get install linux-perf)";
    return probe;
  }
  absl::StatusOr<std::unique_ptr<ScratchDir>> dir = ScratchDir::Create("perfprobe");
  if (!dir.ok()) {
    probe.problem = std::string(dir.status().message());
    return probe;
  }
  auto clock = PerfStat(**dir, "cpu-clock");
  if (!clock.ok() || !clock->first.ok() || absl::StrContains(clock->second, "<not supported>") ||
      absl::StrContains(clock->second, "<not counted>")) {
    probe.problem =
        absl::StrCat("perf is installed but may not measure this process (kernel.perf_event_paranoid = ",
                     probe.paranoid == -100 ? std::string("unknown") : absl::StrCat(probe.paranoid),
                     "; allow it with: sysctl kernel.perf_event_paranoid=1)",
                     clock.ok() ? absl::StrCat(": ", LastLine(clock->second)) : "");
    return probe;
  }
  probe.permitted = true;
  auto instructions = PerfStat(**dir, "instructions");
  probe.hardware_events = instructions.ok() && instructions->first.ok() &&
                          !absl::StrContains(instructions->second, "<not supported>") &&
                          !absl::StrContains(instructions->second, "<not counted>");
  probe.event = probe.hardware_events ? "cycles" : "cpu-clock";
  return probe;
}

std::string PerfRecordCommandLine(const std::string& event, const std::string& self,
                                  const std::string& child_args) {
  // The fifos go in a private folder under $TMPDIR (mktemp -d), so that two such lines never share them.
  return absl::StrCat(R"(d=$(mktemp -d) && mkfifo "$d/ctl" "$d/ack" && perf record -e )", event,
                      R"( --call-graph=fp --delay=-1 --control=fifo:"$d/ctl","$d/ack" -o perf.data -- )",
                      self, " ", child_args, R"( --perf-ctl="$d/ctl" --perf-ack="$d/ack"; rm -rf "$d")");
}

absl::StatusOr<LayerProfile> ProfileWithPerf(const ProfileRequest& request) {
  PerfProbe probe = ProbePerf();
  if (!probe.permitted) return absl::FailedPreconditionError(probe.problem);
  std::string self = request.child_executable;
  PerfBinary binary;
  if (self.empty()) {
    absl::StatusOr<std::string> exe = SelfExecutable();
    if (!exe.ok()) return exe.status();
    binary = ChoosePerfBinary(*exe);
    self = binary.path;
  }
  absl::StatusOr<std::unique_ptr<ScratchDir>> dir = ScratchDir::Create("perf");
  if (!dir.ok()) return dir.status();
  absl::StatusOr<std::string> ctl = (*dir)->MakeFifo("ctl");
  if (!ctl.ok()) return ctl.status();
  absl::StatusOr<std::string> ack = (*dir)->MakeFifo("ack");
  if (!ack.ok()) return ack.status();
  const std::string data = (*dir)->File("perf.data");

  ProcessSpec record;
  const bool dwarf = request.call_graph == "dwarf";
  record.argv = {"perf",
                 "record",
                 "-q",
                 "-e",
                 probe.event,
                 "-F",
                 dwarf ? "1000" : "4000",
                 dwarf ? "--call-graph=dwarf,16384" : "--call-graph=fp",
                 "--delay=-1",
                 absl::StrCat("--control=fifo:", *ctl, ",", *ack),
                 "-o",
                 data,
                 "--",
                 self,
                 "perf",
                 request.scenario,
                 absl::StrCat("--n=", request.n),
                 absl::StrCat("--layers=", request.layers.ToString()),
                 absl::StrFormat("--seconds=%g", request.seconds),
                 absl::StrCat("--warmup=", request.warmup),
                 absl::StrCat("--perf-ctl=", *ctl),
                 absl::StrCat("--perf-ack=", *ack),
                 "--quiet"};
  record.stdout_path = (*dir)->File("record.out");
  record.stderr_path = (*dir)->File("record.err");
  absl::StatusOr<ProcessResult> recorded = RunProcess(record);
  if (!recorded.ok()) return recorded.status();
  if (!recorded->ok()) {
    return absl::InternalError(absl::StrCat("perf record failed (", recorded->Describe(),
                                            "): ", LastLine(ReadTextFile(record.stderr_path))));
  }

  ProcessSpec script;
  script.argv = {"perf", "script", "-i", data, "-F", "comm,tid,period,event,ip,sym", "--no-inline"};
  script.stdout_path = (*dir)->File("script.out");
  script.stderr_path = (*dir)->File("script.err");
  absl::StatusOr<ProcessResult> scripted = RunProcess(script);
  if (!scripted.ok()) return scripted.status();
  if (!scripted->ok()) {
    return absl::InternalError(absl::StrCat("perf script failed (", scripted->Describe(),
                                            "): ", LastLine(ReadTextFile(script.stderr_path))));
  }
  std::ifstream in(script.stdout_path);
  absl::StatusOr<PerfSamples> samples = ParsePerfScript(in);
  if (!samples.ok()) return samples.status();
  if (samples->sample_count == 0) {
    return absl::InternalError("perf recorded no samples in the measured region");
  }
  if (!request.keep_output.empty()) {
    if (absl::Status kept = CopyFile(data, request.keep_output); !kept.ok()) return kept;
  }

  LayerProfile profile;
  profile.scenario = request.scenario;
  profile.tool = "perf";
  profile.unit = "share of samples";
  profile.event = samples->event.empty() ? probe.event : samples->event;
  profile.layers = request.layers;
  profile.n = request.n;
  // The child reports its run count as "runs: K" (dispatchlab perf --quiet).
  const std::string record_out = ReadTextFile(record.stdout_path);
  for (std::string_view line : Split(record_out, '\n', true)) {
    if (line.rfind("runs: ", 0) == 0) profile.runs = ParseInt64(Strip(line.substr(6))).value_or(0);
  }
  FillFromTally(samples->samples, static_cast<double>(samples->sample_count), &profile);
  if (!binary.message.empty()) {
    // Without frame pointers, only a frame-pointer walk suffers: the dwarf unwinder does not need them.
    profile.notes.push_back(binary.frame_pointers || dwarf ? binary.message
                                                           : absl::StrCat("WARNING: ", binary.message));
  }
  profile.notes.push_back(dwarf
                              ? "call stacks unwound with DWARF (--call-graph=dwarf, 1000 Hz)"
                              : "call stacks from frame pointers (--call-graph=fp, 4000 Hz); samples inside "
                                "libc (malloc, free) lose their stacks and count as unattributed");
  if (!probe.hardware_events) {
    profile.notes.push_back(
        "this machine exposes no hardware events to perf; sampled with the software timer cpu-clock");
  }
  return profile;
}

}  // namespace dispatchlab::profiling
