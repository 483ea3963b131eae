// The pending-name registry and its signal handler. Everything the handler touches is a fixed array of
// atomics and chars, so it never allocates or locks (see shm_names.h for why the registry exists).
#include "core/shm_names.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dispatchlab::shm {
namespace {

enum SlotState : int { kFree = 0, kWriting = 1, kReady = 2 };

struct Slot {
  std::atomic<int> state{kFree};
  char path[kMaxNameLength];
};

Slot g_slots[kMaxPendingNames];

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[sizeof(kSignals) / sizeof(kSignals[0])];
bool g_installed[sizeof(kSignals) / sizeof(kSignals[0])];
std::once_flag g_install_once;

void UnlinkAllPending() {
  for (Slot& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) == kReady) unlink(slot.path);
  }
}

// Unlinks every pending name, then hands the signal to whatever was installed before: the default action
// is restored and the signal re-raised (it is delivered when this handler returns, so the process dies of
// the same signal and the parent sees it); a previous handler function is called directly.
void CleanupHandler(int sig, siginfo_t* info, void* context) {
  int saved_errno = errno;
  UnlinkAllPending();
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    if (kSignals[i] != sig) continue;
    const struct sigaction& old = g_previous[i];
    if (old.sa_flags & SA_SIGINFO) {
      old.sa_sigaction(sig, info, context);
    } else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
      old.sa_handler(sig);
    } else {
      sigaction(sig, &old, nullptr);
      raise(sig);
    }
  }
  errno = saved_errno;
}

void InstallHandlers() {
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    struct sigaction old;
    if (sigaction(kSignals[i], nullptr, &old) != 0) continue;
    // A signal the process ignores stays ignored (nohup, a shell's background job): it cannot kill us.
    if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN) continue;
    g_previous[i] = old;
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = CleanupHandler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&action.sa_mask);  // no other signal interrupts the cleanup
    g_installed[i] = sigaction(kSignals[i], &action, nullptr) == 0;
  }
}

uint64_t RandomBits() {
  uint64_t bits = 0;
  if (getrandom(&bits, sizeof(bits), GRND_NONBLOCK) != sizeof(bits)) {
    static std::atomic<uint64_t> fallback{0x9e3779b97f4a7c15ull};
    bits = fallback.fetch_add(0x9e3779b97f4a7c15ull) ^ static_cast<uint64_t>(getpid());
  }
  return bits;
}

std::atomic<uint64_t> g_sequence{0};

// Registers a fresh name and creates the file exclusively; on return the name is registered and exists.
absl::StatusOr<PendingFile> CreateRegistered(const std::string& dir) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string path = absl::StrFormat("%s/%s%d-%d-%08x", dir, NamePrefix(), getpid(),
                                       g_sequence.fetch_add(1), RandomBits() & 0xffffffffu);
    absl::StatusOr<int> slot = RegisterPendingName(path);
    if (!slot.ok()) return slot.status();
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) return PendingFile{fd, path, *slot};
    int error = errno;
    UnregisterPendingName(*slot);
    if (error == EEXIST) continue;  // someone else's name: never unlink it, draw another
    return absl::ErrnoToStatus(error, absl::StrCat("cannot create a file in ", dir));
  }
  return absl::AlreadyExistsError(absl::StrCat("cannot find a free file name in ", dir));
}

}  // namespace

const char* NamePrefix() { return "dispatchlab-"; }

absl::StatusOr<int> RegisterPendingName(const std::string& path) {
  if (path.size() + 1 > kMaxNameLength) {
    return absl::InvalidArgumentError(absl::StrCat("temporary file name too long: ", path));
  }
  std::call_once(g_install_once, InstallHandlers);
  for (size_t i = 0; i < kMaxPendingNames; ++i) {
    int expected = kFree;
    if (g_slots[i].state.compare_exchange_strong(expected, kWriting, std::memory_order_acq_rel)) {
      std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
      g_slots[i].state.store(kReady, std::memory_order_release);
      return static_cast<int>(i);
    }
  }
  return absl::ResourceExhaustedError("too many temporary files being created at once");
}

void UnregisterPendingName(int slot) {
  if (slot < 0 || static_cast<size_t>(slot) >= kMaxPendingNames) return;
  g_slots[slot].state.store(kFree, std::memory_order_release);
}

size_t PendingNameCount() {
  size_t count = 0;
  for (const Slot& slot : g_slots) count += slot.state.load(std::memory_order_acquire) == kReady;
  return count;
}

absl::StatusOr<UnlinkedFile> CreateUnlinkedFile(const std::string& dir) {
  absl::StatusOr<PendingFile> file = CreateRegistered(dir);
  if (!file.ok()) return file.status();
  // Unlink at once, as multiprocessing.heap.Arena does: the descriptor (and later the mapping) keeps the
  // memory; the name is only a window for leftovers.
  int rc = unlink(file->path.c_str());
  int error = errno;
  UnregisterPendingName(file->slot);
  if (rc != 0) {
    close(file->fd);
    return absl::ErrnoToStatus(error, absl::StrCat("cannot unlink ", file->path));
  }
  return UnlinkedFile{file->fd, file->path};
}

absl::StatusOr<PendingFile> CreatePendingFileForTest(const std::string& dir) {
  return CreateRegistered(dir);
}

}  // namespace dispatchlab::shm
