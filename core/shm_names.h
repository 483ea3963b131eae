// Temporary file names that must never outlive the process: the registry behind "nothing left in /dev/shm
// or the temp directory after a run, an error, or SIGINT/SIGTERM".
//
// multiprocessing.heap.Arena (3.6 and 3.7+) creates a file with tempfile.mkstemp and os.unlink()s it right
// away; the mapping keeps the memory alive. If the process dies between the create and the unlink, the file
// stays. dispatchlab keeps that window tiny and covers it: a name is registered *before* the file is
// created, and a SIGINT/SIGTERM/SIGHUP handler unlinks every registered name, restores the previous
// disposition and re-raises the signal. A SIGKILL cannot be caught: the only defence there is that the
// window is a few system calls long (tests/core/shared_heap_cleanup_test.cc checks both).
//
// The registry is a fixed array of slots, so the handler is async-signal-safe (it only calls unlink,
// sigaction and raise).
#ifndef DISPATCHLAB_CORE_SHM_NAMES_H_
#define DISPATCHLAB_CORE_SHM_NAMES_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace dispatchlab::shm {

inline constexpr size_t kMaxPendingNames = 64;
inline constexpr size_t kMaxNameLength = 512;  // bytes, including the terminating NUL

// Records `path` as "may exist and must be removed on a fatal signal" and installs the signal handlers on
// first use. Returns the slot to pass to UnregisterPendingName. ResourceExhausted when every slot is in use,
// InvalidArgument when the path is too long.
absl::StatusOr<int> RegisterPendingName(const std::string& path);
// Forgets the name in `slot` (after it was unlinked, or when it was never created).
void UnregisterPendingName(int slot);
// How many names are registered right now (for tests).
size_t PendingNameCount();

// A file created exclusively (O_CREAT|O_EXCL, mode 0600) in `dir` with a fresh name
// "dispatchlab-PID-SEQ-RANDOM", and already unlinked: only the descriptor remains. The name is registered
// before the create and unregistered after the unlink. Errors name the directory.
struct UnlinkedFile {
  int fd = -1;
  std::string path;  // the name it had, for messages; it no longer exists
};
absl::StatusOr<UnlinkedFile> CreateUnlinkedFile(const std::string& dir);

// The same, but the name is left registered and the file is NOT unlinked: the caller unlinks it and calls
// UnregisterPendingName(slot). For tests of the signal handler only.
struct PendingFile {
  int fd = -1;
  std::string path;
  int slot = -1;
};
absl::StatusOr<PendingFile> CreatePendingFileForTest(const std::string& dir);

// The prefix of every name dispatchlab creates ("dispatchlab-"), so tests can look for leftovers.
const char* NamePrefix();

}  // namespace dispatchlab::shm

#endif  // DISPATCHLAB_CORE_SHM_NAMES_H_
