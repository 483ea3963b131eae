// Child processes for the profiling tools (see subprocess.h).
#include "experiments/base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/text.h"

extern char** environ;

namespace dispatchlab::profiling {
namespace {

// Stops the child: SIGTERM, up to ~2 s grace, then SIGKILL; always reaps it.
void StopChild(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, nullptr);
  }
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

std::string ProcessResult::Describe() const {
  if (term_signal != 0) return absl::StrCat("killed by signal ", term_signal);
  return absl::StrCat("exit status ", exit_code);
}

std::optional<std::string> FindInPath(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return access(program.c_str(), X_OK) == 0 ? std::optional<std::string>(program) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  const std::string path_list = path != nullptr ? path : "/usr/bin:/bin";
  for (std::string_view dir : Split(path_list, ':', /*skip_empty=*/true)) {
    std::string candidate = Cat(dir, "/", program);
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

absl::StatusOr<std::string> SelfExecutable() {
  char buffer[4096];
  ssize_t len = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (len <= 0) return absl::InternalError(absl::StrCat("readlink /proc/self/exe: ", std::strerror(errno)));
  return std::string(buffer, static_cast<size_t>(len));
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string LastLine(const std::string& text) {
  for (std::string_view rest = text; !rest.empty();) {
    size_t nl = StripRight(rest).rfind('\n');
    std::string_view last = Strip(nl == std::string_view::npos ? rest : rest.substr(nl + 1));
    if (!last.empty()) return std::string(last);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(0, nl);
  }
  return "";
}

absl::StatusOr<ProcessResult> RunProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) return absl::InvalidArgumentError("RunProcess: empty argv");
  std::optional<std::string> program = FindInPath(spec.argv[0]);
  if (!program.has_value()) return absl::NotFoundError(absl::StrCat(spec.argv[0], ": not found in PATH"));

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    bool overridden = false;
    for (const auto& [key, value] : spec.extra_env) {
      overridden = overridden || entry.rfind(key + "=", 0) == 0;
    }
    if (!overridden) env_strings.emplace_back(entry);
  }
  for (const auto& [key, value] : spec.extra_env) env_strings.push_back(absl::StrCat(key, "=", value));
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<char*> argv;
  for (std::string& s : argv_copy) argv.push_back(s.data());
  argv.push_back(nullptr);

  // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: the tool (valgrind, perf) is killed
  // when this process dies, even by SIGKILL, so no profiler outlives an interrupted `profile`. The child
  // runs only async-signal-safe calls before exec.
  const auto open_output = [](const std::string& path, int given) {
    return given >= 0 ? fcntl(given, F_DUPFD_CLOEXEC, 0)
                      : open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  };
  const int out_fd = open_output(spec.stdout_path, spec.stdout_fd);
  const int err_fd = open_output(spec.stderr_path, spec.stderr_fd);
  const int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || in_fd < 0) {
    const int e = errno;
    for (int fd : {out_fd, err_fd, in_fd}) {
      if (fd >= 0) close(fd);
    }
    return absl::InternalError(
        absl::StrCat("cannot open the output files of ", *program, ": ", std::strerror(e)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    // The child starts with default dispositions (ours record SIGINT/SIGTERM/SIGHUP, and SIGPIPE is
    // ignored) and no blocked signal.
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(program->c_str(), argv.data(), envp.data());
    _exit(127);
  }
  const int fork_errno = errno;
  for (int fd : {out_fd, err_fd, in_fd}) close(fd);
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("cannot run ", *program, ": fork: ", std::strerror(fork_errno)));
  }

  // Wait without a window between "no signal yet" and "blocked waiting": SIGINT/SIGTERM stay blocked
  // except inside ppoll, which unblocks them atomically and returns EINTR when one arrives; the child's
  // exit makes its pidfd readable. (Without pidfd_open, Linux < 5.3, a plain waitpid is used.)
  sigset_t interrupts, saved;
  sigemptyset(&interrupts);
  sigaddset(&interrupts, SIGINT);
  sigaddset(&interrupts, SIGTERM);
  sigaddset(&interrupts, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &interrupts, &saved);
  sigset_t wait_mask = saved;
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGHUP);
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  ProcessResult result;
  absl::Status failure;
  // The deadline needs the pidfd (a plain waitpid cannot time out); Linux >= 5.3 has it.
  const auto now = [] {
    struct timespec ts = {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  const double deadline = spec.timeout_seconds > 0 ? now() + spec.timeout_seconds : 0;
  while (true) {
    if (InterruptSignal() != 0) {
      StopChild(pid);
      failure = absl::CancelledError(absl::StrCat("interrupted by signal ", InterruptSignal()));
      break;
    }
    if (pidfd >= 0) {
      struct pollfd pfd = {pidfd, POLLIN, 0};
      struct timespec left = {};
      if (deadline > 0) {
        const double remaining = deadline - now();
        if (remaining <= 0) {
          StopChild(pid);
          failure = absl::DeadlineExceededError(
              absl::StrCat("no answer within ", spec.timeout_seconds, " seconds (stopped)"));
          break;
        }
        left.tv_sec = static_cast<time_t>(remaining);
        left.tv_nsec = static_cast<long>((remaining - static_cast<double>(left.tv_sec)) * 1e9);
      }
      const int polled = ppoll(&pfd, 1, deadline > 0 ? &left : nullptr, &wait_mask);
      if (polled <= 0) continue;  // EINTR: a signal, look at the flag; 0: the deadline, checked above
    }
    int status = 0;
    struct rusage usage = {};
    pid_t r = wait4(pid, &status, pidfd >= 0 ? WNOHANG : 0, &usage);
    if (r == 0 || (r < 0 && errno == EINTR)) continue;
    if (r < 0) {
      failure = absl::InternalError(absl::StrCat("wait4: ", std::strerror(errno)));
      break;
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    result.max_rss_kb = usage.ru_maxrss;
    break;
  }
  if (pidfd >= 0) close(pidfd);
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (!failure.ok()) return failure;
  return result;
}

absl::StatusOr<std::string> RunAndCapture(const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("RunAndCapture: empty argv");
  const int out = memfd_create("dispatchlab-captured-stdout", MFD_CLOEXEC);
  if (out < 0) return absl::InternalError(absl::StrCat("memfd_create: ", std::strerror(errno)));
  ProcessSpec spec;
  spec.argv = argv;
  spec.stdout_fd = out;
  spec.stderr_fd = STDERR_FILENO;
  absl::StatusOr<ProcessResult> result = RunProcess(spec);
  std::string text;
  if (result.ok() && lseek(out, 0, SEEK_SET) == 0) {
    char buffer[4096];
    ssize_t got = 0;
    while ((got = read(out, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<size_t>(got));
  }
  close(out);
  const std::string& binary = argv[0];
  if (!result.ok()) {
    if (result.status().code() == absl::StatusCode::kNotFound) {
      return absl::InternalError(absl::StrCat("cannot start ", binary));
    }
    return result.status();
  }
  if (result->term_signal != 0) {
    return absl::InternalError(absl::StrCat(binary, " was killed by signal ", result->term_signal, " (",
                                            strsignal(result->term_signal), ")"));
  }
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat(binary, " failed with exit status ", result->exit_code));
  }
  return text;
}

}  // namespace dispatchlab::profiling
