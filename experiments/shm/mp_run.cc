// Fork, fill, wait, check (see mp_run.h). Workers report their own fill time through a small shared
// page, so the table can show how much of the wall time is fork and exit rather than stores.
#include "experiments/shm/mp_run.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <new>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/name_lookup.h"

namespace dispatchlab {
namespace {

using Clock = std::chrono::steady_clock;

// Two slots per worker in an anonymous shared page: the fill time it measured (0 when it failed) and the
// minor page faults its fill took.
class WorkerTimes {
 public:
  explicit WorkerTimes(int workers) : size_(2 * sizeof(double) * static_cast<size_t>(workers)) {
    void* data = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    data_ = data == MAP_FAILED ? nullptr : static_cast<double*>(data);
  }
  ~WorkerTimes() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  bool ok() const { return data_ != nullptr; }
  double* data() { return data_; }

 private:
  size_t size_;
  double* data_ = nullptr;
};

long MinorFaults() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return absl::StrCat("signal ", WTERMSIG(status), " (", strsignal(WTERMSIG(status)), ")");
  }
  return absl::StrCat("wait status ", status);
}

// One run with W workers. Fills `run` with this repetition's numbers.
absl::Status RunOnce(MpWorkload& workload, int workers, LayerSet layers, MpRun& run) {
  WorkerTimes times(workers);
  if (!times.ok()) return absl::ResourceExhaustedError("cannot map the workers' timing page");
  workload.Poison();
  const int64_t n = workload.n();
  std::fflush(nullptr);  // nothing buffered is written twice by the children
  std::vector<pid_t> children;
  const pid_t parent = getpid();
  std::string failure;
  Clock::time_point start = Clock::now();
  for (int k = 0; k < workers; ++k) {
    pid_t pid = fork();
    if (pid < 0) {
      failure = absl::StrCat("fork of worker ", k, " failed: ", std::strerror(errno));
      break;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);   // a worker never outlives an interrupted parent
      if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
      SetActiveLayers(layers);
      int64_t lo = n * k / workers;
      int64_t hi = n * (k + 1) / workers;
      absl::Status status;
      long faults_before = 0;
      Clock::time_point fill_start;
      try {  // a worker never unwinds into the parent's code (cli::Main would catch std::bad_alloc there)
        status = workload.PrepareSlice(lo, hi);
        faults_before = MinorFaults();
        fill_start = Clock::now();
        if (status.ok()) status = workload.FillSlice(lo, hi);
      } catch (const std::bad_alloc&) {
        status = absl::ResourceExhaustedError("out of memory");
      }
      double ns = std::chrono::duration<double, std::nano>(Clock::now() - fill_start).count();
      times.data()[workers + k] = static_cast<double>(MinorFaults() - faults_before);
      if (!status.ok()) {
        std::fprintf(stderr, "dispatchlab: mp worker %d: %s\n", k, std::string(status.message()).c_str());
        _exit(1);
      }
      times.data()[k] = ns > 0 ? ns : 1e-9;
      _exit(0);  // no destructors: the arenas belong to the parent
    }
    children.push_back(pid);
  }
  for (size_t k = 0; k < children.size(); ++k) {
    int status = 0;
    while (waitpid(children[k], &status, 0) < 0 && errno == EINTR) {
    }
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && failure.empty()) {
      failure = absl::StrCat("mp worker ", k, " of ", workers, " failed: ", DescribeStatus(status));
    }
  }
  Clock::time_point end = Clock::now();
  if (!failure.empty()) return absl::InternalError(failure);

  int64_t wrong = 0;
  int64_t first_wrong = -1;
  const int32_t* data = workload.data();
  for (int64_t i = 0; i < n; ++i) {
    if (data[i] != workload.Expected(i)) {
      if (first_wrong < 0) first_wrong = i;
      ++wrong;
    }
  }
  if (wrong > run.wrong_elements) {
    run.wrong_elements = wrong;
    run.first_wrong_index = first_wrong;
  }
  double slowest = 0;
  for (int k = 0; k < workers; ++k) slowest = times.data()[k] > slowest ? times.data()[k] : slowest;
  run.wall_ns_per_element.push_back(std::chrono::duration<double, std::nano>(end - start).count() /
                                    static_cast<double>(n));
  run.fill_ns_per_element.push_back(slowest / static_cast<double>(n));
  double faults = 0;
  for (int k = 0; k < workers; ++k) faults += times.data()[workers + k];
  double pages = static_cast<double>(n) * sizeof(int32_t) / 4096.0;
  run.worker_faults_per_page.push_back(faults / pages);
  return absl::OkStatus();
}

}  // namespace

int32_t MpSourceValue(int64_t i) {
  uint64_t x = static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ull;
  x ^= x >> 29;
  return static_cast<int32_t>(x & 0x3fffffff);  // non-negative: never kMpPoison
}

absl::StatusOr<const MpScenarioInfo*> MpScenarioFromName(absl::string_view name) {
  return LookupByName(MpScenarioTable(), name, "mp scenario", "scenarios");
}

absl::StatusOr<MpResult> RunMp(const MpConfig& config) {
  absl::StatusOr<const MpScenarioInfo*> scenario = MpScenarioFromName(config.scenario);
  if (!scenario.ok()) return scenario.status();
  return RunMpWith(config, (*scenario)->make);
}

absl::StatusOr<MpResult> RunMpWith(const MpConfig& config, const MpWorkloadFactory& make) {
  if (config.n < 1) return absl::InvalidArgumentError("--n must be at least 1");
  if (config.workers.empty()) return absl::InvalidArgumentError("--workers is empty");
  for (int w : config.workers) {
    if (w < 1 || w > config.n) {
      return absl::InvalidArgumentError(absl::StrCat("--workers=", w, " must be between 1 and n=", config.n));
    }
  }
  if (config.repetitions < 1) return absl::InvalidArgumentError("--repetitions must be at least 1");
  absl::StatusOr<std::unique_ptr<SharedHeap>> heap = SharedHeap::Create(config.heap);
  if (!heap.ok()) return heap.status();
  absl::StatusOr<std::unique_ptr<MpWorkload>> workload = make(**heap, config.n, config.layers);
  if (!workload.ok()) return workload.status();

  MpResult result;
  result.scenario = config.scenario;
  result.backend = config.heap.backend;
  result.n = config.n;
  for (int w : config.workers) {
    MpRun run;
    run.workers = w;
    result.runs.push_back(run);
  }
  const int64_t total = static_cast<int64_t>(config.repetitions) * static_cast<int64_t>(result.runs.size());
  int64_t done = 0;
  for (int rep = 0; rep < config.repetitions; ++rep) {
    for (MpRun& run : result.runs) {
      absl::Status status = RunOnce(**workload, run.workers, config.layers, run);
      if (!status.ok()) return status;
      if (config.progress != nullptr) config.progress->Update(++done, total, absl::StrCat("W=", run.workers));
    }
  }
  for (const MpRun& run : result.runs) result.wrong_elements += run.wrong_elements;
  return result;
}

}  // namespace dispatchlab
