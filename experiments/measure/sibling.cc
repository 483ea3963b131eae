#include "experiments/measure/sibling.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "core/counters.h"
#include "experiments/base/json.h"

extern char** environ;

namespace dispatchlab {

absl::StatusOr<std::string> SiblingBinary() {
  char self[PATH_MAX];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) return absl::InternalError("cannot read /proc/self/exe");
  self[len] = '\0';
  std::string path(self);
  const size_t slash = path.rfind('/');
  const std::string dir = path.substr(0, slash + 1);
  std::string sibling = dir + (kCountingCompiledIn ? "dispatchlab-nocount" : "dispatchlab");
  if (access(sibling.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat("the sibling build ", sibling, " is not there (build both targets)"));
  }
  return sibling;
}

absl::StatusOr<std::string> RunAndCapture(const std::string& binary, const std::vector<std::string>& args) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  std::vector<std::string> words = {binary};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    return absl::InternalError(absl::StrCat("cannot start ", binary));
  }
  std::string out;
  char buffer[4096];
  ssize_t got = 0;
  while ((got = read(pipe_fds[0], buffer, sizeof(buffer))) > 0) out.append(buffer, static_cast<size_t>(got));
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return absl::InternalError(absl::StrCat(binary, " was killed by signal ", WTERMSIG(status), " (",
                                            strsignal(WTERMSIG(status)), ")"));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(binary, " failed with exit status ", WEXITSTATUS(status)));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::vector<double>>> NsPerElementByRun(const std::string& text) {
  absl::StatusOr<Json> doc = ParseJson(text);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !doc->contains("benchmarks") || !(*doc)["benchmarks"].is_array()) {
    return absl::InvalidArgumentError("not Google Benchmark JSON: no \"benchmarks\" array");
  }
  std::map<std::string, std::vector<double>> out;
  for (const Json& entry : (*doc)["benchmarks"]) {
    if (!entry.is_object() || entry.value("run_type", "") != "iteration") continue;
    const auto name = entry.find("run_name");
    const auto ns = entry.find("ns_per_element");
    if (name == entry.end() || !name->is_string() || ns == entry.end() || !ns->is_number()) {
      return absl::InvalidArgumentError("a Google Benchmark entry without run_name or ns_per_element");
    }
    out[name->get<std::string>()].push_back(ns->get<double>());
  }
  return out;
}

}  // namespace dispatchlab
