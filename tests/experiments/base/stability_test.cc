// The timing stability verdict (experiments/base/stability.h) on synthetic samples and machine states, the
// progress helper (experiments/base/progress.h), and the verdict through the CLI: a short `run` warns with
// its reasons, the same run with --quiet prints no warning and the same data.
#include "experiments/base/stability.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "experiments/base/json.h"
#include "experiments/base/progress.h"
#include "tests/cli/spawn.h"

namespace dispatchlab {
namespace {

MachineState Idle() {
  MachineState m;
  m.load_average = 0.2;
  m.cpus = 2;
  return m;
}

bool HasReason(const TimingStability& v, const std::string& part) {
  for (const std::string& r : v.reasons) {
    if (r.find(part) != std::string::npos) return true;
  }
  return false;
}

const std::vector<double> kSteady = {100, 101, 99, 100, 102, 98, 100, 101, 99};  // cv about 1.2%

TEST_CASE("steady samples on an idle machine are stable", "[stability]") {
  const TimingStability v = JudgeTimings({{"a", kSteady}, {"b", kSteady}}, /*comparison=*/true, Idle());
  CHECK(v.stable);
  CHECK(v.reasons.empty());
  CHECK(v.repetitions == 9);
  CHECK(v.max_cv == Approx(0.0122).epsilon(0.05));
}

TEST_CASE("each check gives its own reason", "[stability]") {
  SECTION("cv over 10%") {
    const TimingStability v =
        JudgeTimings({{"noisy", {80, 120, 90, 110, 100, 70, 130, 100, 100}}}, false, Idle());
    CHECK_FALSE(v.stable);
    CHECK(HasReason(v, "noisy: cv"));
  }
  SECTION("a maximum far from the median, cv under the limit") {
    std::vector<double> s(40, 100.0);
    s[0] = 160;  // 60% above the median; cv 9.3%
    const TimingStability v = JudgeTimings({{"spike", s}}, false, Idle());
    CHECK(HasReason(v, "spike: max is 60% above the median"));
    CHECK_FALSE(HasReason(v, "cv"));
  }
  SECTION("a minimum far from the median") {
    std::vector<double> s(40, 100.0);
    s[3] = 40;
    CHECK(HasReason(JudgeTimings({{"dip", s}}, false, Idle()), "dip: min is 60% below the median"));
  }
  SECTION("fewer than 9 repetitions feeding a comparison; not without a comparison") {
    const std::vector<double> three = {100, 101, 99};
    CHECK(HasReason(JudgeTimings({{"a", three}, {"b", three}}, true, Idle()), "only 3 repetitions"));
    CHECK(JudgeTimings({{"a", three}}, false, Idle()).stable);
    CHECK(JudgeTimings({}, true, Idle()).stable);  // nothing measured: nothing to judge
  }
  SECTION("a loaded machine") {
    MachineState m = Idle();
    m.load_average = 5.5;
    CHECK(HasReason(JudgeTimings({{"a", kSteady}}, false, m), "load average 5.50 on 2 CPUs"));
  }
  SECTION("a governor that is not performance, and turbo") {
    MachineState m = Idle();
    m.cpu_governor = "powersave";
    m.turbo = "on";
    const TimingStability v = JudgeTimings({{"a", kSteady}}, false, m);
    CHECK(HasReason(v, "governor 'powersave'"));
    CHECK(HasReason(v, "turbo boost is on"));
    m.cpu_governor = "performance";
    m.turbo = "off";
    CHECK(JudgeTimings({{"a", kSteady}}, false, m).stable);
  }
  SECTION("unknown machine facts give no reason") {
    MachineState m;  // load < 0, no governor, no turbo
    CHECK(JudgeTimings({{"a", kSteady}}, false, m).stable);
  }
}

TEST_CASE("the verdict's JSON has every documented key, unknown facts as null", "[stability]") {
  MachineState m = Idle();
  m.load_average = -1;
  const Json j = StabilityToJson(JudgeTimings({{"a", {1, 2, 3}}, {"b", {1, 2, 3}}}, true, m));
  CHECK(j["stable"] == false);
  CHECK(j["reasons"].size() >= 2);
  CHECK(j["repetitions"] == 3);
  CHECK(j["comparison"] == true);
  CHECK(j["load_average"].is_null());
  CHECK(j["cpu_governor"].is_null());
  CHECK(j["turbo"].is_null());
  CHECK(j["limits"]["min_repetitions"] == 9);
  CHECK(j["limits"]["max_cv"] == 0.10);
}

std::string ProgressText(ProgressMode mode, int steps, int total) {
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  {
    Progress p("job", total, mode, out);
    for (int i = 0; i < steps; ++i) p.Step("unit");
  }
  std::fclose(out);
  std::string text(buffer, size);
  free(buffer);
  return text;
}

TEST_CASE("progress prints an ETA, per quarter in lines, rewritten on a terminal, nothing when off",
          "[stability]") {
  const std::string lines = ProgressText(ProgressMode::kLines, 8, 8);
  CHECK(testing::LineCount(lines) == 4);
  CHECK(lines.find("job: 2/8 (25%)") != std::string::npos);
  CHECK(lines.find("job: 8/8 (100%)") != std::string::npos);
  CHECK(lines.find("s left") != std::string::npos);
  const std::string terminal = ProgressText(ProgressMode::kTerminal, 3, 3);
  CHECK(terminal.find("\rjob: 1/3") != std::string::npos);
  CHECK(terminal.back() == '\n');  // the finished line is ended once
  CHECK(testing::LineCount(terminal) == 1);
  CHECK(ProgressText(ProgressMode::kOff, 5, 5).empty());
  CHECK(ChooseProgressMode(/*progress_flag=*/true, /*quiet_flag=*/true) == ProgressMode::kOff);
}

TEST_CASE("run warns about a 3-repetition comparison with its reason; --quiet prints the same data only",
          "[stability][cli]") {
  const std::vector<std::string> args = {"run",      "sct_init",        "sct_subscript",
                                         "--n=1000", "--repetitions=3", "--min-time=0.002"};
  const testing::ChildResult loud = testing::RunCli(args, 120);
  REQUIRE(loud.exit_status == 0);
  CHECK(loud.err.find("dispatchlab: warning: unstable timing: only 3 repetitions feed a comparison") !=
        std::string::npos);
  CHECK(loud.out.find("stability: UNSTABLE") != std::string::npos);

  std::vector<std::string> quiet_args = args;
  quiet_args.push_back("--quiet");
  const testing::ChildResult quiet = testing::RunCli(quiet_args, 120);
  REQUIRE(quiet.exit_status == 0);
  CHECK(quiet.err.find("warning") == std::string::npos);
  CHECK(quiet.err.empty());
  CHECK(quiet.out.find("stability: UNSTABLE") != std::string::npos);  // the verdict is data
  CHECK(quiet.out.find("sct_subscript") != std::string::npos);

  // --progress when stderr is not a terminal: progress lines with an ETA; without it, none.
  std::vector<std::string> progress_args = quiet_args;
  progress_args.back() = "--progress";
  const testing::ChildResult progress = testing::RunCli(progress_args, 120);
  REQUIRE(progress.exit_status == 0);
  CHECK(progress.err.find("run: 6/6 (100%)") != std::string::npos);
  CHECK(loud.err.find("run: ") == std::string::npos);
}

}  // namespace
}  // namespace dispatchlab
