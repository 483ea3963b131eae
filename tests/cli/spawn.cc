#include "tests/cli/spawn.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "core/shm_names.h"

extern char** environ;

namespace dispatchlab::testing {

ChildResult RunChild(const std::vector<std::string>& argv, int timeout_seconds, const std::string& tmpdir,
                     Stdout stdout_to) {
  ChildResult result;
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!tmpdir.empty() && std::strncmp(*e, "TMPDIR=", 7) == 0) continue;
    env_strings.push_back(*e);
  }
  if (!tmpdir.empty()) env_strings.push_back("TMPDIR=" + tmpdir);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (stdout_to == Stdout::kPipe) {
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  } else if (stdout_to == Stdout::kDevFull) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/full", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_addclose(&actions, 1);
  }
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  result.pid = pid;
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = std::string("spawn failed: ") + std::strerror(rc);
    return result;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ChildResult RunCli(const std::vector<std::string>& args, int timeout_seconds, const std::string& tmpdir,
                   Stdout stdout_to) {
  std::vector<std::string> argv{DISPATCHLAB_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunChild(argv, timeout_seconds, tmpdir, stdout_to);
}

std::set<std::string> EntriesOf(const std::string& dir) {
  std::set<std::string> found;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return found;
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) found.insert(e->d_name);
  }
  closedir(d);
  return found;
}

std::set<std::string> ShmFilesOf(int pid) {
  const std::string prefix = std::string(shm::NamePrefix()) + std::to_string(pid) + "-";
  std::set<std::string> found;
  for (const std::string& name : EntriesOf("/dev/shm")) {
    if (name.compare(0, prefix.size(), prefix) == 0) found.insert(name);
  }
  return found;
}

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  path = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") + "/dl-test-XXXXXX";
  if (mkdtemp(path.data()) == nullptr) path.clear();
}

TempDir::~TempDir() {
  if (!path.empty()) rmdir(path.c_str());
}

int LineCount(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;
  return lines;
}

std::vector<std::string> CommandNames() {
  const ChildResult help = RunCli({"--help"});
  if (help.exit_status != 0) throw std::runtime_error("dispatchlab --help failed: " + help.err);
  std::vector<std::string> names;
  bool in_commands = false;
  for (absl::string_view line : absl::StrSplit(help.out, '\n')) {
    if (line == "commands:") {
      in_commands = true;
    } else if (in_commands && absl::StartsWith(line, "  ")) {
      std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (!words.empty()) names.push_back(words[0]);
    } else if (in_commands) {
      in_commands = false;
    }
  }
  if (names.empty()) throw std::runtime_error("dispatchlab --help lists no commands:\n" + help.out);
  return names;
}

}  // namespace dispatchlab::testing
