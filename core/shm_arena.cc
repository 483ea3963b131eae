// Arena backings. See shm_arena.h for the list and why space is reserved before mapping.
#include "core/shm_arena.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/shm_names.h"

namespace dispatchlab::shm {
namespace {

bool IsSpaceError(int error) {
  return error == ENOSPC || error == ENOMEM || error == EFBIG || error == EDQUOT;
}

// "... in DIR: No space left on device (ENOSPC)": the directory, the size and the errno by name.
absl::Status SpaceError(int error, const std::string& where, size_t size, const char* what) {
  const char* name = strerrorname_np(error);
  std::string message =
      absl::StrCat(what, " ", size, " bytes for a shared-memory arena in ", where, ": ", std::strerror(error),
                   " (", name != nullptr ? std::string(name) : absl::StrCat("errno ", error), ")");
  if (IsSpaceError(error)) return absl::ResourceExhaustedError(message);
  return absl::ErrnoToStatus(error, message);
}

// 3.6's Arena.__init__: `while bytes_left: f.write(zeros[:min(bytes_left, 1 MiB)])`.
int WriteZeros(int fd, size_t size) {
  std::vector<char> zeros(kWriteChunk, 0);
  size_t left = size;
  while (left > 0) {
    size_t chunk = left < kWriteChunk ? left : kWriteChunk;
    ssize_t written = write(fd, zeros.data(), chunk);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    left -= static_cast<size_t>(written);
  }
  return 0;
}

absl::StatusOr<ArenaMapping> MapFileArena(const HeapOptions& options, size_t size, bool populate) {
  std::string dir = ArenaDirectory(options);
  absl::StatusOr<UnlinkedFile> file = CreateUnlinkedFile(dir);
  if (!file.ok()) return file.status();
  int fd = file->fd;
  int error = 0;
  if (options.fill == ArenaFill::kWriteZeros) {
    error = WriteZeros(fd, size);
  } else if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    error = errno;
  }
  // ftruncate alone leaves a sparse file: a full tmpfs then kills the process with SIGBUS when a page is
  // first touched. posix_fallocate reserves every block now (it returns the error, it does not set errno).
  if (error == 0) error = posix_fallocate(fd, 0, static_cast<off_t>(size));
  if (error != 0) {
    close(fd);
    return SpaceError(error, dir, size, "cannot reserve");
  }
  int flags = MAP_SHARED | (populate ? MAP_POPULATE : 0);
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, fd, 0);
  error = errno;
  close(fd);  // the mapping keeps the file alive
  if (data == MAP_FAILED) return SpaceError(error, dir, size, "cannot map");
  return ArenaMapping{static_cast<char*>(data), size};
}

}  // namespace

std::string ArenaDirectory(const HeapOptions& options) {
  switch (options.backend) {
    case Backend::kShm:
      return "/dev/shm";
    case Backend::kFile: {
      if (!options.tempdir.empty()) return options.tempdir;
      const char* tmpdir = std::getenv("TMPDIR");
      return tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    }
    case Backend::kAnon:
    case Backend::kPrivate:
      break;
  }
  return "";
}

absl::StatusOr<ArenaMapping> MapArena(const HeapOptions& options, size_t size, bool populate) {
  if (options.backend == Backend::kShm || options.backend == Backend::kFile) {
    return MapFileArena(options, size, populate);
  }
  int flags = MAP_ANONYMOUS | (options.backend == Backend::kAnon ? MAP_SHARED : MAP_PRIVATE) |
              (populate ? MAP_POPULATE : 0);
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (data == MAP_FAILED) {
    return SpaceError(errno,
                      absl::StrCat("anonymous memory (", std::string(BackendName(options.backend)), ")"),
                      size, "cannot map");
  }
  return ArenaMapping{static_cast<char*>(data), size};
}

void UnmapArena(const ArenaMapping& arena) {
  if (arena.data != nullptr) munmap(arena.data, arena.size);
}

}  // namespace dispatchlab::shm
