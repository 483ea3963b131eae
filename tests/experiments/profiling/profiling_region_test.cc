// The perf control-fifo protocol of the measured region, against a fake perf on a thread
// (experiments/profiling/region.h).
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "experiments/base/scratch_dir.h"
#include "experiments/profiling/child_loop.h"
#include "experiments/profiling/region.h"

namespace dispatchlab::profiling {
namespace {

// Opens the fifos the way perf does (O_RDWR | O_NONBLOCK, before the workload starts), then answers
// `expected` commands with "ack\n" (or stays silent) and records what it read.
class FakePerf {
 public:
  FakePerf(const std::string& ctl, const std::string& ack, int expected, bool answer)
      : ctl_fd_(open(ctl.c_str(), O_RDWR | O_NONBLOCK)), ack_fd_(open(ack.c_str(), O_RDWR | O_NONBLOCK)) {
    thread_ = std::thread([this, expected, answer] {
      std::string pending;
      while (static_cast<int>(commands_.size()) < expected) {
        struct pollfd pfd = {ctl_fd_, POLLIN, 0};
        if (poll(&pfd, 1, 5000) <= 0) return;  // the test fails on the missing commands
        char buf[64];
        ssize_t got = read(ctl_fd_, buf, sizeof(buf));
        if (got <= 0) continue;
        pending.append(buf, static_cast<size_t>(got));
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
          commands_.push_back(pending.substr(0, nl));
          pending.erase(0, nl + 1);
          if (answer) REQUIRE(write(ack_fd_, "ack\n", 4) == 4);
        }
      }
    });
  }
  ~FakePerf() {
    if (thread_.joinable()) thread_.join();
    close(ctl_fd_);
    close(ack_fd_);
  }
  std::vector<std::string> Commands() {
    if (thread_.joinable()) thread_.join();
    return commands_;
  }

 private:
  int ctl_fd_, ack_fd_;
  std::vector<std::string> commands_;
  std::thread thread_;
};

TEST_CASE("MeasuredRegion enables perf on entry and disables it on exit", "[profiling]") {
  auto dir = ScratchDir::Create("test");
  REQUIRE(dir.ok());
  auto ctl = (*dir)->MakeFifo("ctl");
  auto ack = (*dir)->MakeFifo("ack");
  REQUIRE(ctl.ok());
  REQUIRE(ack.ok());
  FakePerf perf(*ctl, *ack, 2, /*answer=*/true);
  absl::StatusOr<PerfControl> control = PerfControl::Open({*ctl, *ack});
  REQUIRE(control.ok());
  {
    MeasuredRegion region(&*control, "test region");
    CHECK(region.status().ok());
    CHECK(region.End().ok());
  }
  CHECK(perf.Commands() == std::vector<std::string>{"enable", "disable"});
}

TEST_CASE("The measured loop runs warm-up outside and iterations inside the perf region", "[profiling]") {
  auto dir = ScratchDir::Create("test");
  REQUIRE(dir.ok());
  auto ctl = (*dir)->MakeFifo("ctl");
  auto ack = (*dir)->MakeFifo("ack");
  REQUIRE(ctl.ok());
  REQUIRE(ack.ok());
  FakePerf perf(*ctl, *ack, 2, true);
  absl::StatusOr<PerfControl> control = PerfControl::Open({*ctl, *ack});
  REQUIRE(control.ok());
  int runs = 0;
  LoopOptions options;
  options.warmup = 2;
  options.iterations = 3;
  options.perf = &*control;
  CHECK(RunIterations(
            [&] {
              ++runs;
              return absl::OkStatus();
            },
            options)
            .ok());
  CHECK(runs == 5);
  CHECK(perf.Commands() == std::vector<std::string>{"enable", "disable"});
}

TEST_CASE("A perf that never acknowledges is a timeout, not a hang", "[profiling]") {
  auto dir = ScratchDir::Create("test");
  REQUIRE(dir.ok());
  auto ctl = (*dir)->MakeFifo("ctl");
  auto ack = (*dir)->MakeFifo("ack");
  REQUIRE(ctl.ok());
  REQUIRE(ack.ok());
  FakePerf perf(*ctl, *ack, 1, /*answer=*/false);
  absl::StatusOr<PerfControl> control = PerfControl::Open({*ctl, *ack});
  REQUIRE(control.ok());
  absl::Status s = control->Enable(/*timeout_ms=*/50);
  CHECK(absl::IsDeadlineExceeded(s));
  CHECK(perf.Commands() == std::vector<std::string>{"enable"});
}

TEST_CASE("Opening a control fifo no perf reads fails at once", "[profiling]") {
  auto dir = ScratchDir::Create("test");
  REQUIRE(dir.ok());
  auto ctl = (*dir)->MakeFifo("ctl");
  REQUIRE(ctl.ok());
  absl::StatusOr<PerfControl> control = PerfControl::Open({*ctl, ""});
  REQUIRE_FALSE(control.ok());
  CHECK(std::string(control.status().message()).find("no perf record") != std::string::npos);
  CHECK_FALSE(PerfControl::Open({(*dir)->File("missing"), ""}).ok());
}

TEST_CASE("Without perf control the region only marks callgrind's counts", "[profiling]") {
  // Outside valgrind the client requests do nothing; under it (e.g. a memcheck run of the tests) they are
  // ignored by tools other than callgrind. Either way there is no perf protocol to fail.
  MeasuredRegion region(nullptr, "nothing");
  CHECK(region.status().ok());
  CHECK(region.End().ok());
  CHECK(region.End().ok());  // idempotent
}

TEST_CASE("The measured loop stops at the first failing run", "[profiling]") {
  int runs = 0;
  LoopOptions options;
  options.warmup = 1;
  options.iterations = 10;
  absl::Status s =
      RunIterations([&] { return ++runs == 3 ? absl::InternalError("boom") : absl::OkStatus(); }, options);
  CHECK(s.message() == "boom");
  CHECK(runs == 3);
  runs = 0;
  options.warmup = 0;
  options.seconds = 1e-9;  // at least one run, whatever the clock
  absl::StatusOr<int64_t> timed = RunForSeconds(
      [&] {
        ++runs;
        return absl::OkStatus();
      },
      options);
  REQUIRE(timed.ok());
  CHECK(*timed >= 1);
  CHECK(*timed == runs);
}

}  // namespace
}  // namespace dispatchlab::profiling
