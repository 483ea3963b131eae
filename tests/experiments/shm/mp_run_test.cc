// dispatchlab mp's runner: forked workers fill disjoint slices of one shared array and the parent finds
// every element right (shared backends), or every element wrong (the private control); worker failures
// are reported by worker and status; nothing is left in /dev/shm.
#include "experiments/shm/mp_run.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "core/layers.h"
#include "core/shm_names.h"

namespace dispatchlab {
namespace {

MpConfig Config(absl::string_view scenario, Backend backend, int64_t n, std::vector<int> workers) {
  MpConfig config;
  config.scenario = std::string(scenario);
  config.heap.backend = backend;
  config.n = n;
  config.workers = std::move(workers);
  config.repetitions = 2;
  return config;
}

int OurShmNames() {
  std::string prefix = std::string(shm::NamePrefix()) + std::to_string(getpid()) + "-";
  int count = 0;
  DIR* dir = opendir("/dev/shm");
  if (dir == nullptr) return 0;
  while (dirent* entry = readdir(dir))
    count += std::strncmp(entry->d_name, prefix.c_str(), prefix.size()) == 0;
  closedir(dir);
  return count;
}

TEST_CASE("mp with 2 and 4 workers finds 0 wrong elements on every shared backend") {
  for (const MpScenarioInfo& scenario : MpScenarioTable()) {
    for (Backend backend : {Backend::kAnon, Backend::kShm, Backend::kFile}) {
      INFO(std::string(scenario.name) << " on " << std::string(BackendName(backend)));
      // n not divisible by the worker counts: the slices must still cover every element exactly once.
      absl::StatusOr<MpResult> result = RunMp(Config(scenario.name, backend, 30011, {2, 4}));
      REQUIRE(result.ok());
      CHECK(result->wrong_elements == 0);
      REQUIRE(result->runs.size() == 2);
      for (const MpRun& run : result->runs) {
        CHECK(run.wrong_elements == 0);
        CHECK(run.first_wrong_index == -1);
        CHECK(run.wall_ns_per_element.size() == 2);
        CHECK(run.fill_ns_per_element.size() == 2);
      }
      CHECK(result->runs[0].workers == 2);
      CHECK(result->runs[1].workers == 4);
    }
  }
  CHECK(OurShmNames() == 0);
}

TEST_CASE("mp's RawArray paths find 0 wrong elements under every profile") {
  for (absl::string_view scenario : {"sct_init", "sct_subscript"}) {
    for (const Profile& profile : ProfileTable()) {
      INFO(std::string(scenario) << " under " << std::string(profile.name));
      MpConfig config = Config(scenario, Backend::kShm, 20011, {2, 4});
      config.layers = profile.layers;
      absl::StatusOr<MpResult> result = RunMp(config);
      REQUIRE(result.ok());
      CHECK(result->wrong_elements == 0);
    }
  }
  CHECK(OurShmNames() == 0);
}

TEST_CASE("mp on private memory finds every element wrong: the check can fail") {
  absl::StatusOr<MpResult> result = RunMp(Config("store", Backend::kPrivate, 5000, {2}));
  REQUIRE(result.ok());
  CHECK(result->wrong_elements == 5000);
  CHECK(result->runs[0].first_wrong_index == 0);
}

TEST_CASE("mp with as many workers as elements gives each worker one element") {
  absl::StatusOr<MpResult> result = RunMp(Config("store", Backend::kAnon, 7, {7}));
  REQUIRE(result.ok());
  CHECK(result->wrong_elements == 0);
}

TEST_CASE("mp rejects an unknown scenario and impossible worker counts") {
  absl::StatusOr<MpResult> unknown = RunMp(Config("sct_nope", Backend::kAnon, 100, {2}));
  CHECK(unknown.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(unknown.status().message().find("sct_nope") != absl::string_view::npos);
  absl::StatusOr<MpResult> too_many = RunMp(Config("store", Backend::kAnon, 3, {4}));
  CHECK(too_many.status().code() == absl::StatusCode::kInvalidArgument);
  absl::StatusOr<MpResult> none = RunMp(Config("store", Backend::kAnon, 3, {}));
  CHECK(none.status().code() == absl::StatusCode::kInvalidArgument);
}

// A workload whose worker for the slice starting at 0 fails (with a Status, or by dying of SIGKILL), and
// whose other workers leave their slice unwritten.
class FailingWorkload : public MpWorkload {
 public:
  FailingWorkload(SharedHeap& heap, int64_t n, bool die) : heap_(heap), n_(n), die_(die) {
    block_ = *heap.Allocate(static_cast<size_t>(n) * sizeof(int32_t));
  }
  ~FailingWorkload() override { heap_.Free(block_); }
  const int32_t* data() const override { return reinterpret_cast<const int32_t*>(block_.data); }
  int64_t n() const override { return n_; }
  void Poison() override { std::memset(block_.data, 0xff, block_.size); }
  absl::Status FillSlice(int64_t lo, int64_t) override {
    if (lo != 0) return absl::OkStatus();
    if (die_) raise(SIGKILL);
    return absl::InternalError("deliberate failure");
  }
  int32_t Expected(int64_t) const override { return 0; }

 private:
  SharedHeap& heap_;
  Block block_;
  int64_t n_;
  bool die_;
};

TEST_CASE("mp names the worker that failed and how") {
  for (bool die : {false, true}) {
    INFO("die " << die);
    MpWorkloadFactory make = [die](SharedHeap& heap, int64_t n,
                                   LayerSet) -> absl::StatusOr<std::unique_ptr<MpWorkload>> {
      return std::unique_ptr<MpWorkload>(new FailingWorkload(heap, n, die));
    };
    absl::StatusOr<MpResult> result = RunMpWith(Config("failing", Backend::kShm, 1000, {3}), make);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == absl::StatusCode::kInternal);
    std::string message(result.status().message());
    INFO(message);
    CHECK(message.find("worker 0 of 3") != std::string::npos);
    CHECK(message.find(die ? "signal 9" : "exit status 1") != std::string::npos);
  }
  CHECK(OurShmNames() == 0);
}

TEST_CASE("MpSourceValue never equals the poison value") {
  int64_t poisoned = 0;
  for (int64_t i = 0; i < 100000; ++i) poisoned += MpSourceValue(i) == kMpPoison;
  CHECK(poisoned == 0);
}

}  // namespace
}  // namespace dispatchlab
