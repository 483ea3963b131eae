// Marking the measured region of a profiling child, so that perf and callgrind record only the scenario's
// steady-state work and not start-up, argument parsing or set-up.
//
// perf:      `perf record --delay=-1 --control=fifo:CTL,ACK -- dispatchlab ...` starts with events disabled
//            and listens on the CTL fifo. The region writes "enable\n" on entry and "disable\n" on exit,
//            each time waiting for perf's "ack\n" on ACK. The fifo paths come from
//            --perf-ctl/--perf-ack or the environment (DISPATCHLAB_PERF_CTL, DISPATCHLAB_PERF_ACK).
// callgrind: `valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no ...`; the region issues
//            the client requests of valgrind/callgrind.h: START_INSTRUMENTATION, ZERO_STATS,
//            TOGGLE_COLLECT on entry; TOGGLE_COLLECT, DUMP_STATS_AT(label), STOP_INSTRUMENTATION on exit.
//            One dump file per region, named by its label.
// Outside both tools a region does nothing (the client requests are a few no-op instructions).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_REGION_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_REGION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dispatchlab::profiling {

inline constexpr char kPerfCtlEnv[] = "DISPATCHLAB_PERF_CTL";
inline constexpr char kPerfAckEnv[] = "DISPATCHLAB_PERF_ACK";

struct PerfControlPaths {
  std::string ctl;  // perf reads commands here
  std::string ack;  // perf writes "ack\n" here; may be empty (no acknowledgement awaited)
};

// The paths from the environment, or nullopt when DISPATCHLAB_PERF_CTL is unset or empty.
std::optional<PerfControlPaths> PerfControlFromEnv();

// The writer's end of perf's control protocol.
class PerfControl {
 public:
  // Opens the fifos (the ctl fifo for writing, the ack fifo for reading). perf opens both O_RDWR |
  // O_NONBLOCK before it starts the workload, so these opens do not block when perf is there; when no
  // one reads `ctl`, Open fails (ENXIO) instead of hanging.
  static absl::StatusOr<PerfControl> Open(const PerfControlPaths& paths);
  PerfControl(PerfControl&& other) noexcept;
  PerfControl& operator=(PerfControl&&) = delete;
  ~PerfControl();

  // Sends "enable"/"disable" and waits up to `timeout_ms` for "ack" when there is an ack fifo.
  absl::Status Enable(int timeout_ms = 10000) { return Send("enable", timeout_ms); }
  absl::Status Disable(int timeout_ms = 10000) { return Send("disable", timeout_ms); }

 private:
  PerfControl(int ctl_fd, int ack_fd) : ctl_fd_(ctl_fd), ack_fd_(ack_fd) {}
  absl::Status Send(const char* command, int timeout_ms);
  int ctl_fd_ = -1;
  int ack_fd_ = -1;
};

// True when running under valgrind (RUNNING_ON_VALGRIND).
bool RunningOnValgrind();

// RAII: the measured region. Construct it right before the measured work and destroy it right after.
// `perf` may be null (not under perf control). Errors of the perf protocol are kept in status().
class MeasuredRegion {
 public:
  MeasuredRegion(PerfControl* perf, std::string label);
  ~MeasuredRegion();
  MeasuredRegion(const MeasuredRegion&) = delete;
  MeasuredRegion& operator=(const MeasuredRegion&) = delete;

  // Ends the region early (idempotent); returns the first protocol error, if any.
  absl::Status End();
  const absl::Status& status() const { return status_; }

 private:
  PerfControl* perf_;
  std::string label_;
  bool open_ = true;
  absl::Status status_;
};

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_REGION_H_
