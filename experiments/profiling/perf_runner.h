// Sampling a scenario with Linux perf and mapping the samples to layers.
//
//   perf record -e EVENT -F 1000 --call-graph=dwarf,16384 --delay=-1 --control=fifo:CTL,ACK -o
//   <scratch>/perf.data
//        -- <self> perf SCENARIO --seconds=S --n=N --layers=... --perf-ctl=CTL --perf-ack=ACK
//   perf script -i <scratch>/perf.data -F comm,tid,period,event,ip,sym --no-inline
//
// The child (`dispatchlab perf`) enables the events only around its steady loop (region.h), so set-up is
// not in the profile. EVENT is `cycles` when the machine exposes hardware events and `cpu-clock` (a
// software timer) otherwise — the case on most VMs, including ours; both give a share of samples.
// ProfileRequest::call_graph = "fp" records --call-graph=fp at 4000 Hz instead (layer_profile.h says why
// dwarf is the default: Debian's libc has no frame pointers).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_RUNNER_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_RUNNER_H_

#include <string>

#include "absl/status/statusor.h"
#include "experiments/profiling/layer_profile.h"

namespace dispatchlab::profiling {

struct PerfProbe {
  bool installed = false;
  bool permitted = false;        // a cpu-clock recording of our own process is allowed
  bool hardware_events = false;  // `perf stat -e instructions true` counts
  int paranoid = -100;           // /proc/sys/kernel/perf_event_paranoid, -100 if unreadable
  std::string event;             // the event to record: "cycles" or "cpu-clock"
  std::string problem;           // why perf cannot be used (empty when it can)
};

// Probes perf: installed, permitted (perf stat on `true`), hardware events available.
PerfProbe ProbePerf();

// The perf record command line a user can run by hand on `dispatchlab perf` (printed by that command).
std::string PerfRecordCommandLine(const std::string& event, const std::string& self,
                                  const std::string& child_args);

// Records request.seconds of the scenario's steady loop and returns each layer's share of the samples.
// FailedPrecondition (naming the cause) when perf is not installed or not permitted.
absl::StatusOr<LayerProfile> ProfileWithPerf(const ProfileRequest& request);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_RUNNER_H_
