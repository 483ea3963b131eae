// The measured region: perf's control fifo and callgrind's client requests (see region.h).
#include "experiments/profiling/region.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dispatchlab::profiling {

std::optional<PerfControlPaths> PerfControlFromEnv() {
  const char* ctl = std::getenv(kPerfCtlEnv);
  if (ctl == nullptr || *ctl == '\0') return std::nullopt;
  const char* ack = std::getenv(kPerfAckEnv);
  return PerfControlPaths{ctl, ack != nullptr ? ack : ""};
}

namespace {
absl::Status CheckFifo(int fd, absl::string_view what, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0)
    return absl::FailedPreconditionError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
  if (!S_ISFIFO(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", path, ": not a FIFO (make one with mkfifo; perf record --control=fifo:CTL,ACK)"));
  }
  return absl::OkStatus();
}
}  // namespace

absl::StatusOr<PerfControl> PerfControl::Open(const PerfControlPaths& paths) {
  // O_NONBLOCK on a write-only fifo fails with ENXIO when no reader has it open: no perf, no hang.
  int ctl = open(paths.ctl.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (ctl < 0) {
    // No reader (ENXIO) is the moment's state, exit 1; a path that cannot be a fifo is bad input.
    const int err = errno;
    const std::string why =
        absl::StrCat("perf control fifo ", paths.ctl, ": ", std::strerror(err),
                     err == ENXIO ? " (no perf record --control=fifo:... is reading it)" : "");
    return err == ENXIO ? absl::FailedPreconditionError(why) : absl::InvalidArgumentError(why);
  }
  // Only a FIFO: a regular file (or a device) given by mistake must not be written to. Checked on the
  // opened descriptor, before any write, so nothing can swap the path in between.
  if (absl::Status fifo = CheckFifo(ctl, "perf control fifo", paths.ctl); !fifo.ok()) {
    close(ctl);
    return fifo;
  }
  // Writes of a few bytes to a fifo are atomic; make them blocking again.
  fcntl(ctl, F_SETFL, fcntl(ctl, F_GETFL) & ~O_NONBLOCK);
  int ack = -1;
  if (!paths.ack.empty()) {
    ack = open(paths.ack.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ack < 0) {
      int err = errno;
      close(ctl);
      return absl::InvalidArgumentError(absl::StrCat("perf ack fifo ", paths.ack, ": ", std::strerror(err)));
    }
    if (absl::Status fifo = CheckFifo(ack, "perf ack fifo", paths.ack); !fifo.ok()) {
      close(ctl);
      close(ack);
      return fifo;
    }
  }
  return PerfControl(ctl, ack);
}

PerfControl::PerfControl(PerfControl&& other) noexcept : ctl_fd_(other.ctl_fd_), ack_fd_(other.ack_fd_) {
  other.ctl_fd_ = -1;
  other.ack_fd_ = -1;
}

PerfControl::~PerfControl() {
  if (ctl_fd_ >= 0) close(ctl_fd_);
  if (ack_fd_ >= 0) close(ack_fd_);
}

absl::Status PerfControl::Send(const char* command, int timeout_ms) {
  std::string message = absl::StrCat(command, "\n");
  if (write(ctl_fd_, message.data(), message.size()) != static_cast<ssize_t>(message.size())) {
    return absl::UnavailableError(
        absl::StrCat("perf control: write '", command, "': ", std::strerror(errno)));
  }
  if (ack_fd_ < 0) return absl::OkStatus();
  std::string received;
  while (received.find('\n') == std::string::npos) {
    struct pollfd pfd = {ack_fd_, POLLIN, 0};
    int ready = poll(&pfd, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("perf control: no 'ack' for '", command, "' within ", timeout_ms, " ms"));
    }
    char buffer[16];
    ssize_t got = read(ack_fd_, buffer, sizeof(buffer));
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got <= 0) {
      // POLLHUP with no writer left: perf is gone.
      return absl::UnavailableError(absl::StrCat("perf control: ack fifo closed after '", command, "'"));
    }
    received.append(buffer, static_cast<size_t>(got));
  }
  if (received.rfind("ack", 0) != 0) {
    return absl::InternalError(absl::StrCat("perf control: expected 'ack', got '", received, "'"));
  }
  return absl::OkStatus();
}

bool RunningOnValgrind() { return RUNNING_ON_VALGRIND != 0; }

MeasuredRegion::MeasuredRegion(PerfControl* perf, std::string label) : perf_(perf), label_(std::move(label)) {
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_ZERO_STATS;
  if (perf_ != nullptr) status_ = perf_->Enable();
  // Last, so that the perf handshake is not in the callgrind counts (it is not under valgrind anyway).
  CALLGRIND_TOGGLE_COLLECT;
}

absl::Status MeasuredRegion::End() {
  if (!open_) return status_;
  open_ = false;
  CALLGRIND_TOGGLE_COLLECT;
  if (perf_ != nullptr && status_.ok()) status_ = perf_->Disable();
  CALLGRIND_DUMP_STATS_AT(label_.c_str());
  CALLGRIND_STOP_INSTRUMENTATION;
  return status_;
}

MeasuredRegion::~MeasuredRegion() { End().IgnoreError(); }

}  // namespace dispatchlab::profiling
