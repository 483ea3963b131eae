// The pending-name registry and its signal handler. Everything the handler touches is a fixed array of
// atomics and chars, so it never allocates or locks (see shm_names.h for why the registry exists).
#include "core/shm_names.h"

#include <fcntl.h>
#include <pthread.h>
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

void UnlinkAllPending() {
  for (Slot& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) == kReady) unlink(slot.path);
  }
}

volatile sig_atomic_t g_handling[sizeof(kSignals) / sizeof(kSignals[0])];

// Unlinks every pending name, then hands the signal to whatever was installed before: the default action
// is restored and the signal re-raised (it is delivered when this handler returns, so the process dies of
// the same signal and the parent sees it); a previous handler function is called directly. If the signal
// comes back here (a previous handler that restores its own predecessor, which was us, and re-raises),
// the second round goes straight to the default action, so two such handlers cannot ping-pong forever.
void CleanupHandler(int sig, siginfo_t* info, void* context) {
  int saved_errno = errno;
  UnlinkAllPending();
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    if (kSignals[i] != sig) continue;
    const struct sigaction& old = g_previous[i];
    bool has_function =
        (old.sa_flags & SA_SIGINFO) || (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN);
    if (has_function && g_handling[i] == 0) {
      g_handling[i] = 1;
      if (old.sa_flags & SA_SIGINFO) {
        old.sa_sigaction(sig, info, context);
      } else {
        old.sa_handler(sig);
      }
    } else {
      struct sigaction fallback;
      std::memset(&fallback, 0, sizeof(fallback));
      fallback.sa_handler = SIG_DFL;
      sigaction(sig, &fallback, nullptr);
      raise(sig);
    }
  }
  errno = saved_errno;
}

bool IsOurs(const struct sigaction& action) {
  return (action.sa_flags & SA_SIGINFO) && action.sa_sigaction == CleanupHandler;
}

// (Re)installs the handler for every signal whose current disposition is not ours. Checked on every
// registration, not once: a library that saves and restores signal handlers around its own work (a test
// framework does, per test case) silently removes ours, and arenas are created rarely enough that three
// sigaction queries per arena cost nothing.
void EnsureHandlers() {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  for (size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    struct sigaction current;
    if (sigaction(kSignals[i], nullptr, &current) != 0 || IsOurs(current)) continue;
    // A signal the process ignores stays ignored (nohup, a shell's background job): it cannot kill us.
    if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN) continue;
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = CleanupHandler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&action.sa_mask);  // no other signal interrupts the cleanup
    sigset_t all, old_mask;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old_mask);  // the handler never sees a half-written g_previous
    g_previous[i] = current;
    g_handling[i] = 0;
    sigaction(kSignals[i], &action, nullptr);
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
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
  EnsureHandlers();
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

absl::StatusOr<PendingFile> CreatePendingFileForTest(const std::string& dir) { return CreateRegistered(dir); }

}  // namespace dispatchlab::shm
