// The scratch directory and the interrupt flag (see scratch_dir.h).
#include "experiments/base/scratch_dir.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "experiments/base/text.h"

namespace dispatchlab::profiling {
namespace {

volatile sig_atomic_t g_interrupt_signal = 0;

void RecordSignal(int sig) { g_interrupt_signal = sig; }

// Handlers are installed by the first live ScratchDir and restored by the last one.
std::mutex g_handler_mutex;
int g_live_dirs = 0;
struct sigaction g_saved_int, g_saved_term, g_saved_hup;

void InstallHandlers() {
  std::lock_guard<std::mutex> lock(g_handler_mutex);
  if (g_live_dirs++ > 0) return;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = RecordSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked waitpid/read returns EINTR so the caller can clean up
  sigaction(SIGINT, &sa, &g_saved_int);
  sigaction(SIGTERM, &sa, &g_saved_term);
  sigaction(SIGHUP, &sa, &g_saved_hup);  // a closed terminal must not leave the scratch folder behind
  // A signal this process inherited as ignored (`nohup`, a background job of a non-interactive shell)
  // stays ignored: the run was asked to survive it.
  for (auto [sig, saved] : {std::pair{SIGINT, &g_saved_int}, std::pair{SIGTERM, &g_saved_term},
                            std::pair{SIGHUP, &g_saved_hup}}) {
    if (saved->sa_handler == SIG_IGN) sigaction(sig, saved, nullptr);
  }
}

void RestoreHandlers() {
  std::lock_guard<std::mutex> lock(g_handler_mutex);
  if (--g_live_dirs > 0) return;
  sigaction(SIGINT, &g_saved_int, nullptr);
  sigaction(SIGTERM, &g_saved_term, nullptr);
  sigaction(SIGHUP, &g_saved_hup, nullptr);
}

}  // namespace

int InterruptSignal() { return g_interrupt_signal; }
void ClearInterruptSignal() { g_interrupt_signal = 0; }

absl::StatusOr<std::unique_ptr<ScratchDir>> ScratchDir::Create(std::string_view tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  std::string templ = Cat(base, "/dispatchlab-", tag, "-XXXXXX");
  std::vector<char> buffer(templ.begin(), templ.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot create a temporary directory under ", base, ": ", std::strerror(errno)));
  }
  InstallHandlers();
  return std::unique_ptr<ScratchDir>(new ScratchDir(std::string(buffer.data())));
}

ScratchDir::ScratchDir(std::string path) : path_(std::move(path)) {}

ScratchDir::~ScratchDir() {
  if (DIR* dir = opendir(path_.c_str())) {
    std::vector<std::string> names;
    while (struct dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    closedir(dir);
    for (const std::string& name : names) unlink(File(name).c_str());
  }
  rmdir(path_.c_str());
  RestoreHandlers();
}

std::string ScratchDir::File(std::string_view name) const { return Cat(path_, "/", name); }

absl::StatusOr<std::string> ScratchDir::MakeFifo(std::string_view name) {
  std::string path = File(name);
  if (mkfifo(path.c_str(), 0600) != 0) {
    return absl::InternalError(absl::StrCat("mkfifo ", path, ": ", std::strerror(errno)));
  }
  return path;
}

}  // namespace dispatchlab::profiling
